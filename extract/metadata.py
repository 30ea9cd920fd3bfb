"""Document metadata: organisation, kind, commune, report year and document type.

`guess_metadata(document)` reads the cues a reader would: the cover page's title and year, the
organisation named most often, and the furniture of a web page for articles.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel

from .catalogue import fold
from .document import Document, Line
from .paths import SCHEMAS_DIR
from .quantities import grammar

Kind = Literal["CCAS", "CIAS", "other"]
DocType = Literal["rapport_activite", "article", "other"]

_YEAR = re.compile(r"(?<![\d,.])(19[89]\d|20[0-4]\d)(?![\d,.])")
COVER_CHARS = 1500  # the cover page and the first lines of a report: where it names itself


@cache
def _cues() -> dict:
    """Patterns of `schemas/metadata.yaml`, compiled."""
    data = yaml.safe_load((SCHEMAS_DIR / "metadata.yaml").read_text(encoding="utf-8"))

    def either(patterns: list[str]) -> re.Pattern[str]:
        # a space in a pattern is any run of white space: covers break lines anywhere
        spaced = (pattern.replace(" ", r"\s+") for pattern in patterns)
        return re.compile("|".join(f"(?:{pattern})" for pattern in spaced), re.I)

    report = either(data["report"])
    return {
        "seat": re.compile(rf"(?:{either(data['seat']).pattern})\s+(?P<place>[A-ZÉÈ][\w'’-]+"
                           r"(?:[ -](?:sur|en|de|du|la|le|lès)?[ -]?[A-ZÉÈ][\w'’-]+)*)"),
        "kinds": {kind: either(patterns) for kind, patterns in data["kinds"].items()},
        "not_a_report": either(data["not_a_report"]),
        "report": report,
        "report_year": re.compile(
            rf"(?:{report.pattern})\W{{0,3}}(?:(?:de l.|pour l.)(?:année|exercice)\s*|annuel\s*)?"
            r"(?P<year>(?:19|20)\d{2})(?:\s*[-/]\s*(?P<end>(?:19|20)\d{2}))?", re.I),
    }
_ORGANISATION = re.compile(
    r"\b(?P<kind>C[CI]AS)(?P<prep>-|\s+(?i:de\s+la\s+|de\s+|du\s+|d['’]|des\s+))"
    r"(?P<name>[A-ZÉÈ][\w'’-]+(?:[ -](?:sur |en |de |du |la |le )?[A-ZÉÈ][\w'’-]+)*)"
)
# only the body's kind is case-blind: the name after it starts with a capital ("du Craonnais"),
# and a line may break anywhere in it
_LONG_NAME = re.compile(
    r"\b(?i:centre\s+(?P<kind>inter)?communal\s+d.action\s+sociale)\s+"
    r"(?P<prep>(?i:de\s+la|de|du|des)\s+|(?i:d)['’])?"
    r"(?P<name>[A-ZÉÈ][\w'’-]+(?:[ -][A-ZÉÈ][\w'’-]+)*)"
)
_WEB_PAGE = re.compile(r"https?://|partager cet article|commentaires|publié le|repost", re.I)
_SPLIT_DIGITS = re.compile(r"(?:^\s*(\d)\s*\n\s*\n?){4}", re.M)


class Metadata(BaseModel):
    organisation: str = ""
    kind: Kind = "other"
    commune: str = ""
    report_year: int | None = None
    doc_type: DocType = "other"


def guess_kind(document: Document) -> Kind:
    """The kind of body the report is from, by how it names itself: the first kind its cover
    names (a centre social or a communauté de communes is no CCAS, whatever partners it
    mentions); without one on the cover, the social-action kind its text names most."""
    cover = cover_text(document, COVER_CHARS)
    named = [(match.start(), kind) for kind, pattern in _cues()["kinds"].items()
             for match in [pattern.search(cover)] if match]
    if named:
        return min(named)[1]
    counts = {kind: len(_cues()["kinds"][kind].findall(document.text)) for kind in ("CIAS", "CCAS")}
    best = max(counts, key=counts.get)
    return best if counts[best] else "other"


def cover_text(document: Document, chars: int = 800) -> str:
    """The first characters of the report, with a year written one digit per line rejoined."""
    head = document.text[:chars]
    return _SPLIT_DIGITS.sub(lambda m: "".join(re.findall(r"\d", m.group())) + "\n", head)


def guess_report_year(document: Document) -> int | None:
    """The year the report covers: the year right after the words that name an activity report
    ("rapport d'activité 2019", also inside the minutes of a meeting held in 2020), else the
    last year on its cover, else its most frequent year."""
    named = _cues()["report_year"].search(cover_text(document, len(document.text)))
    if named:
        return int(named.group("end") or named.group("year"))
    cover = [int(y) for y in _YEAR.findall(cover_text(document))]
    if cover:
        return max(cover)
    years = Counter(int(y) for y in _YEAR.findall(document.text))
    return years.most_common(1)[0][0] if years else None


ARTICLE_PARAGRAPH_CHARS = 80


@cache
def _full_date() -> re.Pattern[str]:
    """A date with day, month and year, on folded text; the month names of the number grammar."""
    months = "|".join(sorted(map(re.escape, grammar().months)))
    return re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{months})\s+(?:19|20)\d{{2}}")


def guess_article_year(document: Document) -> int | None:
    """The year an article's figures are for: the latest year its body paragraphs name, other
    than in full dates (the publication date, events). Navigation teasers are indented lines."""
    years = []
    margins = _left_margins(document)
    for line in document.lines:
        if len(line.text) < ARTICLE_PARAGRAPH_CHARS or _indented(line, margins):
            continue
        years += [int(y) for y in _YEAR.findall(_full_date().sub(" ", fold(line.text)))]
    return max(years) if years else None


INDENT_POINTS = 8  # a PDF line starting this far right of its column's margin is indented
MARGIN_SHARE = 0.1  # a left edge where this share of the text starts is a column's margin
COLUMN_GAP = 60  # points between two columns' margins at the least


def _left_margins(document: Document) -> list[float]:
    """A PDF's column margins: the left edges at least a tenth of its text starts at."""
    edges: Counter[float] = Counter()
    for line in document.lines:
        if line.bbox is not None:
            edges[round(line.bbox[0])] += len(line.text)
    total = sum(edges.values())
    margins: list[float] = []
    for edge in sorted(e for e, chars in edges.items() if chars >= MARGIN_SHARE * total):
        if not margins or edge - margins[-1] > COLUMN_GAP:  # closer, it is an indent
            margins.append(edge)
    return margins


def _indented(line: Line, margins: list[float]) -> bool:
    """Indented: leading blanks in text; in a PDF, a left edge right of its column's margin."""
    if line.bbox is not None and margins:
        below = [edge for edge in margins if edge <= line.bbox[0] + 1]
        return not below or line.bbox[0] > below[-1] + INDENT_POINTS
    return line.text[:1].isspace()


def guess_organisation(text: str, kind: Kind) -> tuple[str, str]:
    """The organisation most often named, and its commune."""
    names: Counter[tuple[str, str]] = Counter()
    written: dict[tuple[str, str], str] = {}  # the preposition as the report writes it
    for match in _ORGANISATION.finditer(text):
        key = (match.group("kind"), match.group("name"))
        names[key] += 1
        written.setdefault(key, " ".join(match.group("prep").split()).lower())
    for match in _LONG_NAME.finditer(text):
        key = ("CIAS" if match.group("kind") else "CCAS", match.group("name"))
        names[key] += 1
        written.setdefault(key, " ".join((match.group("prep") or "de").split()).lower())
    ranked = [item for item, _ in names.most_common() if item[0] == kind] or [
        item for item, _ in names.most_common()
    ]
    if not ranked:
        return "", ""
    found_kind, name = ranked[0]
    preposition = written.get((found_kind, name), "de")
    commune = name.split(" Agglo")[0].strip()
    if name.isupper():
        name = commune = name.title()
    return f"{found_kind}{_joined(preposition, name)}{name}", commune


def _joined(preposition: str, name: str) -> str:
    """The words between "CCAS" and a name, as French writes them: "-", " du ", " d'" before a
    vowel ("CCAS d'Avenel", not "CCAS de Avenel")."""
    if preposition == "-":
        return "-"
    if preposition in {"de", "d'", "d’"}:
        return " d'" if fold(name[:1]) in "aeiouyh" else " de "
    return f" {preposition} "


SEAT_WINDOW = 80  # characters before "basé à X" where the body itself must be named


def _seat(text: str) -> str:
    """Where an intercommunal body says it sits ("un CIAS basé à Craon"): the place after the
    phrase, when the body is named just before it (not "une antenne basée à ...")."""
    for match in _cues()["seat"].finditer(text):
        before = text[max(0, match.start() - SEAT_WINDOW):match.start()]
        if _cues()["kinds"]["CIAS"].search(before) and not re.search(r"[.;]\s", before[-30:]):
            return match.group("place")
    return ""


def guess_doc_type(document: Document, kind: Kind = "other") -> DocType:
    """An article (a web page), an activity report, or other: a document whose cover says it is
    minutes, a public service's price-and-quality report or a magazine is other, unless it is a
    social-action body's (`kind`) and holds an activity report named with its year."""
    head = document.text[:3000]
    report = _cues()["report"]
    if _cues()["not_a_report"].search(cover_text(document, COVER_CHARS)):
        holds_report = kind != "other" and _cues()["report_year"].search(document.text)
        return "rapport_activite" if holds_report else "other"
    if _WEB_PAGE.search(document.text) and not report.search(head):
        return "article"
    if report.search(document.text):
        return "rapport_activite"
    return "other"


def guess_metadata(document: Document) -> Metadata:
    """Return the metadata of `document` as the gold `metadata` object has it."""
    kind = guess_kind(document)
    organisation, commune = guess_organisation(document.text, kind)
    if kind == "CIAS":
        commune = _seat(document.text) or commune
    doc_type = guess_doc_type(document, kind)
    report_year = guess_report_year(document)
    if doc_type == "article":
        report_year = guess_article_year(document) or report_year
    return Metadata(
        organisation=organisation,
        kind=kind,
        commune=commune,
        report_year=report_year,
        doc_type=doc_type,
    )
