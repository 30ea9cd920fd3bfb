"""Worker processes with limits that hold: one task at a time each, killed when over time.

`run_tasks(function, tasks, workers=…)` yields ``(task, result)`` as each task finishes, so the
caller can write and drop every result at once (bounded memory in the main process). Every task
runs in a child process, even with one worker, so that:

- the memory limit (``RLIMIT_AS``) applies to the child only, and a task that exceeds it fails
  alone, with a ``MemoryError`` or as a dead worker replaced by a fresh one;
- the time limit holds even inside C code: the child's ``SIGALRM`` fails the task cleanly, and a
  child still busy a few seconds after the limit is killed from outside;
- the children die with the main process (``PR_SET_PDEATHSIG`` on Linux, and a watch on the
  parent id elsewhere): a ``SIGKILL`` of ``ingest`` leaves no worker behind.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

# Seconds a worker may stay busy past the time limit before it is killed from outside.
KILL_GRACE = 5.0
# A worker makes millions of short-lived objects per report (models, tuples, matches) beside the
# models it keeps for its whole life: at the collector's default pace (a young pass every 700
# new objects, older passes over every object loaded) collecting took about a tenth of its CPU.
# What is loaded before the first task is frozen out of collections, and young passes run every
# GC_YOUNG_OBJECTS new objects (reference counting frees almost everything anyway).
GC_YOUNG_OBJECTS = 100_000
_PR_SET_PDEATHSIG = 1


class TimeLimit(Exception):
    """The task ran past its time limit."""


def _on_alarm(signum, frame):  # pragma: no cover - signal handler
    raise TimeLimit()


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at `memory_mb` MB (no cap for 0 or None)."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def die_with_parent() -> None:
    """Make this child process exit when its parent dies, however the parent dies."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: watch the parent id instead
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def pace_collector() -> None:
    """Freeze the objects loaded so far out of garbage collection and collect the young ones
    every `GC_YOUNG_OBJECTS` new objects (see above)."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_OBJECTS, 20, 20)


def call_with_time_limit(function: Callable[..., Any], args: tuple, timeout: int | None) -> Any:
    """Call `function(*args)`, raising `TimeLimit` after `timeout` seconds (main thread only)."""
    if not timeout:
        return function(*args)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    try:
        return function(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _worker_main(connection: Connection, function: Callable, memory_mb: int | None,
                 warm_up: Callable[[], Any] | None) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit_memory(memory_mb)
    if warm_up:
        try:
            warm_up()
        except Exception:  # noqa: BLE001, S110 - the first task meets the same error and reports it
            pass
    pace_collector()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(function(task))


class _Worker:
    def __init__(self, context, function: Callable, memory_mb: int | None,
                 warm_up: Callable[[], Any] | None = None):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main,
                                       args=(child, function, memory_mb, warm_up), daemon=True)
        self.process.start()
        child.close()
        self.task: Any = None
        self.started = 0.0

    def give(self, task: Any) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(task)

    def stop(self, kill: bool = False) -> None:
        if self.process.is_alive():
            if kill:
                self.process.kill()
            else:
                try:
                    self.connection.send(None)
                except OSError:
                    pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def describe_death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:
            return f"worker process killed ({name}: out of memory?)"
        return f"worker process died ({name})"
    return f"worker process exited (code {exitcode})"


class WorkerPool:
    """Worker processes started at once (each running `warm_up` while the caller prepares its
    tasks), then fed one task at a time by `run`."""

    def __init__(self, function: Callable[[Any], Any], *, workers: int = 1,
                 memory_mb: int | None = None, timeout: int | None = None,
                 warm_up: Callable[[], Any] | None = None):
        self.function, self.memory_mb, self.timeout = function, memory_mb, timeout
        self.context = multiprocessing.get_context("fork")
        self.count = max(1, workers)
        self.warm_up = warm_up
        self.idle = [self._start() for _ in range(self.count)]
        self.busy: dict[Connection, _Worker] = {}

    def _start(self) -> _Worker:
        return _Worker(self.context, self.function, self.memory_mb, self.warm_up)

    def run(self, tasks: Iterable[Any]) -> Iterator[tuple[Any, tuple[str, Any]]]:
        """Run `function(task)` for each task; yield (task, result) as each ends.

        A worker that dies or outlives `timeout` + `KILL_GRACE` yields ``("error", reason)`` for
        its task and is replaced. `function` should catch its own errors and return a picklable
        value. A worker freed by a result starts its next task before the result is yielded:
        it works while the caller stores the result.
        """
        pending = iter(tasks)
        busy, timeout = self.busy, self.timeout
        exhausted = False

        def fill() -> bool:  # give a task to every free worker; False once no task is left
            while len(busy) < self.count:
                task = next(pending, _END)
                if task is _END:
                    return False
                self._give(task)
            return True

        while True:
            exhausted = exhausted or not fill()
            if not busy:
                return
            wait_for = 1.0
            if timeout:
                soonest = min(w.started for w in busy.values()) + timeout + KILL_GRACE
                wait_for = max(0.05, min(wait_for, soonest - time.monotonic()))
            done = []
            for connection in wait(list(busy), timeout=wait_for):
                worker = busy.pop(connection)
                try:
                    result = connection.recv()
                except (EOFError, OSError):
                    worker.process.join(timeout=5)
                    result = ("error", describe_death(worker.process.exitcode))
                    worker.stop(kill=True)
                else:
                    self.idle.append(worker)
                done.append((worker.task, result))
            if timeout:
                now = time.monotonic()
                for connection, worker in list(busy.items()):
                    if now - worker.started > timeout + KILL_GRACE:
                        del busy[connection]
                        worker.stop(kill=True)
                        done.append((worker.task, ("error", f"took longer than the {timeout} s limit")))
            exhausted = exhausted or not fill()
            yield from done

    def _give(self, task: Any) -> None:
        """Start `task` on an idle worker (a fresh one when none is idle or the idle one died)."""
        worker = _given(self.idle.pop() if self.idle else self._start(), task, self._start)
        self.busy[worker.connection] = worker

    def close(self) -> None:
        # Idle workers hold nothing worth waiting for (one may still be warming up).
        for worker in [*self.idle, *self.busy.values()]:
            worker.stop(kill=True)
        self.idle, self.busy = [], {}


def run_ahead(function: Callable[[Any], Any], tasks: Iterable[Any], *,
              memory_mb: int | None = None, timeout: int | None = None,
              ) -> Iterator[tuple[Any, tuple[str, Any]]]:
    """Run `function(task)` for each task, in order, in one worker process that starts the next
    task as soon as it hands over a result: what the caller does with a result overlaps the next
    task. Limits and failures as in `WorkerPool.run`; the worker is stopped when the iteration
    ends or is closed."""
    context = multiprocessing.get_context("fork")

    def start() -> _Worker:
        return _Worker(context, function, memory_mb)

    pending = iter(tasks)
    worker = start()
    try:
        task = next(pending, _END)
        if task is not _END:
            worker = _given(worker, task, start)
        while task is not _END:
            result, dead = _result_of(worker, timeout)
            following = next(pending, _END)
            if following is not _END:
                worker = _given(start() if dead else worker, following, start)
            yield task, result
            task = following
    finally:
        worker.stop(kill=True)


def _given(worker: _Worker, task: Any, start: Callable[[], _Worker]) -> _Worker:
    """`worker` running `task`, or a fresh worker from `start` running it when `worker` died
    since its last task."""
    try:
        worker.give(task)
    except OSError:
        worker.stop(kill=True)
        worker = start()
        worker.give(task)
    return worker


def _result_of(worker: _Worker, timeout: int | None) -> tuple[tuple[str, Any], bool]:
    """The result of the task `worker` runs, and whether the worker died or was killed."""
    while True:
        wait_for = None
        if timeout:
            wait_for = max(0.05, worker.started + timeout + KILL_GRACE - time.monotonic())
        if wait([worker.connection], timeout=wait_for):
            try:
                return worker.connection.recv(), False
            except (EOFError, OSError):
                worker.process.join(timeout=5)
                result = ("error", describe_death(worker.process.exitcode))
                worker.stop(kill=True)
                return result, True
        elif timeout and time.monotonic() - worker.started > timeout + KILL_GRACE:
            worker.stop(kill=True)
            return ("error", f"took longer than the {timeout} s limit"), True


def run_tasks(function: Callable[[Any], Any], tasks: Iterable[Any], *, workers: int = 1,
              memory_mb: int | None = None, timeout: int | None = None,
              ) -> Iterator[tuple[Any, tuple[str, Any]]]:
    """`WorkerPool(function, …).run(tasks)`, the pool closed when the iteration ends."""
    pool = WorkerPool(function, workers=workers, memory_mb=memory_mb, timeout=timeout)
    try:
        yield from pool.run(tasks)
    finally:
        pool.close()


_END = object()
