"""Batch ingestion: parallel workers, a killed run leaves whole documents only, and resumes."""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import sqlite_utils
from conftest import CORPUS

from extract.ingest import ingest


def make_batch(folder, copies):
    folder.mkdir()
    for copy in range(copies):
        for path in CORPUS.glob("*.txt"):
            text = path.read_text(encoding="utf-8")
            (folder / f"{path.stem}_{copy}.txt").write_text(text + f"\n\ncopie {copy}\n",
                                                            encoding="utf-8")
    return folder


def consistent(db_path):
    db = sqlite_utils.Database(db_path)
    documents = {row["id"] for row in db["documents"].rows}
    orphans = db.execute("select count(*) from sections where document_id not in "
                         "(select id from documents)").fetchone()[0]
    orphans += db.execute("select count(*) from indicators where document_id not in "
                          "(select id from documents)").fetchone()[0]
    without_sections = db.execute("select count(*) from documents where id not in "
                                  "(select document_id from sections)").fetchone()[0]
    return documents, orphans, without_sections


def test_parallel_ingest_matches_serial(tmp_path):
    batch = make_batch(tmp_path / "batch", 2)
    serial = ingest([batch], tmp_path / "serial.db", workers=1)
    parallel = ingest([batch], tmp_path / "parallel.db", workers=2)
    assert len(serial.ingested) == len(parallel.ingested) == 8
    count = "select count(*) from indicators"
    assert (sqlite3.connect(tmp_path / "serial.db").execute(count).fetchone()
            == sqlite3.connect(tmp_path / "parallel.db").execute(count).fetchone())
    mode = sqlite3.connect(tmp_path / "parallel.db").execute("pragma journal_mode").fetchone()
    assert mode[0] == "wal"


def test_killed_ingestion_leaves_whole_documents_and_resumes(tmp_path):
    batch = make_batch(tmp_path / "batch", 6)
    db_path = tmp_path / "rapports.db"
    process = subprocess.Popen([sys.executable, "-m", "extract", "ingest", "--quiet",
                                str(batch), "--db", str(db_path), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and stored < 2:
        time.sleep(0.2)
        if db_path.exists():
            try:
                stored = sqlite3.connect(db_path).execute(
                    "select count(*) from documents").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
    process.send_signal(signal.SIGKILL)
    process.wait()
    documents, orphans, without_sections = consistent(db_path)
    assert 2 <= len(documents) < 24, "the kill should land midway"
    assert orphans == 0 and without_sections == 0
    resumed = ingest([batch], db_path, workers=2)
    assert len(resumed.skipped) == len(documents)
    assert len(resumed.ingested) == 24 - len(documents)
    documents, orphans, without_sections = consistent(db_path)
    assert len(documents) == 24 and orphans == 0 and without_sections == 0


def test_time_limit_per_document_fails_it_and_goes_on(tmp_path):
    batch = tmp_path / "one"
    batch.mkdir()
    big = (CORPUS / "002_507d8463a72af1be.txt").read_text(encoding="utf-8")
    (batch / "huge.txt").write_text(big * 60, encoding="utf-8")  # ~6 MB, far over 8 s
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", batch)
    result = ingest([batch], tmp_path / "t.db", workers=1, timeout=8)
    assert [name.split("/")[-1] for name in result.ingested] == ["004_f10ab5db119ef443.txt"]
    assert len(result.failed) == 1 and "huge.txt" in result.failed[0][0]
    assert "longer than the 8 s limit per document" in result.failed[0][1]
