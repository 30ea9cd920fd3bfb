"""The number grammar under hostile text, and the numbers that layout gives a role (issues 12, 16).

Texts are invented: layouts a report may have (tables of contents with tabs or dot leaders,
numbered headings, tables that look like contents), and strings mixing digits, separators,
units, multipliers, signs and French words for the fuzz.
"""

import json
import math
import re
import sqlite3
import typing
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.catalogue import fold
from extract.cli import cli
from extract.quantities import (
    Role,
    find_quantities,
    grammar,
    number_warnings,
    parse_number,
    refused_warnings,
)


def role_values(text: str) -> list[tuple[float, str]]:
    return [(q.value, q.role) for q in find_quantities(text)]


def values(text: str) -> list[float]:
    return [q.value for q in find_quantities(text) if q.role == "value"]


# --- fuzz -------------------------------------------------------------------------------------

_TOKENS = [
    *"0123456789", "12", "999", "1 234", "0,5", "9" * 40, "9" * 320, "1e308", "e", "E",
    " ", "  ", "\u00a0", "\u202f", "\u2007", "\u2009", "'", "’", ",", ".", "..", "…", ":", "/",
    "-", "−", "–", "+", "(", ")", "\t", "\n", "\n\n", "²", "³", "°", "%", "€", "h", "kg", "t",
    "km²", "m²", "m3", "M", "K", "k", "Md", "Mds", "k€", "M€", "ETP", "millions", "milliard",
    "de", "d'euros", "euros", "le", "au", "du", "composer", "numéro vert", "SIRET", "Résultat",
    "Sommaire", "pour cent", "cinquante", "un", "une", "mille", "quatre-vingt", "dix-sept",
    "tonne", "1.3.2", "1.2", "31.12.2023", "2022/2023", "2023", "1er", "personnes", "repas",
    "ans", "Partie", "page", "plus de", "près de", "janvier", "06 12 34 56 78", "dont", "soit",
]
_HOSTILE = st.lists(st.sampled_from(_TOKENS), max_size=14).map("".join)
_ROLES = set(typing.get_args(Role))


def _is_number_text(written: str) -> bool:
    words = {fold(w) for w in re.split(r"[- ]", written) if w}
    g = grammar()
    return any(c.isdigit() for c in written) or bool(words & (set(g.number_words) | set(g.multipliers)))


@settings(max_examples=10_000, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_HOSTILE)
def test_number_grammar_fuzz_never_raises_and_keeps_its_invariants(text):
    found = find_quantities(text)
    number_warnings(text)
    for quantity in found:
        assert 0 <= quantity.start < quantity.end <= len(text)
        assert text[quantity.start : quantity.end] == quantity.raw
        assert _is_number_text(quantity.raw), quantity
        assert math.isfinite(quantity.value), quantity
        assert quantity.unit_end is None or quantity.end <= quantity.unit_end <= len(text)
        assert quantity.role in _ROLES
    assert [q.start for q in found] == sorted(q.start for q in found)


# --- numbers out of a float's range -------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "9" * 400 + " appels",
    "9" * 305 + " milliards d'euros",
    "9" * 303 + " M€",
])
def test_a_number_beyond_a_float_is_refused_with_one_warning(written):
    text = f"Le CCAS a reçu {written} en 2023 et 1 200 personnes."
    assert values(text) == [1200]  # neither the number nor its "milliards" alone
    warnings = number_warnings(text)
    assert len(warnings) == 1 and "too large" in warnings[0]
    assert parse_number("9" * 400) == math.inf
    refused: list = []  # the pipeline's single pass gives the same line
    find_quantities(text, refused=refused)
    assert refused_warnings(refused) == warnings


def test_a_number_up_to_the_float_range_is_a_value():
    assert values("soit " + "9" * 300 + " repas") == [float("9" * 300)]
    assert number_warnings("soit 12 repas") == []


@pytest.fixture
def hostile_report(tmp_path):
    path = tmp_path / "rapport_hostile.txt"
    path.write_text(
        "Rapport d'activité 2023 du CCAS de Valbonne-sur-Loire\n\nACCUEIL\n\n"
        f"Le service accueil a reçu {'9' * 400} appels en 2023.\n"
        f"Le budget atteint {'9' * 305} milliards d'euros.\n\n"
        "DOMICILIATION\n\nLe CCAS a accueilli 1 250 personnes en 2023.\n",
        encoding="utf-8")
    return path


def test_extract_keeps_a_report_with_an_overflowing_number(hostile_report):
    result = CliRunner().invoke(cli, ["extract", str(hostile_report)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    extracted = json.loads(result.stdout)  # warnings go to stderr
    assert [item["value"] for item in extracted["indicators"]] == [1250]


def test_ingest_stores_the_report_and_its_warning(hostile_report, tmp_path):
    db_path = tmp_path / "rapports.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(hostile_report), "--db", str(db_path),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as db:
        (warnings,), = db.execute("select warnings from documents").fetchall()
        stored = [value for (value,) in db.execute("select value from indicators")]
    assert "2 number(s) too large to be a value" in warnings
    assert stored == [1250]


# --- multipliers, exactly ------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99),
       st.sampled_from([("k€", 1000), (" K €", 1000), (" M €", 10**6), ("M€", 10**6),
                        (" Mds €", 10**9), (" millions d'euros", 10**6), (" milliards d'euros", 10**9)]))
def test_multipliers_scale_exactly(units, cents, multiplier):
    suffix, factor = multiplier
    written = f"{units},{cents:02d}{suffix}"
    found = [q for q in find_quantities(f"soit {written} de budget") if q.role == "value"]
    assert [(q.value, q.unit) for q in found] == [
        (float(Decimal(f"{units}.{cents:02d}") * factor), "EUR")]


# --- numbers that layout gives a role (issue 12 item 4) -------------------------------------------

_REPORT = """RAPPORT D'ACTIVITÉ 2024

SOMMAIRE

Le mot de la Présidente\t3
1 Accueillir et orienter\t4
1.1 L'accueil du public\t5
1.2 La domiciliation\t7
• Les permanences\t8
2 Accompagner les seniors\t12
2.1 Le portage de repas\t12

Le mot de la Présidente

Cette année encore, 38 bénévoles ont rejoint l'équipe.

1 Accueillir et orienter

1.1 L'accueil du public

Le CCAS a reçu 4 512 personnes en 2024.

1.2 La domiciliation

La domiciliation concerne 286 personnes.

2 Accompagner les seniors

2.1 Le portage de repas

21 430 repas ont été livrés.
"""


def test_contents_pages_and_outline_numbers_are_not_values():
    assert values(_REPORT) == [38, 4512, 286, 21430]
    roles = {q.start: q.role for q in find_quantities(_REPORT)}
    contents = _REPORT[_REPORT.index("SOMMAIRE") : _REPORT.index("Le mot de la Présidente\n")]
    offset = _REPORT.index(contents)
    for line in filter(None, contents.splitlines()[2:]):
        start = offset + contents.index(line)
        page = re.search(r"(\d+)$", line)
        assert roles[start + page.start(1)] == "page", line
        outline = re.match(r"\d+(?:\.\d+)?", line)
        if outline:
            assert roles[start] == "outline", line
    heading = _REPORT.index("\n2 Accompagner les seniors\n\n2.1") + 1
    assert roles[heading] == "outline"  # one level, no mark: known from the contents


@pytest.mark.parametrize("leader", [" .......... ", " … ", "\t", " ___ "])
def test_a_contents_line_with_dot_leaders_or_a_tab(leader):
    text = f"SOMMAIRE\n\n1 Introduction{leader}3\n1.1 Le public{leader}4\n1.2 Les aides{leader}6\n"
    assert values(text) == []
    assert values(f"1.3.2 Les aides sociales légales{leader}14") == []


def test_a_table_that_looks_like_contents_keeps_its_values():
    # no contents title, no outline numbers, no leaders: a table of counts, not of pages
    text = "ACTIVITÉ\n\nDomiciliation\t10\nAide administrative\t11\nAccompagnement\t15\n"
    assert values(text) == [10, 11, 15]
    years = "Année\tHommes\tFemmes\tTotal\n2022\t3\t7\t21\n2023\t4\t8\t23\n"
    assert [v for v in values(years) if v > 20] == [21, 23]


def test_decreasing_pages_are_no_contents():
    text = "SOMMAIRE\n\nAteliers mémoire\t40\nSorties culturelles\t12\nGym douce\t9\n"
    assert values(text) == [40, 12, 9]


def test_a_title_that_only_starts_like_a_contents_title_makes_no_contents():
    text = "Sommaire des actions\n\nGym douce\t9\nSorties culturelles\t12\nAteliers mémoire\t40\n"
    assert values(text) == [9, 12, 40]
    assert values(text.replace("Sommaire des actions", "Table des matières :")) == []


@pytest.mark.parametrize("line,expected", [
    ("1.3.2 Les aides sociales légales", []),
    ("1.2 Accéder aux droits", []),
    ("## 1.2 Accéder aux droits", []),
    ("3. Les seniors", []),
    ("2) Les familles", []),
    ("65. Autres charges de gestion\t440 013 €", [440013]),  # an account's number
    ("> 1.2 Accéder aux droits", []),
    ("1.5 ETP en 2024", [1.5]),
    ("12 Femmes accueillies", [12]),
    ("1.2 millions d'euros de budget", [1200000]),
    ("24.4% des ménages", [24.4]),
])
def test_outline_numbers_open_headings_only(line, expected):
    assert values(f"Texte.\n\n{line}\n\nSuite.") == expected


@pytest.mark.parametrize("text,expected", [
    ("Les personnes orientées par le 115 ont été reçues.", []),
    ("Il faut composer le 17 ou le 3919.", []),
    ("Numéro vert : 0 800 123 456", []),
    ("Le 3919 a reçu 85 appels.", [85]),
    ("les 115 personnes reçues", [115]),
    ("SIRET 261 300 123 00017 : 42 agents", [42]),
    ("26130012300017 ; 42 agents", [42]),
    ("Tél. 115 ; 12 dossiers", [12]),
])
def test_numbers_one_dials_or_names_are_not_values(text, expected):
    assert values(text) == expected


def test_corpus_contents_and_numbered_headings_give_no_value():
    """003 has numbered headings and two tables of contents (tab-separated pages)."""
    from extract.reader import read_document

    document = read_document(CORPUS / "003_8ad55b16e9f5f97d.txt")
    plain = document.plain
    contents_end = plain.index("\n", plain.index("Le service Communication - Protocole"))
    for quantity in find_quantities(plain):
        if quantity.role != "value":
            continue
        assert quantity.start > contents_end, plain[quantity.start - 30 : quantity.end + 5]
        line_start = plain.rfind("\n", 0, quantity.start) + 1
        line = plain[line_start : plain.find("\n", quantity.start)]
        assert not re.match(r"\s*\d+(?:\.\d+)+\s+[A-ZÉ]", line), line  # "1.2.1 La domiciliation"
