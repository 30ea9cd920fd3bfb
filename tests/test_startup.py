"""What start-up and exit leave out, observed in real processes."""

from __future__ import annotations

import subprocess
import sys

EXIT_WATCH = """
import atexit, gc, sys
# registered before the command's own: runs after them, as the process ends
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
sys.argv = ["ccas-extract", *sys.argv[1:]]
from extract.cli import cli
cli()
"""


def test_a_command_skips_the_last_garbage_collection_and_still_writes_its_output(tmp_path):
    report = tmp_path / "rapport.txt"
    report.write_text("Rapport d'activité 2023 du CCAS\n\nAide alimentaire : 120 colis distribués.\n",
                      encoding="utf-8")
    database = tmp_path / "rapports.db"
    done = subprocess.run([sys.executable, "-c", EXIT_WATCH, "ingest", "--quiet", "--workers", "1",
                           "--db", str(database), str(report)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "1 ingested" in done.stdout
    assert done.stdout.strip().endswith("frozen at exit: True")
    import sqlite3

    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from documents").fetchone() == (1,)


NUMPY_IN_MAIN = """
import sys
from extract.ingest import ingest
from extract.store import open_db
result = ingest([sys.argv[1]], sys.argv[2], workers=1)
print(result.summary)
print("numpy in main:", "numpy" in sys.modules)
import numpy  # still importable after
db = open_db(sys.argv[2])
print(db.execute("select count(*) from documents").fetchone()[0], "document(s)")
"""


def test_the_main_process_of_ingest_stores_without_importing_numpy(tmp_path):
    report = tmp_path / "rapport.txt"
    report.write_text("Rapport d'activité 2023 du CCAS\n\nAide alimentaire : 120 colis distribués.\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", NUMPY_IN_MAIN, str(report),
                           str(tmp_path / "rapports.db")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["numpy in main: False", "1 document(s)"]
    assert done.stdout.startswith("1 ingested")


STRUCTURE_ONLY = """
import sys
from pathlib import Path
from extract.pipeline import structure
from extract.reader import read_document
found = structure(read_document(Path(sys.argv[1])))
print(len(found.sections), [q.value for q in found.quantities if q.role == "value"])
print("language model imported:", any(name in sys.modules for name in ("spacy", "thinc", "numpy")))
"""


def test_the_structure_stage_runs_without_the_language_model(tmp_path):
    """ingest's reader process runs `pipeline.structure`: it imports neither spaCy nor numpy
    (a third of a second of every start of that process)."""
    report = tmp_path / "rapport.txt"
    report.write_text("Rapport d'activité 2023 du CCAS\n\n1. L'AIDE ALIMENTAIRE\n\n"
                      "120 colis distribués à 45 familles.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", STRUCTURE_ONLY, str(report)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    counts, imported = done.stdout.splitlines()
    assert counts == "1 [120.0, 45.0]"  # one section, two values (the year and outline number
    # have other roles)
    assert imported == "language model imported: False"
