"""`workers.run_ahead`: one worker process that starts the next task while the caller handles a
result, in order, with the limits and failures of the pool (real processes, no mocks)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from extract.workers import run_ahead


def _square(item: tuple[Path, int]) -> tuple[str, int]:
    folder, number = item
    (folder / f"{number}.started").write_text("", encoding="utf-8")
    if number == 3:
        os._exit(3)  # dies: a crash in C code looks like this to the caller
    if number == 5:
        time.sleep(60)  # never answers: killed past the time limit and its grace
    return "ok", number * number


def test_results_in_order_the_next_task_started_early_and_failures_kept_to_their_task(tmp_path):
    tasks = [(tmp_path, number) for number in range(7)]
    results = run_ahead(_square, tasks, timeout=1)
    task, result = next(results)
    assert (task, result) == (tasks[0], ("ok", 0))
    deadline = time.monotonic() + 10
    while not (tmp_path / "1.started").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "1.started").exists(), "the next task runs while the caller holds a result"
    rest = dict((number, result) for (_, number), result in results)
    assert rest[1] == ("ok", 1) and rest[2] == ("ok", 4) and rest[4] == ("ok", 16)
    assert rest[3] == ("error", "worker process exited (code 3)")
    assert rest[5] == ("error", "took longer than the 1 s limit")
    assert rest[6] == ("ok", 36)  # a fresh worker after each failure
    assert list(rest) == [1, 2, 3, 4, 5, 6]


def _started(item: tuple[Path, int]) -> tuple[str, int]:
    folder, number = item
    (folder / f"{number}.started").write_text("", encoding="utf-8")
    return "ok", number


def test_a_pool_worker_starts_its_next_task_before_its_result_is_handled(tmp_path):
    """While the caller stores a result, the worker that gave it is already on the next task."""
    from extract.workers import run_tasks

    results = run_tasks(_started, [(tmp_path, number) for number in range(3)], workers=1)
    assert next(results)[1] == ("ok", 0)
    assert (tmp_path / "1.started").exists() or _appears(tmp_path / "1.started")
    assert [result for _, result in results] == [("ok", 1), ("ok", 2)]


def _appears(path: Path, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.exists()


def test_closing_early_stops_the_worker(tmp_path):
    results = run_ahead(_square, [(tmp_path, 0), (tmp_path, 1), (tmp_path, 2)])
    next(results)
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    assert children
    results.close()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in children) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert not (tmp_path / "2.started").exists()


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][:1]
    except (OSError, IndexError):
        return "Z"


def _rows(db: Path) -> dict[str, list]:
    import sqlite3

    connection = sqlite3.connect(db)
    tables = {}
    for table in ("documents", "sections", "indicators"):
        columns = [row[1] for row in connection.execute(f"pragma table_info({table})")
                   if row[1] not in ("id", "document_id", "ingested_at")]
        listed = ", ".join(f"[{c}]" for c in columns)
        tables[table] = sorted(map(repr, connection.execute(f"select {listed} from {table}")))
    return tables


def test_a_batch_read_ahead_stores_what_workers_reading_their_own_files_store(tmp_path, real_pdfs):
    """`--workers 1` on several files reads ahead in a reader process (on a machine of more than
    one core); two workers read their own files. The same rows, summary and failures."""
    import shutil

    from conftest import corpus_files

    from extract.ingest import _pipelined, ingest

    batch = tmp_path / "batch"
    batch.mkdir()
    good = [*corpus_files()[:3], *sorted(real_pdfs, key=lambda p: p.stat().st_size)[:2]]
    for path in good:
        shutil.copy(path, batch)
    (batch / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF\n")
    (batch / "notes.txt").write_text("liste de courses : pain, lait\n", encoding="utf-8")
    ahead = ingest([batch], tmp_path / "ahead.db", workers=1)
    assert _pipelined(1, 7) == ((os.cpu_count() or 1) > 1)
    pool = ingest([batch], tmp_path / "pool.db", workers=2)
    assert ahead.summary == pool.summary
    assert len(ahead.ingested) == len(good) and len(ahead.failed) == 1 and len(ahead.not_reports) == 1
    assert sorted(ahead.failed) == sorted(pool.failed)
    assert sorted(ahead.not_reports) == sorted(pool.not_reports)
    ours, theirs = _rows(tmp_path / "ahead.db"), _rows(tmp_path / "pool.db")
    assert len(ours["indicators"]) > 100
    assert ours == theirs


def _collector_state(_task) -> tuple[str, tuple]:
    import gc

    return "ok", (gc.get_threshold(), gc.get_freeze_count() > 0, gc.isenabled())


def test_workers_collect_at_their_own_pace_and_the_caller_keeps_its_own():
    """A worker freezes what it loaded and collects young objects less often (a tenth of its
    CPU at the default pace); the process that starts it is left as it was."""
    import gc

    from extract.workers import GC_YOUNG_OBJECTS, run_tasks

    before = gc.get_threshold()
    for results in (run_tasks(_collector_state, [1]), run_ahead(_collector_state, [1])):
        ((_, (status, (threshold, frozen, enabled))),) = list(results)
        assert status == "ok" and threshold[0] == GC_YOUNG_OBJECTS and frozen and enabled
    assert gc.get_threshold() == before
