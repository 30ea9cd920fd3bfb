"""Document metadata: organisation, kind, commune, report year and document type.

`guess_metadata(document)` reads the cues a reader would: the cover page's title and year, the
organisation named most often, and the furniture of a web page for articles.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Literal

from pydantic import BaseModel

from .catalogue import fold
from .document import Document
from .quantities import grammar

Kind = Literal["CCAS", "CIAS", "other"]
DocType = Literal["rapport_activite", "article", "other"]

_YEAR = re.compile(r"(?<![\d,.])(19[89]\d|20[0-4]\d)(?![\d,.])")
_KIND = {
    "CIAS": re.compile(r"\bCIAS\b|centre intercommunal d.action sociale", re.I),
    "CCAS": re.compile(r"\bCCAS\b|centre communal d.action sociale", re.I),
}
_ORGANISATION = re.compile(
    r"\b(?P<kind>C[CI]AS)(?:-|\s+(?i:de\s+la\s+|de\s+|du\s+|d['’]|des\s+))"
    r"(?P<name>[A-ZÉÈ][\w'’-]+(?:[ -](?:sur |en |de |du |la |le )?[A-ZÉÈ][\w'’-]+)*)"
)
_LONG_NAME = re.compile(
    r"\bcentre (?P<kind>inter)?communal d.action sociale (?:de la |de |du |d'|d’|des )?"
    r"(?P<name>[A-ZÉÈ][\w'’-]+(?:[ -][A-ZÉÈ][\w'’-]+)*)",
    re.I,
)
_REPORT = re.compile(r"rapport d.activit|bilan d.activit|rapport annuel", re.I)
_WEB_PAGE = re.compile(r"https?://|partager cet article|commentaires|publié le|repost", re.I)
_SPLIT_DIGITS = re.compile(r"(?:^\s*(\d)\s*\n\s*\n?){4}", re.M)


class Metadata(BaseModel):
    organisation: str = ""
    kind: Kind = "other"
    commune: str = ""
    report_year: int | None = None
    doc_type: DocType = "other"


def guess_kind(text: str) -> Kind:
    counts = {kind: len(pattern.findall(text)) for kind, pattern in _KIND.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else "other"


def cover_text(document: Document, chars: int = 800) -> str:
    """The first characters of the report, with a year written one digit per line rejoined."""
    head = document.text[:chars]
    return _SPLIT_DIGITS.sub(lambda m: "".join(re.findall(r"\d", m.group())) + "\n", head)


def guess_report_year(document: Document) -> int | None:
    """The year the report covers: the last year on its cover, else its most frequent year."""
    cover = [int(y) for y in _YEAR.findall(cover_text(document))]
    if cover:
        return max(cover)
    years = Counter(int(y) for y in _YEAR.findall(document.text))
    return years.most_common(1)[0][0] if years else None


ARTICLE_PARAGRAPH_CHARS = 200


@cache
def _full_date() -> re.Pattern[str]:
    """A date with day, month and year, on folded text; the month names of the number grammar."""
    months = "|".join(sorted(map(re.escape, grammar().months)))
    return re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{months})\s+(?:19|20)\d{{2}}")


def guess_article_year(document: Document) -> int | None:
    """The year an article's figures are for: the latest year its body paragraphs name, other
    than in full dates (the publication date, events). Navigation teasers are indented lines."""
    years = []
    for line in document.text.splitlines():
        if len(line) < ARTICLE_PARAGRAPH_CHARS or line[:1].isspace():
            continue
        years += [int(y) for y in _YEAR.findall(_full_date().sub(" ", fold(line)))]
    return max(years) if years else None


def guess_organisation(text: str, kind: Kind) -> tuple[str, str]:
    """The organisation most often named, and its commune."""
    names: Counter[tuple[str, str]] = Counter()
    for match in _ORGANISATION.finditer(text):
        names[(match.group("kind"), match.group("name"))] += 1
    for match in _LONG_NAME.finditer(text):
        names[("CIAS" if match.group("kind") else "CCAS", match.group("name"))] += 1
    ranked = [item for item, _ in names.most_common() if item[0] == kind] or [
        item for item, _ in names.most_common()
    ]
    if not ranked:
        return "", ""
    found_kind, name = ranked[0]
    separator = "-" if f"{found_kind}-{name}" in text else " de "
    commune = name.split(" Agglo")[0].strip()
    if name.isupper():
        name = commune = name.title()
    return f"{found_kind}{separator}{name}", commune


def guess_doc_type(document: Document) -> DocType:
    head = document.text[:3000]
    if _WEB_PAGE.search(document.text) and not _REPORT.search(head):
        return "article"
    if _REPORT.search(document.text):
        return "rapport_activite"
    return "other"


def guess_metadata(document: Document) -> Metadata:
    """Return the metadata of `document` as the gold `metadata` object has it."""
    kind = guess_kind(document.text)
    organisation, commune = guess_organisation(document.text, kind)
    doc_type = guess_doc_type(document)
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
