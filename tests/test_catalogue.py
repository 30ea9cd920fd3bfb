import pytest
import yaml

from extract.catalogue import load_catalogue
from extract.errors import CatalogueError
from extract.paths import SCHEMAS_DIR

SHARED = SCHEMAS_DIR.parent.parent / "shared" / "spec" / "indicators.yaml"


def test_catalogue_keeps_the_shared_ids():
    ours = {entry.id for entry in load_catalogue().indicators}
    if SHARED.exists():
        shared = {entry["id"] for entry in yaml.safe_load(SHARED.read_text())["indicators"]}
        assert shared <= ours
    assert len(ours) >= 69


def bad_catalogue(tmp_path, change):
    data = yaml.safe_load((SCHEMAS_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change,message", [
    (lambda d: d["indicators"].append(dict(d["indicators"][0])), "duplicate indicator id"),
    (lambda d: d["indicators"][0].update(kind="volume"), "kind"),
    (lambda d: d["indicators"].append({**d["indicators"][0], "id": "accueil.copie"}),
     "without a unit or service"),
])
def test_bad_catalogue_is_rejected_with_a_clear_error(tmp_path, change, message):
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(bad_catalogue(tmp_path, change))
    assert message in str(raised.value) and "bad.yaml" in str(raised.value)


def test_json_schemas_in_schemas_folder_are_up_to_date():
    """`python -m extract.schemas` regenerates them; this fails when a model changed without."""
    from extract.schemas import schema_texts

    for name, text in schema_texts().items():
        assert (SCHEMAS_DIR / name).read_text(encoding="utf-8") == text, name


def test_the_fast_yaml_reader_gives_the_same_values_as_safe_load_on_every_rule_file():
    import yaml

    from extract.catalogue import read_yaml
    from extract.paths import SCHEMAS_DIR

    files = sorted(SCHEMAS_DIR.glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert read_yaml(text) == yaml.safe_load(text), path.name
    invented = "a: 1\nb: [x, 'y', 2.5, null, true]\nc: {d: 2024-01-31}\ne: |\n  deux\n  lignes\n"
    assert read_yaml(invented) == yaml.safe_load(invented)


def test_folding_keeps_the_rule_for_plain_and_accented_text():
    from extract.catalogue import fold

    assert fold("Heures RÉALISÉES") == "heures realisees"
    assert fold("l’Œuvre d’aide") == "l'œuvre d'aide"
    assert fold("ﬁche") == "fiche"  # a ligature decomposed
    assert fold("PLAIN ascii 12") == "plain ascii 12"


def test_fold_removes_every_combining_mark_and_keeps_other_characters():
    """`fold` removes the Latin accents by one substitution and other marks by a table: the
    same text as dropping every character with a combining class after decomposing."""
    import random
    import unicodedata

    from extract.catalogue import fold

    def reference(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

    assert fold("Hébergées d’urgence") == "hebergees d'urgence"
    assert fold("Cœur « 12 € » ﬁn") == "cœur « 12 € » fin"
    chosen = random.Random(7)
    pool = [chr(code) for code in range(0x20, 0x2100)] + ["a\u0301", "\u034f", "\u1dc0", "\u20d7",
                                                           "\U0001d400", "\U0001f600", "’"]
    for _ in range(20_000):
        text = "".join(chosen.choice(pool) for _ in range(chosen.randrange(10)))
        assert fold(text) == reference(text), repr(text)
