"""The published database through Datasette's own test client, on a real ingested SQLite file."""

import asyncio

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS
from datasette.app import Datasette

from extract.cli import cli
from extract.paths import DATASETTE_DIR
from extract.publish import datasette_command

METADATA = yaml.safe_load((DATASETTE_DIR / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pub") / "rapports.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(CORPUS), "--db", str(path)])
    assert result.exit_code == 0, result.output
    runner = CliRunner()
    runner.invoke(cli, ["evaluate", "--gold", str(CORPUS.parent / "gold"), "--corpus",
                        str(CORPUS), "--db", str(path)])
    return path


@pytest.fixture(scope="module")
def datasette(published_db):
    return Datasette([str(published_db)], immutables=[], metadata=METADATA,
                     template_dir=str(DATASETTE_DIR / "templates"),
                     plugins_dir=str(DATASETTE_DIR / "plugins"),
                     settings={"sql_time_limit_ms": 3000})


def get(datasette, path):
    return asyncio.run(datasette.client.get(path))


def test_every_column_is_described(published_db):
    import sqlite_utils

    db = sqlite_utils.Database(published_db)
    tables = METADATA["databases"]["rapports"]["tables"]
    for table in ("documents", "sections", "indicators", "catalogue", "eval_runs", "eval_items"):
        described = set(tables[table]["columns"])
        assert {c.name for c in db[table].columns} <= described, table
        assert tables[table]["description"]


def test_indicators_table_has_facets_and_labels(datasette):
    response = get(datasette, "/rapports/indicators.json?_labels=on")
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    facets = facets.get("results", facets)
    assert {"domain", "indicator", "year", "unit", "method"} <= set(facets)


def test_canned_query_compares_one_indicator_across_reports(datasette):
    response = get(datasette, "/rapports/indicator_across_reports.json?indicator=saad.heures"
                              "&_shape=array")
    rows = response.json()
    assert any(r["value"] == 251941 and "Carcassonne" in r["organisation"] for r in rows)
    assert any(r["value"] == 32315 for r in rows)
    assert all(r["evidence_page"].startswith("/-/evidence/") for r in rows)


@pytest.mark.parametrize("query", list(METADATA["databases"]["rapports"]["queries"]))
def test_every_canned_query_runs(datasette, query):
    params = {"indicator": "accueil.visites", "document_id": "x", "organisation": "Soissons",
              "year": "2023"}
    response = get(datasette, f"/rapports/{query}.json?_shape=array&"
                   + "&".join(f"{k}={v}" for k, v in params.items()))
    assert response.status_code == 200, response.text


def test_evidence_page_highlights_the_value(datasette):
    rows = get(datasette, "/rapports/indicators.json?_shape=array&indicator=accueil.appels"
                          "&value=39975").json()
    response = get(datasette, f"/-/evidence/{rows[0]['id']}")
    assert response.status_code == 200
    assert '<mark id="value">39 975</mark>' in response.text
    assert "Page" in response.text and "ACCUEIL" in response.text
    assert get(datasette, "/-/evidence/nope").status_code == 404


def test_full_text_search_over_sections(datasette):
    rows = get(datasette, "/rapports/sections.json?_search=portage&_shape=array").json()
    assert any("PORTAGE" in r["title"].upper() for r in rows)


def test_evaluation_errors_are_browsable(datasette):
    rows = get(datasette, "/rapports/evaluation_errors_by_indicator.json?_shape=array").json()
    assert rows and {"missed", "spurious", "correct"} <= set(rows[0])


def test_published_database_is_immutable_with_a_time_limit(tmp_path):
    command = datasette_command(tmp_path / "rapports.db")
    assert "-i" in command and "sql_time_limit_ms" in command
    assert "127.0.0.1" in command
