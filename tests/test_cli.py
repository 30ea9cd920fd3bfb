import json
import shutil

import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS, corpus_files

from extract.cli import cli

CORPUS_SIZE = len(corpus_files())


def ingest(*args):
    return CliRunner().invoke(cli, ["ingest", "--quiet", *map(str, args)])


def test_ingest_corpus_then_skip_unchanged(db_path):
    first = ingest(CORPUS, "--db", db_path, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert f"{CORPUS_SIZE} ingested, 0 unchanged, 0 duplicate content" in first.output
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == CORPUS_SIZE
    assert db["sections"].count > 100
    assert db["indicators"].count > 300
    assert db["catalogue"].count >= 69
    hits = list(db["sections"].search("domiciliation"))
    assert hits
    second = ingest(CORPUS, "--db", db_path)
    assert f"0 ingested, {CORPUS_SIZE} unchanged" in second.output


def test_changed_file_replaces_its_rows(tmp_path, db_path):
    path = tmp_path / "report.txt"
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", path)
    assert ingest(path, "--db", db_path).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "\n\nBILAN\n\n42 bénévoles\n",
                    encoding="utf-8")
    assert ingest(path, "--db", db_path).exit_code == 0
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 1
    doc_id = next(db["documents"].rows)["id"]
    assert {row["document_id"] for row in db["indicators"].rows} == {doc_id}
    assert any(row["value"] == 42 for row in db["indicators"].rows)


def test_bad_files_fail_one_line_each_and_the_batch_goes_on(tmp_path, bad_files, db_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for path in bad_files.values():
        shutil.copy(path, folder / path.name)
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", folder)
    result = ingest(folder, "--db", db_path)
    assert "2 ingested" in result.output  # the good report and the cp1252 one
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 5  # encrypted, scanned, corrupt, empty, binary (.docx is not a report)
    assert "Traceback" not in result.output
    assert sqlite_utils.Database(db_path)["documents"].count == 2  # good file and cp1252 file
    warnings = [row["warnings"] for row in sqlite_utils.Database(db_path)["documents"].rows]
    assert any("cp1252" in w for w in warnings)


def test_named_bad_file_exits_non_zero(bad_files, db_path):
    result = ingest(bad_files["encrypted"], "--db", db_path)
    assert result.exit_code == 1
    assert "encrypted PDF" in result.output
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 0 and db["sections"].count == 0


def test_unsupported_file_named_is_an_error(bad_files, db_path):
    result = ingest(bad_files["unsupported"], "--db", db_path)
    assert result.exit_code == 1 and "unsupported file type '.docx'" in result.output


def test_folder_without_reports_is_an_error(tmp_path, db_path):
    (tmp_path / "nothing").mkdir()
    result = ingest(tmp_path / "nothing", "--db", db_path)
    assert result.exit_code == 1 and "folder has no reports" in result.output


def test_extract_prints_gold_format_json():
    result = CliRunner().invoke(cli, ["extract", str(CORPUS / "000_29a8765a0cd6bbb0.txt")])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["metadata"]["kind"] == "CIAS" and data["metadata"]["report_year"] == 2023
    calls = [i for i in data["indicators"] if i["indicator"] == "accueil.appels"]
    assert calls[0]["value"] == 39975 and calls[0]["start"] == 1375
    assert any(i["indicator"] is None for i in data["indicators"])


def test_extract_bad_input_is_one_line_and_non_zero(bad_files):
    result = CliRunner().invoke(cli, ["extract", str(bad_files["scanned"])])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "scanned" in result.output


def test_pdf_ingest(real_pdfs, db_path):
    result = ingest(min(real_pdfs, key=lambda p: p.stat().st_size), "--db", db_path)
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    row = next(db["documents"].rows)
    assert row["format"] == "pdf" and row["pages"] > 1
    assert db["sections"].count > 0


def test_evaluate_from_another_folder_says_which_folder_is_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'gold'}: no such folder" in result.output and "--gold" in result.output


def test_extract_on_a_folder_or_a_folder_named_like_a_pdf_is_one_line(tmp_path):
    (tmp_path / "x.pdf").mkdir()
    for path in [tmp_path, tmp_path / "x.pdf"]:
        result = CliRunner().invoke(cli, ["extract", str(path)])
        assert result.exit_code == 1
        assert result.output == f"Error: {path}: is a folder, not a file (ingest reads folders)\n"


def test_extract_holds_to_its_time_limit(tmp_path):
    big = tmp_path / "long.txt"
    big.write_text((CORPUS / "002_507d8463a72af1be.txt").read_text(encoding="utf-8") * 30,
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(big), "--timeout", "3"])
    assert result.exit_code == 1
    assert result.output == f"Error: {big}: took longer than the 3 s limit (--timeout)\n"
