"""The published database through Datasette's own test client, on a real ingested SQLite file.

Every number a canned query, the question page or a dashboard chart shows is checked against the
`indicators` table: a stored value of that organisation, indicator, year and scope, or a sum of
distinct organisations' values of one year for a count or amount.
"""

import asyncio
import re
import sqlite3
from collections import defaultdict
from urllib.parse import quote

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS, GOLD
from datasette.app import Datasette
from datasette_dashboards import replace_opts_in_query

from extract.cli import cli
from extract.french_search import stem_text
from extract.paths import DATASETTE_DIR
from extract.publish import datasette_command, metadata_for
from extract.store import SUMMABLE_KINDS

METADATA = yaml.safe_load((DATASETTE_DIR / "metadata.yml").read_text(encoding="utf-8"))
LABELS = yaml.safe_load((DATASETTE_DIR / "labels.yml").read_text(encoding="utf-8"))
QUERIES = METADATA["databases"]["rapports"]["queries"]
DASHBOARD = METADATA["plugins"]["datasette-dashboards"]["indicateurs"]
WHOLE = {"", "total", "ensemble"}


@pytest.fixture(scope="module")
def published_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pub") / "rapports.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(CORPUS), "--db", str(path)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(GOLD), "--corpus", str(CORPUS),
                                      "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def datasette(published_db):
    files = [str(published_db), str(published_db.with_name("evaluation.db"))]
    return Datasette(files, metadata=metadata_for("rapports"),
                     template_dir=str(DATASETTE_DIR / "templates"),
                     plugins_dir=str(DATASETTE_DIR / "plugins"),
                     settings={"sql_time_limit_ms": 3000})


@pytest.fixture(scope="module")
def stored(published_db):
    """Every catalogued value: (organisation, indicator, year) → [(value, scope, role, kind)]."""
    connection = sqlite3.connect(published_db)
    connection.row_factory = sqlite3.Row
    values = defaultdict(list)
    for row in connection.execute(
            "select d.organisation, i.indicator, i.year, i.value, coalesce(i.scope, '') as scope, "
            "c.kind, i.confidence, i.approx, d.doc_type, d.kind as org_kind, i.id, i.start, "
            "d.report_year "
            "from indicators i join documents d on d.id = i.document_id "
            "join catalogue c on c.id = i.indicator where i.year is not null"):
        values[(row["organisation"], row["indicator"], row["year"])].append(dict(row))
    return values


def get(datasette, path):
    return asyncio.run(datasette.client.get(path))


def rows_of(datasette, path):
    response = get(datasette, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_every_column_is_described(published_db):
    import sqlite_utils

    for name, tables in [("rapports", ("documents", "sections", "indicators", "catalogue",
                                       "valeurs", "valeurs_comparables", "valeurs_retenues",
                                       "search_index")),
                         ("evaluation", ("eval_runs", "eval_items"))]:
        db = sqlite_utils.Database(published_db.with_name(f"{name}.db"))
        described = METADATA["databases"][name]["tables"]
        for table in tables:
            assert {c.name for c in db[table].columns} <= set(described[table]["columns"]), table
            assert described[table]["description"]


def test_the_rule_picks_one_whole_organisation_value_per_year(datasette, stored):
    """valeurs_retenues against the rule computed here from the raw rows."""
    chosen = rows_of(datasette, "/rapports/valeurs_retenues.json?_shape=array&_size=max")
    assert chosen
    keys = [(r["organisation"], r["indicateur"], r["annee"]) for r in chosen]
    assert len(keys) == len(set(keys))
    for row in chosen:
        candidates = [c for c in stored[(row["organisation"], row["indicateur"], row["annee"])]
                      if c["scope"].lower() in WHOLE and c["doc_type"] != "other"]
        best = max(candidates, key=lambda c: (
            c["confidence"], -c["approx"],
            c["value"] if c["kind"] in SUMMABLE_KINDS else 0,
            c["report_year"], -c["start"]))
        assert row["valeur"] == best["value"], row
        assert row["portee"].lower() in WHOLE
    expected = {key for key, values in stored.items()
                if any(v["scope"].lower() in WHOLE and v["doc_type"] in ("rapport_activite",
                       "article") and v["org_kind"] != "other" for v in values)}
    assert set(keys) == expected


def test_documents_have_titles_and_versions(datasette):
    rows = rows_of(datasette, "/rapports/documents.json?_shape=array")
    assert {"CCAS de Soissons, 2023", "CIAS de Sézanne, 2023"} <= {r["title"] for r in rows}
    assert all(r["extractor_version"] and r["catalogue_version"] for r in rows)
    facets = get(datasette, "/rapports/indicators.json?_facet=document_id").json()["facet_results"]
    facets = facets.get("results", facets)
    labels = {f["label"] for f in facets["document_id"]["results"]}
    assert "CCAS de Soissons, 2023" in labels


def check_numbers(rows, stored, source):
    """Each value shown is stored for its organisation, indicator, year and scope."""
    for row in rows:
        organisation, year = row.get("organisation", ""), row.get("annee")
        labelled = re.fullmatch(r"(.*) \((\d{4})\)", organisation)  # a chart's "name (year)"
        if labelled:
            organisation, year = labelled[1], int(labelled[2])
        indicator = row.get("indicateur") or row["_indicator"]
        for column in ("valeur", "value"):
            if column in row and row[column] is not None:
                found = [v for v in stored[(organisation, indicator, year)]
                         if v["value"] == row[column]
                         and ("portee" not in row or v["scope"] == row["portee"])]
                assert found, (source, row)


def chart_rows(datasette, chart, options):
    sql = replace_opts_in_query(chart["query"], options)
    result = asyncio.run(datasette.get_database("rapports").execute(sql, options))
    return [dict(r) for r in result.rows]


def test_every_number_of_every_query_and_chart_is_a_stored_value(datasette, stored):
    chosen = rows_of(datasette, "/rapports/valeurs_retenues.json?_shape=array&_size=max")
    indicators = {(r["indicateur"], r["libelle"]) for r in chosen}
    years = {r["annee"] for r in chosen}
    checked = 0
    for indicator, label in sorted(indicators):
        for name in ("indicator_across_reports", "serie_par_organisation"):
            rows = rows_of(datasette, f"/rapports/{name}.json?_shape=array&_size=max"
                                      f"&indicator={indicator}&indicateur={indicator}&tous=")
            check_numbers([{**r, "_indicator": indicator} for r in rows], stored, name)
            checked += len(rows)
        for year in sorted(years):
            rows = rows_of(datasette, f"/rapports/valeur_par_organisation.json?_shape=array"
                                      f"&indicateur={indicator}&annee={year}")
            check_numbers([{**r, "_indicator": indicator, "annee": year} for r in rows],
                          stored, "valeur_par_organisation")
            for chart_name, chart in DASHBOARD["charts"].items():
                rows = chart_rows(datasette, chart, {"indicateur": f"{label} [{indicator}]",
                                                     "annee": year})
                check_numbers([{**r, "_indicator": indicator} for r in rows], stored, chart_name)
                checked += len(rows)
    assert checked > 100


def test_per_domain_counts_organisations_and_never_adds_values(datasette):
    rows = rows_of(datasette, "/rapports/indicators_per_domain.json?_shape=array&annee=2023")
    assert rows and not {"total", "sum", "valeur"} & set(rows[0])
    chosen = rows_of(datasette, "/rapports/valeurs_retenues.json?_shape=array&_size=max&annee=2023")
    for row in rows:
        assert row["organisations"] == len({r["organisation"] for r in chosen
                                            if r["indicateur"] == row["indicateur"]})


def numbers_on(html: str) -> list[float]:
    cells = re.findall(r'<td class="valeur">([^<]*)<', html)
    return [float(re.sub(r"[^\d,]", "", c.split("\u00a0")[0]).replace(",", ".")) for c in cells]


def test_question_page_total_only_for_one_year_of_summable_values(datasette, stored):
    chosen = rows_of(datasette, "/rapports/valeurs_retenues.json?_shape=array&_size=max")
    for indicator in {r["indicateur"] for r in chosen}:
        rows = [r for r in chosen if r["indicateur"] == indicator]
        pivot = get(datasette, f"/-/question?indicateur={indicator}").text
        assert 'class="total"' not in pivot
        for year in {r["annee"] for r in rows}:
            html = get(datasette, f"/-/question?indicateur={indicator}&annee={year}").text
            of_year = [r for r in rows if r["annee"] == year]
            summable = (of_year[0]["nature"] in SUMMABLE_KINDS
                        and len({r["unite"] for r in of_year}) == 1)
            assert ('class="total"' in html) == summable, (indicator, year)
            shown = numbers_on(html)
            if summable:
                assert shown[-1] == pytest.approx(sum(r["valeur"] for r in of_year))
                shown = shown[:-1]
            assert sorted(shown) == pytest.approx(sorted(r["valeur"] for r in of_year), abs=0.01)


def test_question_page_picker_groups_indicators_by_domain(datasette):
    html = get(datasette, "/-/question?indicateur=saad.heures").text
    assert '<optgroup label="Seniors et maintien à domicile">' in html
    assert "Heures d&#39;aide et d&#39;accompagnement à domicile réalisées (SAAD)" in html
    assert "<th>2019</th>" in html and "<th>2023</th>" in html
    assert "251\u202f941\u00a0heures" in html
    csv = get(datasette, "/-/question.csv?indicateur=saad.heures").text.splitlines()
    assert csv[0].startswith("organisation,2019")
    assert any(line.startswith("CIAS-Carcassonne Agglo Solidarité,251941") for line in csv)


def test_question_route_binds_its_parameters(datasette):
    response = get(datasette, "/-/question?indicateur=saad.heures'%20or%201=1--&annee=2023")
    assert response.status_code == 200 and "<table" not in response.text


@pytest.mark.parametrize("query", list(QUERIES))
def test_every_canned_query_runs(datasette, query):
    params = {"indicator": "accueil.visites", "indicateur": "accueil.visites", "document_id": "x",
              "organisation": "Soissons", "annee": "2023", "q": "repas", "tous": ""}
    response = get(datasette, f"/rapports/{query}.json?_shape=array&"
                   + "&".join(f"{k}={v}" for k, v in params.items()))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("words, phrase, marked", [
    ("repas", "repas", ["repas"]),
    ("aide alimentaire", "aide alimentaire", ["aide", "alimentaire"]),
    ("hébergement d'urgence", "hébergement d'urgence", ["hébergement", "urgence"]),
    ("hebergement URGENCES", "hébergement d'urgence", ["hébergement", "urgence"]),
])
def test_french_search_finds_sections_with_snippets(datasette, published_db, words, phrase,
                                                   marked):
    """Every section holding the phrase as written is found, with a short marked snippet."""
    holding = {row[0] for row in sqlite3.connect(published_db).execute(
        "select id from sections where lower(title || ' ' || text) like ?", [f"%{phrase}%"])}
    assert holding
    rows = rows_of(datasette, f"/rapports/recherche.json?_shape=array&q={words}")
    assert holding <= {r["section_id"] for r in rows}
    for row in rows:
        assert re.search(r", \d{4}$", row["rapport"])  # organisation, year
        found = {stem_text(w) for w in re.findall(r"⟦([^⟧]+)⟧", row["extrait"])}
        assert found & {stem_text(w) for w in marked}, row
        if row["section_id"] in holding:  # the phrase itself is in the snippet
            assert found >= {stem_text(w) for w in marked}, row
        assert len(row["extrait"]) < 400
    html = get(datasette, f"/rapports/recherche?q={words}").text
    assert "<mark>" in html and "⟦" not in html


def test_search_accepts_fts_syntax_as_plain_words(datasette):
    for words in ['"', "aide AND", "NEAR(", "*", ""]:
        assert get(datasette, f"/rapports/recherche.json?q={words}").status_code == 200


def test_evidence_page_highlights_the_value(datasette):
    rows = rows_of(datasette, "/rapports/indicators.json?_shape=array&indicator=accueil.appels"
                              "&value=39975")
    response = get(datasette, f"/-/evidence/{rows[0]['id']}")
    assert response.status_code == 200
    assert '<mark id="value">39 975</mark>' in response.text
    title = rows_of(datasette, f"/rapports/documents/{rows[0]['document_id']}.json?_shape=array")
    assert "39\u202f975\u00a0appels" in response.text and title[0]["title"] in response.text
    assert get(datasette, "/-/evidence/nope").status_code == 404


def test_a_huge_id_gets_a_plain_404(datasette):
    response = get(datasette, "/-/evidence/" + "x" * 60_000)
    assert response.status_code == 404
    assert "Traceback" not in response.text and "x" * 200 not in response.text


def test_published_database_refuses_writes_and_slow_sql(published_db):
    slow = Datasette([str(published_db)], metadata=metadata_for("rapports"),
                     template_dir=str(DATASETTE_DIR / "templates"),
                     plugins_dir=str(DATASETTE_DIR / "plugins"), settings={"sql_time_limit_ms": 50})
    response = get(slow, "/rapports.json?sql=delete+from+documents")
    assert response.status_code == 400 and "SELECT" in response.json()["error"]
    forever = ("with recursive n(i) as (select 1 union all select i + 1 from n) "
               "select count(*) from n")
    response = get(slow, "/rapports.json?sql=" + quote(forever))
    assert response.status_code == 400 and "too long" in response.json()["error"]
    for path in ("/rapports/documents", "/rapports/recherche", "/-/question", "/rapports"):
        response = asyncio.run(slow.client.post(path, data={"sql": "delete from documents"}))
        assert response.status_code == 405 and "Traceback" not in response.text, path
    assert sqlite3.connect(published_db).execute("select count(*) from documents").fetchone()[0]


def test_evaluation_is_stored_beside_the_corpus(published_db, datasette):
    corpus = sqlite3.connect(published_db)
    assert corpus.execute("select count(*) from eval_runs").fetchone()[0] == 0
    rows = rows_of(datasette, "/evaluation/evaluation_errors_by_indicator.json?_shape=array")
    assert rows and {"missed", "spurious", "correct"} <= set(rows[0])


def test_any_database_name_keeps_its_configuration(tmp_path):
    metadata = metadata_for("mes données")
    assert "mes données" in metadata["databases"] and "rapports" not in metadata["databases"]
    assert "/mes+donn~C3~A9es/recherche" in metadata["description_html"]
    charts = metadata["plugins"]["datasette-dashboards"]["indicateurs"]["charts"]
    assert {c["db"] for c in charts.values()} == {"mes données"}
    (tmp_path / "evaluation.db").write_bytes(b"")
    command = datasette_command(tmp_path / "mes données.db")
    assert str(tmp_path / "evaluation.db") in command and "-i" not in command
    assert "-i" in datasette_command(tmp_path / "x.db", immutable=True)
    assert "127.0.0.1" in command and "sql_time_limit_ms" in command
