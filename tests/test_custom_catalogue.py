"""A custom catalogue is used everywhere: aliases (spaCy matcher), units (number grammar), and the
linker data named in its `linker:` section (vetoes, value roles, weights). Catalogues, files and
the report are invented here."""

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from extract.catalogue import load_catalogue
from extract.cli import cli
from extract.errors import CatalogueError
from extract.nlp import SPAN_KEY, match_aliases
from extract.paths import SCHEMAS_DIR
from extract.pipeline import run

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
