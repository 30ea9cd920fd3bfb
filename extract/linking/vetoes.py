"""Vetoes as data (`schemas/vetoes.yaml`): what a candidate can never be."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..catalogue import Indicator
from ..paths import SCHEMAS_DIR

VETOES_PATH = SCHEMAS_DIR / "vetoes.yaml"


@dataclass(frozen=True)
class Vetoes:
    kind_units: dict[str, frozenset[str]]  # kind -> the only units it takes
    role_kinds: dict[str, frozenset[str]]  # non-value role -> the kinds it may still link to
    role_ids: dict[str, frozenset[str]]  # non-value role -> the indicators it may still link to

    @property
    def vetoed_units(self) -> frozenset[str]:
        """Units that only the kinds of `kind_units` take (euros, percent)."""
        return frozenset().union(*self.kind_units.values())

    def role_allows(self, role: str, entry: Indicator) -> bool:
        return (role == "value" or entry.kind in self.role_kinds.get(role, frozenset())
                or entry.id in self.role_ids.get(role, frozenset()))


def load_vetoes(path: str | Path | None = None) -> Vetoes:
    """The vetoes of `path` (default: the packaged file; a catalogue names its own in
    `catalogue.linker.vetoes`), parsed once per content."""
    return _parse(Path(path or VETOES_PATH).read_text(encoding="utf-8"))


@cache  # keyed by the text: two files never share vetoes, an edited file is read anew
def _parse(text: str) -> Vetoes:
    data = yaml.safe_load(text) or {}
    return Vetoes(
        kind_units={kind: frozenset(units) for kind, units in data.get("kind_units", {}).items()},
        role_kinds={role: frozenset((allowed or {}).get("kinds", []))
                    for role, allowed in data.get("roles", {}).items()},
        role_ids={role: frozenset((allowed or {}).get("indicators", []))
                  for role, allowed in data.get("roles", {}).items()},
    )
