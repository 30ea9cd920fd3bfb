"""A custom catalogue is used everywhere: aliases (spaCy matcher), units (number grammar), and the
linker data named in its `linker:` section (vetoes, value roles, weights). Catalogues, files and
the report are invented here."""

import json
import shutil
import sqlite3
from contextlib import closing

import pytest
import yaml
from click.testing import CliRunner

from extract.catalogue import default_catalogue, load_catalogue
from extract.cli import cli
from extract.errors import CatalogueError
from extract.ingest import ingest
from extract.nlp import SPAN_KEY, match_aliases
from extract.paths import SCHEMAS_DIR
from extract.pipeline import run
from extract.versions import catalogue_version

CATALOGUE = {
    "version": 3,
    "domains": {"numerique": ["ateliers"]},
    "sections": {"ateliers": ["ateliers numériques"]},
    "indicators": [
        {"id": "ateliers.seances", "label": "Séances d'initiation numérique", "kind": "count",
         "unit": "séances", "units": ["séances"], "aliases": ["séances d'initiation numérique"]},
        {"id": "ateliers.visiteurs", "label": "Visiteurs du forum numérique", "kind": "count",
         "unit": "personnes", "units": ["personnes"], "aliases": ["visiteurs du forum numérique"]},
        {"id": "ateliers.visios", "label": "Visioconférences animées", "kind": "count",
         "unit": "visioconférences", "units": ["visioconférences"]},
    ],
}

REPORT = """RAPPORT D'ACTIVITÉ 2023 DU CENTRE COMMUNAL D'ACTION SOCIALE

LES ATELIERS NUMÉRIQUES

En 2023, le CCAS a organisé 48 séances d'initiation numérique pour les habitants.

Le forum a reçu 312 visiteurs du forum numérique sur deux jours.

L'équipe a aussi animé 9 visioconférences.

Environ 17 séances ont été annulées faute d'inscrits.
"""


def write_catalogue(folder, name="catalogue.yaml", **linker):
    """The invented catalogue in `folder`, with a `linker:` section naming `linker` files."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {**CATALOGUE, **({"linker": linker} if linker else {})}
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def links(report, catalogue) -> dict[str, tuple[str | None, str]]:
    """Evidence → (indicator, role) of every value of `report`."""
    return {v.evidence: (v.indicator, v.role) for v in run(report, catalogue=catalogue).indicators}


def test_custom_aliases_and_units_link_where_the_default_catalogue_does_not(tmp_path, report):
    custom = load_catalogue(write_catalogue(tmp_path / "a"))
    doc = match_aliases(REPORT, custom)
    assert {span.label_ for span in doc.spans[SPAN_KEY]} >= {"ateliers.seances",
                                                             "ateliers.visiteurs"}
    found = links(report, custom)
    assert found["48 séances"] == ("ateliers.seances", "value")
    assert found["312"] == ("ateliers.visiteurs", "value")  # no unit: the alias and the heading
    assert found["9 visioconférences"] == ("ateliers.visios", "value")  # a unit of this catalogue
    default = links(report, None)
    assert not any(indicator for indicator, _ in default.values())
    assert "9" in default  # no unit of the default catalogue's grammar


def test_a_veto_file_beside_the_catalogue_forbids_a_unit(tmp_path, report):
    vetoes = yaml.safe_load((SCHEMAS_DIR / "vetoes.yaml").read_text(encoding="utf-8"))
    vetoes["kind_units"]["average"] = ["EUR", "séances"]  # only averages take séances now
    folder = tmp_path / "vetoed"
    folder.mkdir()
    (folder / "my_vetoes.yaml").write_text(yaml.safe_dump(vetoes, allow_unicode=True),
                                           encoding="utf-8")
    vetoed = links(report, write_catalogue(folder, vetoes="my_vetoes.yaml"))
    plain = links(report, write_catalogue(tmp_path / "plain"))
    assert plain["48 séances"][0] == "ateliers.seances"
    assert vetoed["48 séances"][0] is None
    assert vetoed["312"][0] == plain["312"][0] == "ateliers.visiteurs"  # other units unaffected


def test_custom_weights_change_a_decision(tmp_path, report):
    weights = json.loads((SCHEMAS_DIR / "linker_weights.json").read_text(encoding="utf-8"))
    weights["features"]["alias_any"] = -5.0  # an alias now speaks against its indicator
    folder = tmp_path / "weighted"
    folder.mkdir()
    (folder / "weights.json").write_text(json.dumps(weights), encoding="utf-8")
    weighted = links(report, write_catalogue(folder, weights="weights.json"))
    plain = links(report, write_catalogue(tmp_path / "plain"))
    assert plain["312"][0] == "ateliers.visiteurs"
    assert plain["48 séances"][0] == "ateliers.seances"
    assert weighted["312"][0] is None and weighted["48 séances"][0] is None
    assert weighted["17 séances"][0] == "ateliers.seances"  # no alias there: still linked


def test_custom_roles_give_their_own_role(tmp_path, report):
    folder = tmp_path / "roles"
    folder.mkdir()
    (folder / "roles.yaml").write_text(
        "version: 1\nroles:\n  estimate:\n    before: ['\\benviron\\s*$']\n"
        "role_lines: {role: part, units: [agents]}\n", encoding="utf-8")
    vetoes = yaml.safe_load((SCHEMAS_DIR / "vetoes.yaml").read_text(encoding="utf-8"))
    vetoes["roles"] = {"estimate": {}}  # an estimate links to no indicator
    (folder / "vetoes.yaml").write_text(yaml.safe_dump(vetoes, allow_unicode=True),
                                        encoding="utf-8")
    found = links(report, write_catalogue(folder, roles="roles.yaml", vetoes="vetoes.yaml"))
    assert found["17 séances"] == (None, "estimate")
    assert found["48 séances"] == ("ateliers.seances", "value")
    assert links(report, write_catalogue(tmp_path / "plain"))["17 séances"][1] == "value"


def test_two_catalogues_in_one_process_do_not_leak(tmp_path, report):
    vetoes = yaml.safe_load((SCHEMAS_DIR / "vetoes.yaml").read_text(encoding="utf-8"))
    vetoes["kind_units"]["average"] = ["EUR", "séances"]
    (tmp_path / "v.yaml").write_text(yaml.safe_dump(vetoes, allow_unicode=True), encoding="utf-8")
    # the same catalogue text twice: only the vetoes differ
    strict = load_catalogue(write_catalogue(tmp_path, "strict.yaml", vetoes="v.yaml"))
    lenient = load_catalogue(write_catalogue(tmp_path, "lenient.yaml"))
    before_default = links(report, None)
    for _ in range(2):  # in turn, each twice: no cache keeps the other's answer
        assert links(report, strict)["48 séances"][0] is None
        assert links(report, lenient)["48 séances"][0] == "ateliers.seances"
    assert links(report, None) == before_default


def test_a_missing_linker_file_is_named(tmp_path):
    path = write_catalogue(tmp_path, weights="nowhere.json")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)
    assert "catalogue.yaml" in str(raised.value) and "linker.weights" in str(raised.value)
    assert "nowhere.json" in str(raised.value)


def test_cli_catalogue_option_end_to_end(tmp_path, report):
    folder = tmp_path / "cli"
    folder.mkdir()
    shutil.copy(SCHEMAS_DIR / "linker_weights.json", folder / "weights.json")
    catalogue = write_catalogue(folder, weights="weights.json")
    result = CliRunner().invoke(cli, ["extract", str(report), "--catalogue", str(catalogue),
                                      "--catalogued-only"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["catalogue_version"] == CATALOGUE["version"]
    assert {(i["indicator"], i["value"]) for i in data["indicators"]} >= {
        ("ateliers.seances", 48), ("ateliers.visiteurs", 312)}
    explained = CliRunner().invoke(cli, ["extract", str(report), "--catalogue", str(catalogue),
                                         "--explain"])
    assert explained.exit_code == 0 and "ateliers.visiteurs" in explained.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nindicators: [{id: nope}]\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["extract", str(report), "--catalogue", str(bad)])
    assert refused.exit_code != 0 and "bad.yaml" in refused.output
    assert "Traceback" not in refused.output


def test_train_writes_the_weights_file_the_catalogue_names(tmp_path):
    pytest.importorskip("sklearn")
    from conftest import CORPUS, GOLD

    packaged = (SCHEMAS_DIR / "linker_weights.json").read_bytes()
    data = yaml.safe_load((SCHEMAS_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    unnamed = tmp_path / "unnamed.yaml"
    unnamed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = CliRunner().invoke(cli, ["train", "--catalogue", str(unnamed), "--no-cv",
                                       "--gold", str(GOLD), "--corpus", str(CORPUS)])
    assert refused.exit_code != 0 and "names no weights file" in refused.output
    (tmp_path / "fitted.json").write_text('{"features": {}, "bias": 0.0}', encoding="utf-8")
    named = tmp_path / "named.yaml"
    named.write_text(yaml.safe_dump({**data, "linker": {"weights": "fitted.json"}},
                                    allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "--catalogue", str(named), "--no-cv",
                                      "--gold", str(GOLD), "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    fitted = json.loads((tmp_path / "fitted.json").read_text(encoding="utf-8"))
    assert len(fitted["features"]) >= 10 and "fitted.json" in result.output
    assert (SCHEMAS_DIR / "linker_weights.json").read_bytes() == packaged


# --- ingest and gold with a custom catalogue: a real SQLite file -------------------------------

SECOND_REPORT = """BILAN D'ACTIVITÉ 2022 DU CENTRE INTERCOMMUNAL D'ACTION SOCIALE

LES ATELIERS NUMÉRIQUES

Cette année, 26 séances d'initiation numérique ont eu lieu à la médiathèque.

Les conseillers ont animé 14 visioconférences avec les familles.
"""


def two_reports(folder):
    folder.mkdir()
    (folder / "premier.txt").write_text(REPORT, encoding="utf-8")
    (folder / "second.txt").write_text(SECOND_REPORT, encoding="utf-8")
    return [folder / "premier.txt", folder / "second.txt"]


def ingest_cli(*args):
    return CliRunner().invoke(cli, ["ingest", "--quiet", *map(str, args)])


def stored(db_path, sql, *args):
    with closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(sql, args).fetchall()


def custom_values(db_path):
    return set(stored(db_path, "select d.name, i.indicator, i.value from indicators i join "
                               "documents d on d.id = i.document_id where i.indicator like "
                               "'ateliers.%'"))


@pytest.mark.parametrize("workers", ["1", "2"])  # one worker and a reader process; two workers
def test_ingest_with_a_custom_catalogue_then_the_default_one(tmp_path, workers):
    reports = two_reports(tmp_path / "rapports")
    catalogue = write_catalogue(tmp_path / "cat")
    db_path = tmp_path / "rapports.db"
    first = ingest_cli(*reports, "--db", db_path, "--catalogue", catalogue, "--workers", workers)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("2 ingested")
    assert custom_values(db_path) >= {("premier.txt", "ateliers.seances", 48),
                                      ("premier.txt", "ateliers.visiteurs", 312),
                                      ("premier.txt", "ateliers.visios", 9),
                                      ("second.txt", "ateliers.seances", 26),
                                      ("second.txt", "ateliers.visios", 14)}
    # the catalogue table describes the catalogue used, and only it
    assert set(stored(db_path, "select id, unit, domain from catalogue")) == {
        ("ateliers.seances", "séances", "numerique"),
        ("ateliers.visiteurs", "personnes", "numerique"),
        ("ateliers.visios", "visioconférences", "numerique")}
    custom_version = catalogue_version(catalogue)
    assert custom_version != catalogue_version()
    assert set(stored(db_path, "select catalogue_version from documents")) == {(custom_version,)}

    again = ingest_cli(*reports, "--db", db_path, "--catalogue", catalogue, "--workers", workers)
    assert again.exit_code == 0 and again.stdout.startswith("0 ingested, 2 unchanged")

    # the packaged catalogue on the second file only: it is extracted again, the first is left
    # with its custom values, and the catalogue table keeps the ids those still refer to
    default = ingest_cli(reports[1], "--db", db_path, "--workers", workers)
    assert default.exit_code == 0, default.output
    assert "1 ingested (of which 1 re-extracted" in default.stdout
    assert "1 other stored documents were made by an older extractor or catalogue" in default.stdout
    assert {name for name, _, _ in custom_values(db_path)} == {"premier.txt"}
    ids = {row[0] for row in stored(db_path, "select id from catalogue")}
    assert {entry.id for entry in default_catalogue().indicators} <= ids
    assert {"ateliers.seances", "ateliers.visiteurs", "ateliers.visios"} <= ids

    everything = ingest_cli(*reports, "--db", db_path, "--workers", workers)
    assert everything.exit_code == 0 and "1 ingested (of which 1 re-extracted" in everything.stdout
    assert custom_values(db_path) == set()
    assert {row[0] for row in stored(db_path, "select id from catalogue")} == {
        entry.id for entry in default_catalogue().indicators}
    assert set(stored(db_path, "select catalogue_version from documents")) == {
        (catalogue_version(),)}


def test_ingest_a_report_stored_with_the_default_catalogue_again_with_a_custom_one(tmp_path,
                                                                                   report):
    db_path = tmp_path / "base.db"
    assert ingest_cli(report, "--db", db_path).exit_code == 0
    assert custom_values(db_path) == set()
    result = ingest_cli(report, "--db", db_path, "--catalogue", write_catalogue(tmp_path / "c"))
    assert result.exit_code == 0 and "1 ingested (of which 1 re-extracted" in result.stdout
    assert ("rapport.txt", "ateliers.seances", 48) in custom_values(db_path)


def test_a_bad_catalogue_is_one_line_and_nothing_is_stored(tmp_path, report):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nindicators:\n  - {id: ateliers.seances, kind: count}\n",
                   encoding="utf-8")
    new_db = tmp_path / "new.db"
    refused = ingest_cli(report, "--db", new_db, "--catalogue", bad)
    assert refused.exit_code != 0
    assert refused.output.count("\n") == 1 and "bad.yaml" in refused.output
    assert "label" in refused.output and "Traceback" not in refused.output
    assert not new_db.exists()
    # into a database already made: left as it was
    db_path = tmp_path / "made.db"
    assert ingest_cli(report, "--db", db_path).exit_code == 0
    before = stored(db_path, "select * from indicators order by id")
    catalogue_before = stored(db_path, "select * from catalogue order by id")
    missing = ingest_cli(report, "--db", db_path, "--catalogue", tmp_path / "nowhere.yaml",
                         "--force")
    assert missing.exit_code != 0 and missing.output.count("\n") == 1
    assert "nowhere.yaml" in missing.output
    assert stored(db_path, "select * from indicators order by id") == before
    assert stored(db_path, "select * from catalogue order by id") == catalogue_before
    with pytest.raises(CatalogueError):  # the library call refuses it before opening anything
        ingest([report], tmp_path / "library.db", catalogue=bad)
    assert not (tmp_path / "library.db").exists()


def test_catalogue_version_follows_the_content_of_the_catalogue_and_its_linker_files(tmp_path):
    copy = tmp_path / "copy.yaml"
    shutil.copy(SCHEMAS_DIR / "indicators.yaml", copy)
    assert catalogue_version(copy) == catalogue_version()  # the same catalogue: nothing to redo
    custom = write_catalogue(tmp_path / "a")
    assert catalogue_version(custom) == catalogue_version(write_catalogue(tmp_path / "b"))
    # a weights file it names: refitted, the version changes; put back, the version is back
    weights_file = tmp_path / "w" / "weights.json"
    weighted = write_catalogue(tmp_path / "w", weights="weights.json")
    shutil.copy(SCHEMAS_DIR / "linker_weights.json", weights_file)
    packaged_weights = catalogue_version(weighted)
    weights = json.loads(weights_file.read_text(encoding="utf-8"))
    weights["bias"] = weights.get("bias", 0.0) + 1.0
    weights_file.write_text(json.dumps(weights), encoding="utf-8")
    refitted = catalogue_version(weighted)
    assert refitted not in (packaged_weights, catalogue_version(custom))
    shutil.copy(SCHEMAS_DIR / "linker_weights.json", weights_file)
    assert catalogue_version(weighted) == packaged_weights


def test_gold_check_and_draft_with_a_custom_catalogue(tmp_path, report):
    catalogue = write_catalogue(tmp_path / "cat")
    draft = tmp_path / "gold" / "rapport.json"
    drafted = CliRunner().invoke(cli, ["gold", "draft", str(report), "-o", str(draft),
                                       "--catalogue", str(catalogue)])
    assert drafted.exit_code == 0, drafted.output
    data = json.loads(draft.read_text(encoding="utf-8"))
    assert data["catalogue_version"] == CATALOGUE["version"]
    assert {(i["indicator"], i["value"]) for i in data["indicators"]} >= {
        ("ateliers.seances", 48), ("ateliers.visios", 9)}
    checked = CliRunner().invoke(cli, ["gold", "check", str(draft), "--corpus", str(tmp_path),
                                       "--catalogue", str(catalogue)])
    assert checked.exit_code == 0 and ": ok (" in checked.output
    packaged = CliRunner().invoke(cli, ["gold", "check", str(draft), "--corpus", str(tmp_path)])
    assert packaged.exit_code != 0
    assert "unknown indicator id 'ateliers.seances'" in packaged.output
