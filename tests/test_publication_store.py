"""What the store adds for publishing: versions and re-extraction, titles, the French search index."""

import shutil
import sqlite3

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS

from extract.cli import cli
from extract.french_search import fts_query, snippet, stem_text
from extract.store import ensure_publication_schema, open_db
from extract.versions import current_versions


@pytest.fixture
def two_reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(path, folder)
    return folder


def ingest(folder, db_path, *extra):
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(folder), "--db", str(db_path),
                                      *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_documents_made_by_an_older_extractor_are_extracted_again(two_reports, db_path):
    ingest(two_reports, db_path)
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute("update documents set extractor_version = 'older' where rowid = 1")
        connection.execute("update indicators set value = -1")  # the older, worse values
    output = ingest(two_reports, db_path)
    assert "1 ingested (of which 1 re-extracted" in output and "1 unchanged" in output
    versions = current_versions()
    rows = connection.execute("select extractor_version, catalogue_version from documents")
    assert set(rows) == {(versions["extractor_version"], versions["catalogue_version"])}
    stale = connection.execute("select count(*) from indicators i join documents d "
                               "on d.id = i.document_id where d.rowid = 1 and value = -1")
    assert stale.fetchone()[0] == 0
    assert "0 ingested, 2 unchanged" in ingest(two_reports, db_path)
    one_file, other_file = sorted(two_reports.iterdir())
    connection.execute("update documents set catalogue_version = 'older' where path = ?",
                       [str(other_file)])
    connection.commit()
    assert "1 other stored documents were made by an older" in ingest(one_file, db_path)


def test_force_extracts_every_file_again(two_reports, db_path):
    ingest(two_reports, db_path)
    assert "2 ingested, 0 unchanged" in ingest(two_reports, db_path, "--force")
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 2
    assert db["search_index"].count == db["sections"].count  # no orphan search rows


def test_an_older_database_gets_titles_and_search_on_open(two_reports, db_path):
    ingest(two_reports, db_path)
    db = sqlite_utils.Database(db_path)
    db["documents"].transform(drop={"title"})
    db.execute("delete from search_index")
    open_db(db_path).close()
    db = sqlite_utils.Database(db_path)
    assert all(row["title"] for row in db["documents"].rows)
    assert db["search_index"].count == db["sections"].count
    found = db.execute("select count(*) from search_index_fts where search_index_fts match ?",
                       [fts_query("Repas")]).fetchone()[0]
    assert found


def test_french_stems_fold_case_accents_and_inflections():
    assert stem_text("Les Aides alimentaires") == stem_text("les aide ALIMENTAIRE")
    assert stem_text("Hébergement d'urgence") == stem_text("hebergements urgences")
    assert fts_query("aides \"alimentaires\" OR NEAR(") == '"aid" "alimentair" "or" "near"'
    assert fts_query("' ") == '""'


def test_snippet_marks_the_words_in_the_densest_passage():
    text = ("Introduction générale du rapport. " * 20 + "La Maison des solidarités a servi "
            "4 200 repas chauds et distribué des colis d'aide alimentaire aux familles. "
            + "Conclusion du chapitre. " * 20)
    passage = snippet(text, "aides alimentaires")
    assert "⟦aide⟧ ⟦alimentaire⟧" in passage
    assert passage.startswith("… ") and passage.endswith(" …") and len(passage) < 300
    assert snippet("Rien à voir.", "repas") == "Rien à voir."


def test_documents_that_are_not_reports_are_hidden_from_chosen_values(two_reports, db_path):
    ingest(two_reports, db_path)
    db = sqlite_utils.Database(db_path)
    hidden, shown = [row["id"] for row in db["documents"].rows]
    db.execute("update documents set doc_type = 'other' where id = ?", [hidden])
    db.conn.commit()
    organisations = {row["organisation"]: row["document_id"]
                     for row in db.query("select organisation, document_id from valeurs_retenues")}
    assert set(organisations.values()) == {shown}
    everything = {row["document_id"] for row in db.query(
        "select document_id from valeurs_retenues_toutes")}
    assert everything == {hidden, shown}
    flags = dict(db.execute("select document_id, max(publie) from valeurs group by 1").fetchall())
    assert flags == {hidden: 0, shown: 1}


def test_a_role_column_keeps_parts_and_changes_out_of_chosen_values(two_reports, db_path):
    """The linker may add `role`; the views follow it when the database is next opened."""
    ingest(two_reports, db_path)
    db = sqlite_utils.Database(db_path)
    chosen = db.execute("select valeur_id from valeurs_retenues limit 1").fetchone()[0]
    db["indicators"].add_column("role", str)
    db.execute("update indicators set role = 'change' where id = ?", [chosen])
    db.conn.commit()
    open_db(db_path).close()
    db = sqlite_utils.Database(db_path)
    assert chosen not in {r[0] for r in db.execute("select valeur_id from valeurs_retenues")}
    assert db.execute("select role from valeurs where valeur_id = ?", [chosen]).fetchone()[0] \
        == "change"


def test_opening_a_database_again_leaves_its_views_in_place(two_reports, db_path):
    """A server reads the views while ingest opens the file: they must never be dropped then."""
    ingest(two_reports, db_path)
    db = open_db(db_path)
    statements = []
    db.conn.set_trace_callback(statements.append)
    ensure_publication_schema(db)
    assert not [s for s in statements if "drop view" in s.lower()]


def test_evaluate_into_a_file_that_is_not_a_database_says_so_in_one_line(tmp_path):
    target = tmp_path / "notes.db"
    target.write_text("these are notes, not a database\n" * 40, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(CORPUS.parent / "gold"),
                                      "--corpus", str(CORPUS), "--db", str(target)])
    assert result.exit_code == 1
    assert "notes.db: not a usable database" in result.output
    assert target.read_text(encoding="utf-8").startswith("these are notes")
