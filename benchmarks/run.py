"""Benchmarks as users run the tool: whole processes, measured side by side in one run.

Prints, on this machine:

1. start-up: wall time of `ccas-extract --help` and of `ccas-extract ingest` of a one-page PDF
   (a whole process each, median of three);
2. the shared PDFs five times over (distinct bytes: a comment appended to each copy): raw
   pypdfium2 text extraction in this process, then whole-process `ccas-extract ingest` with one
   worker (and its reader process, which reads the next file meanwhile) and with one per core,
   in pages/s and as a ratio to raw;
3. scale: `--scale N` generated text reports (windows of the corpus with varied figures, distinct
   bytes) ingested in three steps into one database (to 1 %, 10 % and 100 % of N), time per
   document at each step, and the peak memory (VmHWM) of the main process and of each worker;
4. in one process, models loaded: each PDF reader's pages/s beside raw pypdfium2 (CPU time, best
   of `--rounds` rounds taken in turns), extraction's words/s on the text corpus beside spaCy's
   tokenizer alone, and the CPU time of the number grammar (1 MB and 2 MB of text on one line)
   and of the heading tree (1 MB and 2 MB of reports): linear is ratio 2.

    python benchmarks/run.py [--copies 5] [--scale 10000] [--rounds 5]   # --scale 0 skips part 3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_DIR = ROOT.parent / "shared" / "pdf"
COMMAND = [sys.executable, "-m", "extract"]


def wall(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def raw_pdfium(paths: list[Path]) -> tuple[int, float]:
    import pypdfium2 as pdfium

    pages, started = 0, time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages, time.perf_counter() - started


def one_page_pdf(source: Path, target: Path) -> Path:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(str(source)), [0])
    pdf.save(str(target))
    return target


def watch(pid: int, peaks: dict[int, int], cpu: dict[int, float]) -> None:
    """Record into `peaks` the VmHWM (kB) of `pid` and its descendants, and into `cpu` the CPU
    seconds each has used so far."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return
    for child in children:
        watch(int(child), peaks, cpu)


def children_cpu() -> float:
    """CPU seconds (user and system) of the waited-for children of this process and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Watched:
    """A whole `ingest` process as `watched_ingest` saw it (children in the order they started:
    with one worker, the worker, then its reader)."""

    seconds: float  # wall time
    main_mb: int  # peak memory of the main process
    children_mb: list[int]  # peak memory of each child
    cpu: float  # CPU seconds of all the processes
    main_cpu: float  # CPU seconds of the main process (last seen, every 0.2 s)
    children_cpu: list[float]  # the same, for each child


def watched_ingest(args: list[str]) -> Watched:
    """Run `ingest` as a process, watching its memory and CPU and those of its children."""
    started, cpu = time.perf_counter(), children_cpu()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[int, int] = {}
    used: dict[int, float] = {}
    while process.poll() is None:
        watch(process.pid, peaks, used)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    main_mb, main_cpu = peaks.pop(process.pid, 0) // 1024, used.pop(process.pid, 0.0)
    return Watched(seconds, main_mb, [peaks[pid] // 1024 for pid in sorted(peaks)],
                   children_cpu() - cpu, main_cpu, [used[pid] for pid in sorted(used)])


def startup(work: Path, pdfs: list[Path]) -> None:
    one = one_page_pdf(pdfs[0], work / "one_page.pdf")
    helps, ingests = [], []
    for attempt in range(3):
        helps.append(wall([*COMMAND, "--help"]))
        ingests.append(wall([*COMMAND, "ingest", "--quiet", str(one), "--workers", "1",
                             "--db", str(work / f"one{attempt}.db")]))
    print(f"{'ccas-extract --help':44} {statistics.median(helps):8.2f} s")
    print(f"{'ccas-extract ingest, one-page PDF':44} {statistics.median(ingests):8.2f} s")


def shared_pdfs(work: Path, pdfs: list[Path], copies: int) -> float:
    batch = work / "pdf"
    batch.mkdir()
    for copy in range(copies):
        for pdf in pdfs:
            target = batch / f"{pdf.stem}_{copy}.pdf"
            target.write_bytes(pdf.read_bytes() + f"\n% copy {copy}\n".encode())
    files = sorted(batch.glob("*.pdf"))
    pages, seconds = raw_pdfium(files)
    raw = pages / seconds
    print(f"{len(files)} PDFs, {pages} pages (the shared PDFs {copies} times, distinct bytes)")
    print(f"{'pypdfium2 raw text, in process':44} {raw:8.1f} pages/s")
    for workers in sorted({1, os.cpu_count() or 1}):
        run = watched_ingest([*COMMAND, "ingest", "--quiet", str(batch), "--workers",
                              str(workers), "--db", str(work / f"pdf{workers}.db")])
        rate = pages / run.seconds
        # With one worker, a reader process reads the next file and finds its structure
        # meanwhile (README, Benchmarks).
        children = "worker and reader" if workers == 1 and len(run.children_mb) > 1 else "workers"
        print(f"{f'ingest whole process, {workers} worker(s)':44} {rate:8.1f} pages/s  "
              f"({rate / raw:.2f} of raw; {run.seconds:.1f} s; main {run.main_mb} MB, "
              f"{children} {', '.join(map(str, run.children_mb))} MB)")
        # the work itself, whatever the number of processes: pages per CPU second of all of
        # them, beside raw pypdfium2's pages per second of one core
        print(f"{'  CPU of all its processes':44} {run.cpu:8.1f} s  ({pages / run.cpu:.1f} pages "
              f"per CPU second, {pages / run.cpu / raw:.2f} of raw; main {run.main_cpu:.1f} s, "
              f"{children} {', '.join(f'{c:.1f}' for c in run.children_cpu)} s)")
    return raw


def generated_reports(folder: Path, count: int, start: int = 0) -> None:
    """`count` text reports: windows of 120 corpus lines, every figure varied, distinct bytes."""
    lines = [path.read_text(encoding="utf-8").splitlines() for path in
             sorted((ROOT / "corpus").glob("*.txt"))]
    folder.mkdir(exist_ok=True)
    for number in range(start, start + count):
        chosen = random.Random(number)
        source = lines[number % len(lines)]
        first = chosen.randrange(max(1, len(source) - 120))
        text = "\n".join(source[first:first + 120])
        text = re.sub(r"\d+", partial(_vary, chosen), text)
        header = f"CCAS - RAPPORT D'ACTIVITÉ {2015 + number % 10}\n\nrapport n° {number}\n\n"
        (folder / f"rapport_{number:05d}.txt").write_text(header + text + "\n", encoding="utf-8")


def _vary(chosen: random.Random, match: re.Match) -> str:
    return str(max(1, int(match.group()) + chosen.randint(-3, 3)))


def steady_ms_per_document(db: Path, before: int) -> float:
    """Milliseconds per document between the first and the last document of a step written."""
    import sqlite3
    from datetime import datetime

    rows = sqlite3.connect(db).execute("select ingested_at from documents order by rowid "
                                       "limit -1 offset ?", [before]).fetchall()
    times = [datetime.fromisoformat(row[0]) for row in rows]
    if len(times) < 2:
        return float("nan")
    return 1000 * (max(times) - min(times)).total_seconds() / (len(times) - 1)


def scale(work: Path, total: int) -> None:
    db = work / "scale.db"
    done = 0
    workers = os.cpu_count() or 1
    print(f"scale: {total} generated text reports into one database, {workers} workers")
    for target in sorted({max(1, total // 100), max(1, total // 10), total}):
        step = work / f"step_{target}"
        generated_reports(step, target - done, start=done)
        run = watched_ingest(
            [*COMMAND, "ingest", "--quiet", str(step), "--workers", str(workers), "--db", str(db)])
        steady = steady_ms_per_document(db, done)
        print(f"{f'documents {done + 1}-{target}':44} {1000 * run.seconds / (target - done):8.1f} "
              f"ms per document, start-up included; {steady:.1f} ms between the first and last "
              f"document written  (main {run.main_mb} MB, workers "
              f"{', '.join(map(str, run.children_mb))} MB)")
        shutil.rmtree(step)
        done = target


def raw_pdfium_pass(paths: list[Path]) -> int:
    """pypdfium2's text layer alone, page by page: what any pdfium-based reader pays."""
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def best_cpu_seconds(passes: dict[str, Callable[[], int]], rounds: int) -> dict[str, tuple]:
    """Pages and the best CPU time of each pass over `rounds` rounds, the passes taking turns so
    that each sees the same machine (other processes on the cores slow all of them alike)."""
    best: dict[str, tuple] = {}
    for _ in range(rounds):
        for name, run in passes.items():
            started = time.process_time()
            pages = run()
            seconds = time.process_time() - started
            if name not in best or seconds < best[name][1]:
                best[name] = (pages, seconds)
    return best


def components(pdfs: list[Path], rounds: int) -> None:
    """In this process (models loaded): each PDF reader's pages/s beside raw pypdfium2 (CPU time,
    best of `rounds` rounds taken in turns: a wall-clock figure on a shared machine varies by more
    than the differences it is read for), and extraction's words/s on the text corpus beside
    spaCy's tokenizer alone."""
    sys.path.insert(0, str(ROOT))
    from extract.nlp import alias_pipeline, fresh_tokenizer
    from extract.pipeline import process
    from extract.reader import read_document

    def reader_pass(reader: str) -> int:
        return sum(len(read_document(path, pdf_reader=reader).pages) for path in pdfs)

    timings = best_cpu_seconds({"raw": lambda: raw_pdfium_pass(pdfs),
                                "pdfium": partial(reader_pass, "pdfium")}, rounds)
    timings |= best_cpu_seconds({"pdfplumber": partial(reader_pass, "pdfplumber")}, 1)
    raw = timings["raw"][0] / timings["raw"][1]
    print(f"{'raw pypdfium2, in process (CPU, best of ' + str(rounds) + ')':44} {raw:8.1f} pages/s")
    for reader in ("pdfium", "pdfplumber"):
        pages, seconds = timings[reader]
        rate = pages / seconds
        print(f"{'reader ' + reader + ', in process (CPU)':44} {rate:8.1f} pages/s  "
              f"({rate / raw:.2f} of raw)")
    documents = [read_document(path) for path in sorted((ROOT / "corpus").glob("*.txt"))]
    words = sum(len(d.text.split()) for d in documents)
    process(documents[0])  # load the models once
    started = time.perf_counter()
    for document in documents:
        process(document)
    extracting = time.perf_counter() - started
    # A fresh tokenizer: the pipeline's has cached the chunks of these texts while extracting.
    tokenizer = fresh_tokenizer(alias_pipeline().tokenizer)
    started = time.perf_counter()
    for document in documents:
        tokenizer(document.plain)
    tokenizing = time.perf_counter() - started
    print(f"{'extraction of the text corpus, in process':44} {words / extracting:8.0f} words/s  "
          f"(spaCy tokenizer alone {words / tokenizing:.0f} words/s)")


def quantities_scaling(texts: list[Path]) -> tuple[float, float]:
    """CPU seconds of `find_quantities` on 1 MB and 2 MB of corpus text, one line each (the worst
    case for anything that looks for the line around a number): linear cost doubles."""
    from extract.quantities import find_quantities

    base = " ".join(path.read_text(encoding="utf-8").replace("\n", " ") for path in texts)
    find_quantities(base[:1000])  # load the word lists once
    seconds = []
    for size in (1_000_000, 2_000_000):
        text = (base * (size // len(base) + 1))[:size]
        started = time.process_time()
        find_quantities(text)
        seconds.append(time.process_time() - started)
    return seconds[0], seconds[1]


def sections_scaling(texts: list[Path]) -> tuple[float, float]:
    """CPU seconds of `find_sections` on 1 MB and 2 MB of report text: the corpus reports one
    after another, pages kept, numbers varied in each copy (so that years and counts differ as in
    a real long report), then read as a text file: linear cost doubles."""
    from extract.reader import read_text
    from extract.sections import find_sections

    reports = [path.read_text(encoding="utf-8") for path in texts]
    find_sections(read_text(texts[0]))  # load the word lists once
    seconds = []
    with tempfile.TemporaryDirectory(prefix="ccas-sections-") as folder:
        for size in (1_000_000, 2_000_000):
            parts: list[str] = []
            copy = 0
            while sum(map(len, parts)) < size:
                parts.extend(re.sub(r"\d+", lambda m, c=copy: str(int(m.group()) + c), report)
                             for report in reports)
                copy += 1
            path = Path(folder) / f"long_{size}.txt"
            path.write_text("\f".join(parts)[:size], encoding="utf-8")
            document = read_text(path)
            started = time.process_time()
            find_sections(document)
            seconds.append(time.process_time() - started)
    return seconds[0], seconds[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5, help="copies of each shared PDF")
    parser.add_argument("--scale", type=int, default=10_000, help="generated reports (0: skip)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the PDF reader timings")
    args = parser.parse_args()
    pdfs = sorted(PDF_DIR.glob("*.pdf"))
    print(f"machine: {os.cpu_count()} cores; {len(pdfs)} shared PDFs; whole processes of "
          f"`{' '.join(Path(c).name for c in COMMAND)}`")
    # The package's bytecode, as an installed package has it (pip compiles what it installs; an
    # environment with PYTHONDONTWRITEBYTECODE set would otherwise compile every module at every
    # start of the command).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "extract")], check=True)
    work = Path(tempfile.mkdtemp(prefix="ccas-bench-"))
    try:
        startup(work, pdfs)
        shared_pdfs(work, pdfs, args.copies)
        if args.scale:
            scale(work, args.scale)
        components(pdfs, args.rounds)
        texts = sorted((ROOT / "corpus").glob("*.txt"))
        one_mb, two_mb = quantities_scaling(texts)
        print(f"{'numbers of 1 MB / 2 MB, one line':44} {one_mb:8.2f} s / {two_mb:.2f} s CPU  "
              f"(ratio {two_mb / one_mb:.2f}, linear 2.00)")
        one_mb, two_mb = sections_scaling(texts)
        print(f"{'sections of 1 MB / 2 MB of reports':44} {one_mb:8.2f} s / {two_mb:.2f} s CPU  "
              f"(ratio {two_mb / one_mb:.2f}, linear 2.00)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
