"""The indicator catalogue (`schemas/indicators.yaml`) as validated pydantic models."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from .errors import CatalogueError
from .paths import SCHEMAS_DIR

CATALOGUE_PATH = SCHEMAS_DIR / "indicators.yaml"
LINKER_FILES = {"vetoes": SCHEMAS_DIR / "vetoes.yaml", "roles": SCHEMAS_DIR / "roles.yaml",
                "weights": SCHEMAS_DIR / "linker_weights.json"}
# libyaml's loader reads the same documents into the same values as PyYAML's pure-Python one
# (the same SafeLoader resolver), about nine times faster: 30 ms less at every start.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Kind = Literal["count", "amount", "rate", "average", "hours"]


# The combining marks of the Latin letters (U+0300-U+036F but the grapheme joiner, U+034F, which
# has no combining class), removed by one substitution; any other mark by `_Marks`.
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")


class _Marks(dict):
    """A `str.translate` table dropping the characters with a combining class, filled as code
    points are met (a lookup in C for each one already met)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes made plain: for matching words."""
    if text.isascii():  # nothing to decompose or remove (most text): the same result, faster
        return text.lower()
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text.replace("’", "'")))
    if text.isascii():
        return text.lower()
    return text.translate(_MARKS).lower()  # (€, «, œ... stay; any other mark goes)


# Nouns whose singular ends in s or x.
_INVARIABLE = {"repas", "secours", "fois", "temps", "mois", "cas", "prix", "poids", "parcours",
               "concours", "recours", "pays", "corps", "dos", "bras", "avis", "jus", "colis"}


def singular(word: str) -> str:
    """A French noun's singular, by the regular rules (enough for catalogue units and aliases)."""
    if word in _INVARIABLE or len(word) <= 3:
        return word
    if word.endswith("aux") and word != "eaux":
        return word[:-3] + "al"
    if word[-1] in "sx" and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)  # section titles and table labels are asked for every number under them
def lemma_key(text: str) -> str:
    """Folded, singular form of every word: `Heures réalisées` → `heure realisee`."""
    return " ".join(singular(word) for word in fold(text).replace("-", " ").split())


class Indicator(BaseModel):
    """One comparable measure of the catalogue."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    label: str
    kind: Kind
    unit: str
    units: list[str]
    aliases: list[str] = Field(default_factory=list)
    domain: str = ""
    section_words: list[str] = Field(default_factory=list)
    named: bool = False  # linked only when an alias is near the number, never by unit and section
    min_value: float | None = None  # smaller values are not this indicator
    excluded_by: list[str] = Field(default_factory=list)  # clause words: it counts something else

    @property
    def prefix(self) -> str:
        return self.id.split(".")[0]

    @model_validator(mode="after")
    def _unit_is_listed(self) -> Indicator:
        if self.unit not in self.units:
            self.units = [self.unit, *self.units]
        return self


class LinkerFiles(BaseModel):
    """The linker's data that goes with a catalogue (its `linker:` section): vetoes, value-role
    cues and fitted weights. A file not named is the packaged one; a relative path is read from
    the catalogue file's folder."""

    vetoes: Path = LINKER_FILES["vetoes"]
    roles: Path = LINKER_FILES["roles"]
    weights: Path = LINKER_FILES["weights"]

    def resolved(self, folder: Path) -> LinkerFiles:
        """The same files, relative paths taken from `folder`; a missing one raises ValueError."""
        files = {name: path if path.is_absolute() else folder / path
                 for name, path in self.model_dump().items()}
        for name, path in files.items():
            if not path.is_file():
                raise ValueError(f"linker.{name}: no file {path}")
        return LinkerFiles(**files)


class Catalogue(BaseModel):
    version: int
    linker: LinkerFiles = Field(default_factory=LinkerFiles)
    domains: dict[str, list[str]] = Field(default_factory=dict)
    sections: dict[str, list[str]] = Field(default_factory=dict)
    budget_parts: list[str] = Field(default_factory=list)
    planned_columns: list[str] = Field(default_factory=list)
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _check(self) -> Catalogue:
        seen: set[str] = set()
        for entry in self.indicators:
            if entry.id in seen:
                raise ValueError(f"duplicate indicator id '{entry.id}'")
            seen.add(entry.id)
        prefix_domain = {p: d for d, prefixes in self.domains.items() for p in prefixes}
        for entry in self.indicators:
            entry.domain = prefix_domain.get(entry.prefix, entry.prefix)
            entry.section_words = self.sections.get(entry.prefix, [])
        owners: dict[str, list[Indicator]] = defaultdict(list)
        for entry in self.indicators:
            for alias in {lemma_key(alias) for alias in entry.aliases}:
                owners[alias].append(entry)
        for alias, entries in owners.items():
            units = [tuple(sorted(e.units)) for e in entries]
            prefixes = {e.prefix for e in entries}
            # Same words for two ids: allowed only when a unit or the service tells them apart.
            if len(entries) > 1 and len(set(units)) == 1 and len(prefixes) == 1:
                ids = ", ".join(e.id for e in entries)
                raise ValueError(
                    f"alias '{alias}' is shared by {ids} without a unit or service to tell them "
                    "apart"
                )
        return self

    def get(self, indicator_id: str) -> Indicator | None:
        return self.by_id.get(indicator_id)

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        """Indicators by id, built once (`get` is called for every scored item)."""
        return {entry.id: entry for entry in self.indicators}

    @property
    def all_units(self) -> set[str]:
        return {lemma_key(unit) for entry in self.indicators for unit in entry.units}


def read_yaml(text: str):
    """`yaml.safe_load(text)`, through libyaml when PyYAML was built with it."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, C or Python


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue file; a bad one raises `CatalogueError` naming the problem."""
    path = Path(path or CATALOGUE_PATH)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError(f"{path}: cannot read the catalogue ({error})") from None
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)
        )
        raise CatalogueError(f"{path}: {problems}") from None
    try:
        catalogue.linker = catalogue.linker.resolved(path.parent)
    except ValueError as error:
        raise CatalogueError(f"{path}: {error}") from None
    return catalogue


@cache
def default_catalogue() -> Catalogue:
    return load_catalogue()
