"""Faults around a batch: a full disk ends it with one line and a whole database; the next run
finishes the rest."""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
import sys

from conftest import CORPUS, corpus_files


def limited_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_disk_full_is_one_line_and_the_next_run_finishes(tmp_path):
    db_path = tmp_path / "rapports.db"
    command = [sys.executable, "-m", "extract", "ingest", "--quiet", str(CORPUS), "--db",
               str(db_path), "--workers", "1"]
    full = subprocess.run(command, preexec_fn=limited_file_size(400_000), capture_output=True,
                          text=True, timeout=600)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and str(db_path) in errors[0] and "disk" in errors[0]
    connection = sqlite3.connect(db_path)
    assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = connection.execute("select count(*) from documents").fetchone()[0]
    assert stored < len(corpus_files())
    assert not connection.execute("select count(*) from documents where id not in "
                                  "(select document_id from sections)").fetchone()[0]
    connection.close()
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{len(corpus_files()) - stored} ingested, {stored} unchanged" in again.stdout
