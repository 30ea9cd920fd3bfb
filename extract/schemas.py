"""JSON Schemas of the records we output, generated from the pydantic models into `schemas/`."""

from __future__ import annotations

import json
from pathlib import Path

from .gold import GoldFile
from .indicators import IndicatorValue
from .metadata import Metadata
from .paths import SCHEMAS_DIR
from .sections import Section

RECORDS = {
    "indicator_value": IndicatorValue,
    "section": Section,
    "metadata": Metadata,
    "gold_file": GoldFile,
}


def schema_texts() -> dict[str, str]:
    """File name → JSON Schema text, for every output record."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=1)
        + "\n"
        for name, model in RECORDS.items()
    }


def write_schemas(folder: Path = SCHEMAS_DIR) -> list[Path]:
    """Write the JSON Schemas into `folder`; return the paths written."""
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
