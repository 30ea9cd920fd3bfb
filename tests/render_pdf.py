"""Render reports to real PDFs with reportlab: test fixtures for the PDF readers.

- `render_text(text, out, headings=..., columns=1)` lays out a converted report's text as a PDF
  would: each text line is a paragraph wrapped to the column width, headings (given by title) in a
  larger bold font, runs of tab-separated lines as tables (ruled or unruled, alternately), blank
  lines as paragraph spacing, the text's page breaks as page breaks, a run of short lines (a box
  of labels) kept on one page or column; one or two columns.
- `render_corpus_document(path, out, columns)` does it for a corpus file, its headings being the
  gold `sections` titles.
- `render_synthetic_report(out, columns)` is a report invented here: numbered and unnumbered
  headings, ruled and unruled tables with years as columns and as rows, an infographic page.

Fonts: DejaVu Sans from Debian when installed (every character of the corpus), else reportlab's
Helvetica (characters outside cp1252 replaced). Generated PDFs belong in pytest tmp dirs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from extract.reader import page_spans
from extract.sections import normalise_title

ROOT = Path(__file__).resolve().parent.parent
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
MARGIN = 50.0
GUTTER = 24.0
BODY_SIZE = 10.0
LEADING = 1.25  # baseline distance over font size
PARAGRAPH_SPACE = 8.0  # per blank line of the text
HEADING_SIZES = {1: 17.0, 2: 14.0, 3: 12.0}
_FONTS: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans when it is installed."""
    global _FONTS
    if _FONTS is None:
        regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            _FONTS = ("DejaVuSans", "DejaVuSans-Bold")
        else:
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


def drawable(text: str) -> str:
    if fonts()[0] == "Helvetica":
        return text.encode("cp1252", "replace").decode("cp1252")
    return text


def clean_markup(line: str) -> tuple[str, bool]:
    """A corpus line as printed: stars and `^{...}` braces gone; True when it was all bold."""
    stripped = line.strip()
    bold = bool(re.fullmatch(r"(?:[-»•]\s*)?\*\*[^*]+\*\*[\s.:,]*", stripped))
    text = re.sub(r"\s*\^\{([^}]*)\}", r"\1", line)
    text = re.sub(r"\*+", "", text)
    return " ".join(text.split()), bold


@dataclass
class Layout:
    """A cursor over the columns of the pages of one canvas."""

    pdf: canvas.Canvas
    columns: int
    width: float = A4[0]
    height: float = A4[1]
    column: int = 0
    y: float = 0.0
    fresh: bool = True  # nothing drawn on this page yet
    tables: int = 0

    def __post_init__(self) -> None:
        self.y = self.top

    @property
    def top(self) -> float:
        return self.height - MARGIN

    @property
    def column_width(self) -> float:
        return (self.width - 2 * MARGIN - GUTTER * (self.columns - 1)) / self.columns

    @property
    def x(self) -> float:
        return MARGIN + self.column * (self.column_width + GUTTER)

    def new_page(self) -> None:
        self.pdf.showPage()
        self.column, self.y, self.fresh = 0, self.top, True

    def room(self, needed: float) -> None:
        """Move to the next column or page when `needed` points do not fit."""
        if self.y - needed >= MARGIN:
            return
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.top
        else:
            self.new_page()

    def space(self, points: float) -> None:
        if self.y < self.top:
            self.y -= points

    def paragraph(self, text: str, *, size: float = BODY_SIZE, bold: bool = False,
                  indent: float = 0.0) -> None:
        font = fonts()[1 if bold else 0]
        for piece in wrap(text, font, size, self.column_width - indent):
            self.room(size * LEADING)
            self.y -= size * LEADING
            self.pdf.setFont(font, size)
            self.pdf.drawString(self.x + indent, self.y + 0.25 * size, drawable(piece))
            self.fresh = False

    def table(self, rows: list[list[str]], *, ruled: bool) -> None:
        """Rows of cells; numbers right-aligned; shrunk to fit the column."""
        regular, bold = fonts()
        n = max(len(row) for row in rows)
        rows = [row + [""] * (n - len(row)) for row in rows]
        size, pad = 9.0, 8.0
        natural = [max(pdfmetrics.stringWidth(drawable(row[j]), bold, size) for row in rows)
                   for j in range(n)]
        total = sum(natural) + 2 * pad * n
        if total > self.column_width:  # shrink font and padding to fit the column
            scale = self.column_width / total
            size, pad = size * scale, pad * scale
            natural = [w * scale for w in natural]
        widths = [w + 2 * pad for w in natural]
        row_height = size * 1.6
        x = self.x
        self.space(4)
        for index, row in enumerate(rows):
            self.room(row_height)
            top = self.y
            self.y -= row_height
            font = bold if index == 0 else regular
            self.pdf.setFont(font, size)
            left = x
            for cell, width in zip(row, widths, strict=True):
                baseline = self.y + 0.45 * size
                if re.fullmatch(r"[\d\s.,%€+\-]+", cell) and index:
                    self.pdf.drawRightString(left + width - pad, baseline, drawable(cell))
                else:
                    self.pdf.drawString(left + pad, baseline, drawable(cell))
                left += width
            if ruled:
                edges = [x]
                for width in widths:
                    edges.append(edges[-1] + width)
                self.pdf.grid(edges, [top, self.y])
            self.fresh = False
        self.space(PARAGRAPH_SPACE)
        self.tables += 1


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of `text` to `width` points."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(drawable(candidate), font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return lines


@dataclass
class Block:
    kind: str  # heading, line, table, gap
    text: str = ""
    level: int = 0
    bold: bool = False
    rows: list[list[str]] = field(default_factory=list)
    keep: int = 0  # lines of the box this line opens, kept on one page or column


BOX_LINES = 10  # a run of up to this many short lines with no blank line is a box
BOX_LINE_CHARS = 60


def mark_boxes(blocks: list[Block]) -> list[Block]:
    """Runs of short lines with no blank line between them (an infographic's labels, a framed
    box) are kept together, as a layout program keeps a box on one page: each such run's first
    line gets the run's length."""
    run: list[Block] = []
    for block in [*blocks, Block("gap")]:
        if block.kind == "line" and len(block.text) <= BOX_LINE_CHARS:
            run.append(block)
            continue
        if 2 <= len(run) <= BOX_LINES:
            run[0].keep = len(run)
        run = []
    return blocks


def text_blocks(page_text: str, headings: dict[str, int]) -> list[Block]:
    """The blocks of one page of converted text: headings, lines, tables, gaps."""
    blocks: list[Block] = []
    for raw in page_text.split("\n"):
        if not raw.strip():
            if blocks and blocks[-1].kind == "gap":
                blocks[-1].level += 1
            elif blocks:
                blocks.append(Block("gap", level=1))
            continue
        if "\t" in raw:
            cells = [clean_markup(cell)[0] for cell in raw.split("\t")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
            continue
        text, bold = clean_markup(raw)
        level = headings.get(normalise_title(text).casefold())
        if level:
            blocks.append(Block("heading", text, level=level))
        else:
            indent = len(raw) - len(raw.lstrip(" "))
            blocks.append(Block("line", text, level=min(indent, 8), bold=bold))
    return mark_boxes(blocks)


def render_text(text: str, out: Path, *, headings: dict[str, int] | None = None,
                columns: int = 1, ruled: bool | None = None) -> Path:
    """Render a converted report's text to `out` (see the module docstring).

    :param headings: normalised, case-folded heading titles → level (1-3)
    :param ruled: rule every table (True), none (False) or every other one (None)
    """
    out = Path(out)
    layout = Layout(canvas.Canvas(str(out), pagesize=A4), columns)
    headings = {normalise_title(t).casefold(): lv for t, lv in (headings or {}).items()}
    for number, (start, end) in enumerate(page_spans(text)):
        if number:
            layout.new_page()
        for block in text_blocks(text[start:end], headings):
            draw_block(layout, block, ruled)
    layout.pdf.showPage()
    layout.pdf.save()
    return out


def draw_block(layout: Layout, block: Block, ruled: bool | None) -> None:
    if block.kind == "gap":  # more blank lines, more space (up to three)
        layout.space(PARAGRAPH_SPACE * min(block.level, 3))
    elif block.kind == "heading":
        size = HEADING_SIZES.get(block.level, BODY_SIZE + 1)
        layout.space(PARAGRAPH_SPACE)
        layout.room(3 * size * LEADING)  # keep a heading with what follows
        layout.paragraph(block.text, size=size, bold=True)
        layout.space(PARAGRAPH_SPACE)
    elif block.kind == "line":
        if block.keep:
            layout.room(block.keep * BODY_SIZE * LEADING)
        layout.paragraph(block.text, bold=block.bold, indent=4.0 * block.level)
    else:
        layout.table(block.rows, ruled=layout.tables % 2 == 0 if ruled is None else ruled)


def gold_headings(path: Path) -> dict[str, int]:
    gold = ROOT / "gold" / (path.stem + ".json")
    if not gold.exists():
        return {}
    sections = json.loads(gold.read_text(encoding="utf-8"))["sections"]
    return {section["title"]: section["level"] for section in sections}


def render_corpus_document(path: Path, out: Path, *, columns: int = 1) -> Path:
    """Render a corpus text file, its gold section titles as headings."""
    return render_text(path.read_text(encoding="utf-8"), out, headings=gold_headings(path),
                       columns=columns)


SYNTHETIC_HEADINGS = {
    "RAPPORT D'ACTIVITÉ 2024": 1,
    "1. L'accueil du public": 1,
    "1.1 Le standard téléphonique": 2,
    "1.2 La domiciliation": 2,
    "2. L'aide sociale facultative": 1,
    "Les aides alimentaires": 2,
    "3. Les moyens du centre": 1,
    "Le budget": 2,
    "Les chiffres clés de l'année": 1,
}

SYNTHETIC_TEXT = "\n".join([
    "RAPPORT D'ACTIVITÉ 2024",
    '',
    "1. L'accueil du public",
    '',
    'Le centre a reçu cette année un public plus nombreux qu’en 2023 : les familles '
    'monoparentales, les personnes âgées isolées et les jeunes de moins de vingt-cinq ans '
    'forment l’essentiel des visiteurs. L’équipe d’accueil a été renforcée par deux agents à la'
    ' rentrée de septembre, ce qui a permis d’ouvrir le guichet le samedi matin.',
    '',
    '1.1 Le standard téléphonique',
    '',
    'Le standard a traité 18 240 appels en 2024, dont 2 310 transférés vers les partenaires. '
    'Les pics d’appels se situent en début de mois, au moment du versement des prestations, et '
    'lors de la campagne « chèque énergie » d’avril.',
    '',
    "Nombre d'appels\t2022\t2023\t2024",
    'Appels reçus\t15 120\t16 875\t18 240',
    'Appels transférés\t1 980\t2 045\t2 310',
    '',
    '1.2 La domiciliation',
    '',
    'Au 31 décembre, 412 personnes sans domicile stable disposaient d’une adresse au centre. '
    'Les élections de domicile ont augmenté de 9 % en un an ; les radiations concernent surtout'
    ' des personnes relogées.',
    '',
    'Année\tDomiciliations\tCourriers reçus',
    '2022\t356\t7 420',
    '2023\t378\t8 105',
    '2024\t412\t9 230',
    '',
    "2. L'aide sociale facultative",
    '',
    'La commission permanente s’est réunie vingt-deux fois. Elle a examiné 1 146 demandes '
    'd’aide et en a accordé 958, pour un montant total de 187 450 €. Le secours d’urgence reste'
    ' la première forme d’aide, devant la participation aux factures d’énergie et l’aide à la '
    'cantine.',
    '',
    'Les aides alimentaires',
    '',
    'L’épicerie solidaire a accueilli 264 foyers, soit 611 personnes, et distribué 38 tonnes de'
    ' denrées. Les bénévoles assurent l’ouverture trois demi-journées par semaine.',
    '',
    '3. Les moyens du centre',
    '',
    'Le centre emploie 46 agents, soit 41,5 équivalents temps plein. Les dépenses de '
    'fonctionnement s’élèvent à 3 254 800 € et les recettes à 3 318 900 €.',
    '',
    'Le budget',
    '',
    'Section\tDépenses\tRecettes',
    'Fonctionnement\t3 254 800 €\t3 318 900 €',
    'Investissement\t146 200 €\t152 000 €',
    '\f',
    "Les chiffres clés de l'année",
    '',
    '18 240',
    'appels traités',
    '',
    '412',
    'domiciliations',
    '',
    '958',
    'aides accordées',
    '',
    '611',
    'personnes aidées par l’épicerie',
    '',
])


def render_synthetic_report(out: Path, *, columns: int = 1, ruled: bool | None = None) -> Path:
    """Render the invented report (numbered and unnumbered headings, tables with years as columns
    and as rows, a key-figures page)."""
    return render_text(SYNTHETIC_TEXT, out, headings=SYNTHETIC_HEADINGS, columns=columns,
                       ruled=ruled)
