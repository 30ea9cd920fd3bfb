"""Batch ingestion: parallel workers, killed runs leave whole documents only and resume, two runs
on one database lose and duplicate nothing, no worker outlives its batch, counts are truthful."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlite_utils
from conftest import CORPUS, corpus_files

from extract.ingest import ingest

CORPUS_SIZE = len(corpus_files())


def make_batch(folder, copies):
    folder.mkdir()
    for copy in range(copies):
        for path in corpus_files():
            text = path.read_text(encoding="utf-8")
            (folder / f"{path.stem}_{copy}.txt").write_text(text + f"\n\ncopie {copy}\n",
                                                            encoding="utf-8")
    return folder


def consistent(db_path):
    """The stored document ids, and the count of rows that break 'whole documents only'."""
    db = sqlite_utils.Database(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    documents = {row["id"] for row in db["documents"].rows}
    broken = db.execute("select count(*) from sections where document_id not in "
                        "(select id from documents)").fetchone()[0]
    broken += db.execute("select count(*) from indicators where document_id not in "
                         "(select id from documents)").fetchone()[0]
    broken += db.execute("select count(*) from documents where id not in "
                         "(select document_id from sections)").fetchone()[0]
    return documents, broken


def ingest_command(batch, db_path, workers=1):
    return subprocess.Popen([sys.executable, "-m", "extract", "ingest", "--quiet", str(batch),
                             "--db", str(db_path), "--workers", str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored_count(db_path):
    try:
        return sqlite3.connect(db_path).execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_parallel_ingest_matches_serial(tmp_path):
    """One worker (its reader process finds each document's structure, the worker links it) and
    two workers (each does all of a document) store the same rows."""
    batch = make_batch(tmp_path / "batch", 2)
    serial = ingest([batch], tmp_path / "serial.db", workers=1)
    parallel = ingest([batch], tmp_path / "parallel.db", workers=2)
    assert len(serial.ingested) == len(parallel.ingested) == 2 * CORPUS_SIZE
    stored = ("select d.name, i.indicator, i.value, i.unit, i.year, i.scope, i.page, i.start, "
              "i.evidence, i.method, i.confidence, s.title, d.warnings from indicators i "
              "join documents d on d.id = i.document_id left join sections s on s.id = i.section_id "
              "order by d.name, i.start, i.indicator")
    rows = sqlite3.connect(tmp_path / "serial.db").execute(stored).fetchall()
    assert len(rows) > 100 * CORPUS_SIZE
    assert rows == sqlite3.connect(tmp_path / "parallel.db").execute(stored).fetchall()
    mode = sqlite3.connect(tmp_path / "parallel.db").execute("pragma journal_mode").fetchone()
    assert mode[0] == "wal"


@pytest.mark.slow
def test_killed_at_five_points_leaves_whole_documents_and_resumes(tmp_path):
    """SIGKILL a real batch after 1, 3, 5, 8 and 11 stored documents (and once more during the
    first document); every time the database is intact, and the last run finishes the rest."""
    batch = make_batch(tmp_path / "batch", 3)
    total = 3 * CORPUS_SIZE
    db_path = tmp_path / "rapports.db"
    before = 0
    for point in [0, 1, 3, 5, 8, 11]:
        process = ingest_command(batch, db_path, workers=2)
        deadline = time.time() + 120
        while time.time() < deadline and stored_count(db_path) < point and process.poll() is None:
            time.sleep(0.05)
        if point == 0:
            time.sleep(1.5)  # inside the first document
        workers = children_of(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        documents, broken = consistent(db_path)
        assert broken == 0
        assert before <= len(documents) < total, f"the kill at {point} should land midway"
        before = len(documents)
        time.sleep(0.5)
        assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")
                    and "Z" not in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1][:3]]
    resumed = ingest([batch], db_path, workers=2)
    assert len(resumed.unchanged) == before
    assert len(resumed.ingested) == total - before
    documents, broken = consistent(db_path)
    assert len(documents) == total and broken == 0


def test_sigterm_stops_the_batch_and_its_workers(tmp_path):
    batch = make_batch(tmp_path / "batch", 2)
    db_path = tmp_path / "rapports.db"
    process = ingest_command(batch, db_path, workers=2)
    deadline = time.time() + 120
    while time.time() < deadline and stored_count(db_path) < 1:
        time.sleep(0.05)
    workers = children_of(process.pid)
    assert workers, "the batch runs in worker processes"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0 and "Traceback" not in stderr
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
    assert consistent(db_path)[1] == 0


def test_two_runs_on_one_database_lose_and_duplicate_nothing(tmp_path):
    batch = make_batch(tmp_path / "batch", 2)
    db_path = tmp_path / "rapports.db"
    runs = [ingest_command(batch, db_path, workers=1) for _ in range(3)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
        assert "locked" not in stderr and "Traceback" not in stderr
    documents, broken = consistent(db_path)
    assert len(documents) == 2 * CORPUS_SIZE and broken == 0
    rows = sqlite3.connect(db_path).execute("select count(*), count(distinct id) from documents")
    assert rows.fetchone() == (2 * CORPUS_SIZE, 2 * CORPUS_SIZE)


def test_summary_counts_copies_once_and_says_so(tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir()
    for copy in range(7):
        shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", folder / f"copie_{copy}.txt")
    db_path = tmp_path / "c.db"
    first = ingest([folder], db_path, workers=2)
    assert len(first.ingested) == 1 and len(first.duplicates) == 6
    assert "1 ingested, 0 unchanged, 6 duplicate content" in first.summary
    second = ingest([folder], db_path, workers=2)
    assert len(second.unchanged) == 1 and len(second.duplicates) == 6 and not second.ingested
    assert sqlite_utils.Database(db_path)["documents"].count == 1


def test_time_limit_per_document_fails_it_and_goes_on(tmp_path):
    batch = tmp_path / "one"
    batch.mkdir()
    big = (CORPUS / "002_507d8463a72af1be.txt").read_text(encoding="utf-8")
    (batch / "huge.txt").write_text(big * 60, encoding="utf-8")  # ~6 MB, far over 8 s
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", batch)
    result = ingest([batch], tmp_path / "t.db", workers=1, timeout=8)
    assert [name.split("/")[-1] for name in result.ingested] == ["004_f10ab5db119ef443.txt"]
    assert len(result.failed) == 1 and "huge.txt" in result.failed[0][0]
    assert "longer than the 8 s limit" in result.failed[0][1]


def test_memory_limit_holds_with_one_worker(tmp_path):
    report = tmp_path / "long_line.txt"
    line = "CCAS : " + " ".join(f"{n} personnes accueillies" for n in range(200_000))
    report.write_text(line, encoding="utf-8")  # one 5 MB line: 600,000 tokens, over 380 MB
    result = ingest([report], tmp_path / "m.db", workers=1, memory_mb=380, timeout=60)
    assert not result.ingested
    assert "memory" in result.failed[0][1] or "worker process" in result.failed[0][1]
