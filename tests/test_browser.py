"""What a person sees: the served corpus in Debian's headless Chromium, driven by Playwright.

The screenshot of the question page is written to docs/ for the README at every run.
"""

import re
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT, start_server

from extract.cli import cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS = ROOT / "docs"
NUMBER = re.compile(r"\d{1,3}(?:[\u202f\u00a0 ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("served") / "rapports.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(CORPUS), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def server(database):
    process, url = start_server(database)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def new_page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # offline, and no script of a report may run: any outside request or dialog is recorded
    page.outside, page.dialogs = [], []
    page.on("request", lambda r: None if r.url.startswith(server) else page.outside.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


@pytest.fixture(scope="module")
def page(browser, server):
    page = new_page(browser, server)
    yield page
    assert not page.outside, page.outside
    assert not page.dialogs, page.dialogs


def numbers(text: str) -> list[float]:
    return [float(re.sub(r"[\u202f\u00a0 ]", "", n).replace(",", ".")) for n in NUMBER.findall(text)]


def test_home_page_leads_to_the_question(page, server):
    page.goto(server + "/")
    body = page.inner_text("body")
    assert "Rapports d'activité des CCAS et CIAS" in body
    page.click("text=Un indicateur, une année : une ligne par organisation")
    page.wait_for_selector("select#indicateur")
    assert page.url.endswith("/-/question")


def test_picker_groups_indicators_by_domain(page, server):
    page.goto(server + "/-/question")
    groups = page.eval_on_selector_all("select#indicateur optgroup", "gs => gs.map(g => g.label)")
    assert "Accès aux droits" in groups and "Seniors et maintien à domicile" in groups
    labels = page.eval_on_selector_all("optgroup[label='Accès aux droits'] option",
                                       "os => os.map(o => o.textContent)")
    assert any(label.startswith("Personnes accueillies") for label in labels)


def test_question_page_answers_indicator_x_in_year_y(page, server, database):
    page.goto(server + "/-/question")
    page.select_option("select#indicateur", "accueil.visites")
    page.click("input[type=submit]")
    page.wait_for_selector("table.pivot")
    page.select_option("select#annee", "2023")
    page.click("input[type=submit]")
    page.wait_for_selector("table.answer")
    rows = page.eval_on_selector_all("table.answer tbody tr", "rs => rs.map(r => r.innerText)")
    organisations = [row.split("\t")[0] for row in rows]
    assert len(organisations) == len(set(organisations)) >= 3
    expected = sqlite3.connect(database).execute(
        "select organisation, valeur from valeurs_retenues where indicateur = 'accueil.visites' "
        "and annee = 2023").fetchall()
    for organisation, value in expected:
        row = next(r for r in rows if r.startswith(organisation))
        assert numbers(row.split("\t")[1])[0] == value
        assert ", 2023" in row  # the report's title, not a file name
    assert "Télécharger en CSV" in page.inner_text("body")
    page.screenshot(path=str(DOCS / "question.png"), full_page=True)
    page.click("table.answer a:text('voir le texte')")
    page.wait_for_selector("mark#value")
    assert "Preuve" in page.title() and numbers(page.inner_text("mark#value"))


def test_no_page_shows_a_sum_across_years(page, server, database):
    """The sum of an organisation's values over its years appears on no question or chart page,
    and every number in the pivot is a value stored for that organisation and year."""
    connection = sqlite3.connect(database)
    by_key = defaultdict(list)
    for organisation, indicator, year, value in connection.execute(
            "select organisation, indicateur, annee, valeur from valeurs_retenues"):
        by_key[(organisation, indicator)].append((year, value))
    stored = {(o, i, y, v) for (o, i), pairs in by_key.items() for y, v in pairs}
    several = {(o, i): pairs for (o, i), pairs in by_key.items() if len(pairs) > 1}
    indicators = sorted({i for _, i in several})[:8]
    assert indicators
    for indicator in indicators:
        page.goto(server + f"/-/question?indicateur={indicator}")
        years = [int(y) for y in page.eval_on_selector_all("table.pivot thead th",
                                                           "hs => hs.map(h => h.innerText)")[1:]]
        for row in page.eval_on_selector_all("table.pivot tbody tr", "rs => rs.map(r => "
                                             "[...r.cells].map(c => c.innerText))"):
            for year, cell in zip(years, row[1:], strict=True):
                if cell:
                    assert (row[0], indicator, year, numbers(cell)[0]) in stored, (row, cell)
        label = connection.execute("select label from catalogue where id = ?",
                                   [indicator]).fetchone()[0]
        page.goto(server + f"/-/dashboards/indicateurs?indicateur={label} [{indicator}]")
        page.wait_for_selector("#card-valeurs table tbody tr", timeout=20000)
        heads = page.eval_on_selector_all("#card-valeurs table thead th",
                                          "hs => hs.map(h => h.innerText.trim())")
        rows = page.eval_on_selector_all("#card-valeurs table tbody tr", "rs => rs.map(r => "
                                         "[...r.cells].map(c => c.innerText.trim()))")
        assert rows
        for row in rows:
            cell = dict(zip(heads, row, strict=True))
            value = float(cell["valeur"])  # the dashboard's table shows the JSON number
            key = (cell["organisation"], indicator, int(cell["annee"]), value)
            assert key in stored, (cell, indicator)


def test_chart_draws_offline(page, server):
    page.goto(server + "/-/question?indicateur=saad.heures")
    page.click("text=Graphiques")
    page.wait_for_selector("#card-au-fil-des-annees svg, #card-au-fil-des-annees canvas",
                           timeout=20000)
    page.wait_for_selector("#card-entre-organisations svg, #card-entre-organisations canvas",
                           timeout=20000)
    page.screenshot(path=str(DOCS / "chart.png"), full_page=True)


def test_search_shows_snippets_with_the_report_name(page, server):
    page.goto(server + "/rapports/recherche?q=aide+alimentaire")
    page.wait_for_selector("table.rows-and-columns mark")
    marks = {m.lower() for m in page.eval_on_selector_all("table.rows-and-columns mark",
                                                          "ms => ms.map(m => m.innerText)")}
    assert {"aide", "alimentaire"} <= marks
    assert "CIAS de Sézanne, 2023" in page.inner_text("table.rows-and-columns")
    page.screenshot(path=str(DOCS / "search.png"), full_page=True)


def test_evidence_page_shows_the_sentence(page, server, database):
    value_id = sqlite3.connect(database).execute(
        "select valeur_id from valeurs_retenues where indicateur = 'saad.heures' "
        "and organisation like '%Sézanne%'").fetchone()[0]
    page.goto(server + f"/-/evidence/{value_id}")
    assert page.inner_text("mark#value").startswith("32 315")
    assert "CIAS de Sézanne, 2023" in page.inner_text("body")
    assert "32\u202f315\u00a0heures" in page.inner_text("dd.value")


HOSTILE = """CCAS de Testville "><img src=x onerror=alert('org')>
RAPPORT D'ACTIVITÉ 2023

ACCUEIL <script>alert('titre')</script>

En 2023, le CCAS a accueilli 1 234 personnes à l'accueil "><img src=x onerror=alert('texte')>.
Le service a reçu 4 560 appels téléphoniques <script>alert('appels')</script>.

AIDE ALIMENTAIRE <b onmouseover=alert('b')>gras</b>

L'épicerie sociale a aidé 150 foyers </td></tr><script>alert('table')</script> en 2023.

""" + "Le service a poursuivi ses missions auprès des familles du territoire. " * 100 + "\n"
# (the crafted markup sits in a report's worth of text: a page made of tags is refused at reading)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "rapport.txt").write_text(HOSTILE, encoding="utf-8")
    path = folder / "hostile.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(folder), "--db", str(path)])
    assert result.exit_code == 0, result.output
    process, url = start_server(path)
    yield url, path
    process.terminate()
    process.wait(timeout=10)


def test_hostile_report_text_is_shown_as_text_everywhere(browser, hostile_server):
    url, path = hostile_server
    connection = sqlite3.connect(path)
    value_ids = [r[0] for r in connection.execute("select id from indicators")]
    indicator = connection.execute("select indicator from indicators where indicator is not null"
                                   ).fetchone()[0]
    document = connection.execute("select id from documents").fetchone()[0]
    assert value_ids
    page = new_page(browser, url)
    pages = ["/", "/hostile/documents", f"/hostile/documents/{document}", "/hostile/sections",
             "/hostile/indicators", "/hostile/valeurs", "/hostile/valeurs_retenues",
             "/hostile/recherche?q=accueil", "/hostile/recherche?q=<script>alert(1)</script>",
             f"/-/question?indicateur={indicator}", f"/-/question?indicateur={indicator}&annee=2023",
             "/-/dashboards/indicateurs", "/-/question?indicateur=\"><script>alert(1)</script>",
             *[f"/-/evidence/{v}" for v in value_ids]]
    for address in pages:
        page.goto(url + address)
        page.wait_for_load_state("networkidle")
        assert not page.query_selector("img[src=x], b[onmouseover]"), address
        scripts = page.eval_on_selector_all("script", "ss => ss.map(s => s.textContent)")
        assert not any("alert(" in s for s in scripts), address
    assert not page.dialogs, page.dialogs
    page.goto(url + "/hostile/sections")
    assert "<script>alert('titre')</script>" in page.inner_text("body")
    page.close()
