"""CPU time of the structure steps of extraction, one by one, on the corpus and the shared PDFs.

The steps that read a document's layout before any number is linked: the heading tree with the
linker's minor headings (`sections`), the tables (`tables`), the outline and contents page
numbers (`number_layout.layout_roles`, on the plain text as `quantities` runs it), the metadata
and the interleaved pages; then `pipeline.process` as a whole, for scale. Documents are read
once; each round runs every step on fresh copies, with the bounded caches of the package
emptied first (a new document finds them cold), and the objects alive before a step frozen
out of the garbage collector's walks. Prints the best CPU seconds of `--rounds`.

    python benchmarks/structure.py [--rounds 5]

To compare two versions, run it from each checkout in turns (the machine may be shared).
"""

from __future__ import annotations

import argparse
import copy
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.interleaving import interleaved_pages  # noqa: E402
from extract.metadata import guess_metadata  # noqa: E402
from extract.number_layout import layout_roles  # noqa: E402
from extract.pipeline import process  # noqa: E402
from extract.quantities import _is_measure  # noqa: E402
from extract.reader import read_document  # noqa: E402
from extract.sections import find_sections, minor_headings  # noqa: E402
from extract.tables import find_tables  # noqa: E402

STEPS = {
    "sections": lambda d: (find_sections(d, []), minor_headings(d)),
    "tables": find_tables,
    "layout_roles": lambda d: layout_roles(d.plain, is_measure=lambda o: _is_measure(d.plain, o)),
    "metadata": guess_metadata,
    "interleaving": interleaved_pages,
}


def empty_bounded_caches() -> None:
    """Empty the package's size-bounded caches (lru_cache); the loaded schemas stay."""
    for name, module in list(sys.modules.items()):
        if name.startswith("extract"):
            for value in vars(module).values():
                info = getattr(value, "cache_info", None)
                if info is not None and info().maxsize is not None:
                    value.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    paths = sorted((ROOT.parent / "shared" / "pdf").glob("*.pdf")) + sorted(
        (ROOT / "corpus").glob("*.txt"))
    documents = [read_document(path) for path in paths]
    process(copy.deepcopy(documents[-1]))  # models and schemas loaded before any timing
    best = dict.fromkeys([*STEPS, "process"], float("inf"))
    for _ in range(rounds):
        fresh = [copy.deepcopy(document) for document in documents]
        for document in fresh:
            document.plain  # noqa: B018 (the pipeline's first step makes it, before these)
        empty_bounded_caches()
        for name, step in STEPS.items():
            # the copies and models are old objects: frozen, the collector does not walk them
            # on behalf of whichever step happens to allocate when a full collection is due
            gc.collect()
            gc.freeze()
            start = time.process_time()
            for document in fresh:
                step(document)
            best[name] = min(best[name], time.process_time() - start)
            gc.unfreeze()
        fresh = [copy.deepcopy(document) for document in documents]
        empty_bounded_caches()
        start = time.process_time()
        for document in fresh:
            process(document)
        best["process"] = min(best["process"], time.process_time() - start)
    pages = sum(len(document.pages) for document in documents)
    print(f"{len(documents)} documents, {pages} pages; best CPU seconds of {rounds} rounds")
    for name, seconds in best.items():
        print(f"  {name:<13} {seconds:7.3f}")
    print(f"  {'structure':<13} {sum(best[name] for name in STEPS):7.3f}  (the steps above)")


if __name__ == "__main__":
    main()
