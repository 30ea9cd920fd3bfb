"""Benchmarks, measured side by side in one run on this machine (not timed tests).

Prints: pages/s of each PDF reader on the real PDFs; words/s of extraction on the text corpus and
its ratio to spaCy tokenisation alone; how the cost of numbers and of sections grows from 1 MB to
2 MB of text; end-to-end pages/s of `ingest` with 1 and N workers on a corpus made by repeating
the real PDFs; peak memory per worker; the ratio of the end-to-end rate to the raw pypdfium2
text-extraction rate on the same files.

    python benchmarks/run.py [--copies 4]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.ingest import ingest  # noqa: E402
from extract.pipeline import process  # noqa: E402
from extract.reader import read_document  # noqa: E402

PDF_DIR = ROOT.parent / "shared" / "pdf"


def raw_pdfium_rate(paths: list[Path]) -> tuple[int, float]:
    import pypdfium2 as pdfium

    pages, started = 0, time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages, time.perf_counter() - started


def reader_rate(paths: list[Path], reader: str) -> tuple[int, float]:
    pages, started = 0, time.perf_counter()
    for path in paths:
        pages += len(read_document(path, pdf_reader=reader).pages)
    return pages, time.perf_counter() - started


def extraction_rate(paths: list[Path]) -> tuple[int, float, float]:
    from extract.nlp import alias_pipeline

    documents = [read_document(p) for p in paths]
    words = sum(len(d.text.split()) for d in documents)
    process(documents[0])  # load models once
    started = time.perf_counter()
    for document in documents:
        process(document)
    extract_seconds = time.perf_counter() - started
    tokenizer = alias_pipeline().tokenizer
    started = time.perf_counter()
    for document in documents:
        tokenizer(document.plain)
    return words, extract_seconds, time.perf_counter() - started


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
    parser.add_argument("--copies", type=int, default=3, help="copies of each real PDF")
    args = parser.parse_args()
    pdfs = sorted(PDF_DIR.glob("*.pdf"))
    texts = sorted((ROOT / "corpus").glob("*.txt"))
    print(f"machine: {os.cpu_count()} cores; {len(pdfs)} real PDFs, {len(texts)} text reports")
    raw_pages, raw_seconds = raw_pdfium_rate(pdfs)
    raw = raw_pages / raw_seconds
    print(f"{'pypdfium2 raw text layer':34} {raw:9.1f} pages/s")
    for reader in ("pdfium", "pdfplumber"):
        pages, seconds = reader_rate(pdfs, reader)
        print(f"{'reader ' + reader:34} {pages / seconds:9.1f} pages/s  "
              f"({pages / seconds / raw:.2f} of raw)")
    words, extract_s, token_s = extraction_rate(texts)
    print(f"{'extraction (text corpus)':34} {words / extract_s:9.0f} words/s  "
          f"(spaCy tokenizer alone {words / token_s:.0f} words/s, ratio "
          f"{token_s / extract_s:.2f})")
    one_mb, two_mb = quantities_scaling(texts)
    print(f"{'numbers of 1 MB / 2 MB, one line':34} {one_mb:9.2f} s / {two_mb:.2f} s CPU  "
          f"(ratio {two_mb / one_mb:.2f}, linear 2.00)")
    one_mb, two_mb = sections_scaling(texts)
    print(f"{'sections of 1 MB / 2 MB of reports':34} {one_mb:9.2f} s / {two_mb:.2f} s CPU  "
          f"(ratio {two_mb / one_mb:.2f}, linear 2.00)")
    work = Path(tempfile.mkdtemp(prefix="ccas-bench-"))
    try:
        batch = work / "batch"
        batch.mkdir()
        for copy in range(args.copies):
            for pdf in pdfs:
                shutil.copy(pdf, batch / f"{pdf.stem}_{copy}.pdf")
        batch_pages = sum(len(read_document(p).pages) for p in pdfs) * args.copies
        rates = {}
        for workers in (1, os.cpu_count() or 2):
            db = work / f"w{workers}.db"
            started = time.perf_counter()
            result = ingest([batch], db, workers=workers)
            seconds = time.perf_counter() - started
            rates[workers] = batch_pages / seconds
            print(f"{f'ingest end to end, {workers} worker(s)':34} {rates[workers]:9.1f} pages/s  "
                  f"({rates[workers] / workers:.1f} per core; {result.summary})")
        n = max(rates)
        print(f"{'speed-up 1 → ' + str(n) + ' workers':34} {rates[n] / rates[1]:9.2f} x")
        print(f"{'end-to-end / raw pypdfium2 (1 core)':34} {rates[1] / raw:9.2f}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'peak memory per worker':34} {peak:9.0f} MB  (main process {own:.0f} MB)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
