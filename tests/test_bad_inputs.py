"""Bad input, one kind per case: one line naming the file and the reason, a non-zero exit when it
is the only input, no traceback, nothing stored; in a batch, the good files all land.

Each kind is made for real on disk (bytes, links, FIFOs, sparse files, broken PDFs), and run
through both `ingest` and `extract`. Encodings that are readable are tested apart: they must be
decoded right, not refused.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS

from extract.cli import cli
from extract.reader import read_document

GOOD = CORPUS / "004_f10ab5db119ef443.txt"
REPORT = ("CCAS DE VILLENEUVE-SUR-EXEMPLE\nRAPPORT D'ACTIVITÉ 2023\n\n1. ACCUEIL\n\n"
          "Le CCAS a accueilli 5 478 personnes en 2023 (4 910 en 2022).\n\n2. DOMICILIATION\n\n"
          "1 204 dossiers de domiciliation ont été instruits ; 312 aides facultatives versées.\n")


def make_bad(kind: str, folder: Path, bad_files: dict[str, Path], real_pdf: Path) -> Path:
    """Create the bad input of this kind in `folder`; return the path to name."""
    path = folder / f"{kind}.txt"
    text_bytes = {
        "empty_text": b"",
        "only_white_space": b" \n\n\t  \n",
        "only_nul_bytes": b"\x00" * 4096,
        "random_binary": bytes(range(256)) * 40,
        "control_characters": ("CCAS " + "\x01\x02\x03\x04\x05\x06" * 200).encode(),
        "html_page": b"<!DOCTYPE html><html><head><title>CCAS</title></head><body><p>5 478 "
                     b"personnes</p></body></html>",
        "html_with_xml_prolog": b"<?xml version='1.0'?>\n<html><body><div>CCAS 2023</div>"
                                b"</body></html>",
        "html_without_doctype": b"<div><p>CCAS</p><p>12 dossiers</p><span>a</span><br>"
                                b"<div>b</div><p>c</p><a href='x'>d</a></div>" * 3,
        "invalid_utf16_after_bom": codecs.BOM_UTF16_LE + b"C\x00C\x00\x00\xdc",
        "invalid_utf32_after_bom": codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff" * 8,
        "gzip_named_txt": gzip.compress(REPORT.encode() * 20),
    }
    if kind in text_bytes:
        path.write_bytes(text_bytes[kind])
        return path
    simple = {
        "unsupported_docx": ("rapport.docx", b"PK\x03\x04 word document"),
        "unsupported_odt": ("rapport.odt", b"PK\x03\x04 open document"),
        "no_extension": ("RAPPORT", REPORT.encode()),
        "image_png": ("rapport.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        "empty_pdf": ("vide.pdf", b""),
        "text_named_pdf": ("texte.pdf", REPORT.encode()),
        "zip_named_pdf": ("archive.pdf", b"PK\x03\x04" + b"\x00" * 200),
    }
    if kind in simple:
        name, data = simple[kind]
        target = folder / name
        target.write_bytes(data)
        return target
    if kind in ("encrypted_pdf", "scanned_pdf", "corrupt_pdf"):
        target = folder / bad_files[kind.replace("_pdf", "")].name
        shutil.copy(bad_files[kind.replace("_pdf", "")], target)
        return target
    if kind == "truncated_pdf":
        data = real_pdf.read_bytes()
        target = folder / "tronque.pdf"
        target.write_bytes(data[: len(data) // 3])
        return target
    if kind == "too_large_sparse":
        target = folder / "enorme.txt"
        with open(target, "wb") as handle:
            handle.truncate(201 * 1024 * 1024)  # sparse: no disk used
        return target
    if kind == "folder_named_pdf":
        target = folder / "x.pdf"
        target.mkdir()
        return target
    if kind == "symlink_loop":
        target = folder / "boucle.txt"
        target.symlink_to(target)
        return target
    if kind == "broken_symlink":
        target = folder / "lien.txt"
        target.symlink_to(folder / "absent.txt")
        return target
    if kind == "missing_path":
        return folder / "absent.txt"
    if kind == "fifo":
        target = folder / "tube.txt"
        os.mkfifo(target)
        return target
    if kind == "folder_without_reports":
        target = folder / "vide"
        target.mkdir()
        (target / "notes.docx").write_bytes(b"PK")
        return target
    if kind == "folder_of_project_files":
        target = folder / "projet"
        target.mkdir()
        (target / "README.md").write_text("# Outil\n\n" + REPORT, encoding="utf-8")
        (target / "LICENSE.txt").write_text("MIT License 2024\n", encoding="utf-8")
        return target
    raise AssertionError(kind)


KINDS = [
    "empty_text", "only_white_space", "only_nul_bytes", "random_binary", "control_characters",
    "html_page", "html_with_xml_prolog", "html_without_doctype", "invalid_utf16_after_bom",
    "invalid_utf32_after_bom", "gzip_named_txt", "unsupported_docx", "unsupported_odt",
    "no_extension", "image_png", "empty_pdf", "text_named_pdf", "zip_named_pdf",
    "encrypted_pdf", "scanned_pdf", "corrupt_pdf", "truncated_pdf", "too_large_sparse",
    "folder_named_pdf", "symlink_loop", "broken_symlink", "missing_path", "fifo",
    "folder_without_reports", "folder_of_project_files",
]


@pytest.fixture(scope="module")
def real_pdf(real_pdfs) -> Path:
    return min(real_pdfs, key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_named_alone(kind, tmp_path, bad_files, real_pdf):
    path = make_bad(kind, tmp_path, bad_files, real_pdf)
    db_path = tmp_path / "rapports.db"
    ingested = CliRunner().invoke(cli, ["ingest", "--quiet", str(path), "--db", str(db_path)])
    assert ingested.exit_code == 1, ingested.output
    assert "Traceback" not in ingested.output and ingested.exception is None or \
        isinstance(ingested.exception, SystemExit)
    lines = [line for line in ingested.output.splitlines()
             if line.startswith(("Error:", "Skipped:"))]
    assert lines and all(str(path) in line for line in lines), ingested.output
    assert all(len(line.split(": ", 2)[-1]) > 5 for line in lines)  # a reason is given
    if db_path.exists():
        assert sqlite_utils.Database(db_path)["documents"].count == 0
    if kind.startswith("folder_") and kind != "folder_named_pdf":
        return
    extracted = CliRunner().invoke(cli, ["extract", str(path)])
    assert extracted.exit_code == 1
    assert extracted.output.count("\n") == 1 and extracted.output.startswith("Error: ")
    assert str(path) in extracted.output and "Traceback" not in extracted.output


def test_bad_inputs_in_a_batch_leave_the_good_files_landing(tmp_path, bad_files, real_pdf):
    batch = tmp_path / "lot"
    batch.mkdir()
    made = [make_bad(kind, batch, bad_files, real_pdf) for kind in KINDS
            if kind not in ("missing_path",)]
    good = [batch / "bon_1.txt", batch / "bon_2.txt", batch / "bon.pdf"]
    shutil.copy(GOOD, good[0])
    good[1].write_text(REPORT, encoding="utf-8")
    shutil.copy(real_pdf, good[2])
    outside = tmp_path / "secret.txt"
    outside.write_text(REPORT.replace("5 478", "9 999"), encoding="utf-8")
    (batch / "lien_dehors.txt").symlink_to(outside)
    db_path = tmp_path / "rapports.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(batch), "--db", str(db_path)])
    assert result.exit_code == 0 and "Traceback" not in result.output
    db = sqlite_utils.Database(db_path)
    stored = sorted(Path(row["path"]).name for row in db["documents"].rows)
    assert stored == sorted(p.name for p in good)
    assert "lien_dehors.txt: symlink to a file outside the folders given" in result.output
    assert "README.md: not a report" in result.output
    assert f"{len(good)} ingested" in result.output
    assert not db.execute("select count(*) from indicators where value = 9999").fetchone()[0]
    assert len(made) >= 25


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", b""), ("cp1252", b""), ("mac_roman", b""),
])
def test_readable_encodings_are_decoded_not_stored_as_garbage(tmp_path, encoding, bom):
    path = tmp_path / "rapport.txt"
    path.write_bytes(bom + REPORT.encode(encoding))
    document = read_document(path)
    assert document.text == REPORT
    if encoding not in ("utf-8",) and not bom:
        assert document.warnings  # the fallback is said


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_old_mac_and_windows_line_ends_give_the_same_sections(tmp_path, line_end):
    path = tmp_path / "rapport.txt"
    text = GOOD.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", line_end).encode("utf-8"))
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    expected = CliRunner().invoke(cli, ["extract", str(GOOD)])
    sections = json.loads(result.output)["sections"]
    assert sections and sections == json.loads(expected.output)["sections"]
    assert read_document(path).text == text


def test_fallback_encoding_warning_is_shown_and_stored(tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_bytes(REPORT.encode("cp1252"))
    db_path = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", str(path), "--db", str(db_path)])
    assert result.exit_code == 0
    assert f"Warning: {path}: not UTF-8" in result.output
    warnings = next(sqlite_utils.Database(db_path)["documents"].rows)["warnings"]
    assert "decoded as cp1252" in warnings


def test_unreadable_file_and_folder_are_one_line_each_and_the_batch_goes_on(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    batch = tmp_path / "lot"
    (batch / "ferme").mkdir(parents=True)
    shutil.copy(GOOD, batch / "bon.txt")
    locked = batch / "illisible.txt"
    locked.write_text(REPORT, encoding="utf-8")
    locked.chmod(0)
    (batch / "ferme").chmod(0)
    try:
        result = CliRunner().invoke(cli, ["ingest", "--quiet", str(batch), "--db",
                                          str(tmp_path / "r.db")])
    finally:
        locked.chmod(0o644)
        (batch / "ferme").chmod(0o755)
    assert "illisible.txt: cannot read file" in result.output
    assert "ferme: cannot read folder" in result.output
    assert "1 ingested" in result.output
