"""The built wheel works outside the repository: data files ship inside the package.

Builds the wheel, installs it (with its dependencies, from the package indexes) into a fresh
virtual environment and runs the commands a new user runs from an unrelated folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, GOLD, ROOT

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the project's wheel installed; returns its bin/."""
    build = tmp_path_factory.mktemp("wheel")
    made = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", build, ROOT, cwd=build)
    assert made.returncode == 0, made.stderr
    wheel = next(build.glob("ccas_extract-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ["extract/py.typed", "extract/data/schemas/indicators.yaml",
                 "extract/data/schemas/layout.yaml", "extract/data/datasette/metadata.yml"]:
        assert name in names
    shipped = {Path(n).name for n in names if n.startswith("extract/data/schemas/")}
    assert shipped == {p.name for p in (ROOT / "schemas").iterdir() if p.is_file()}
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA")))
    assert "License-Expression: MIT" in metadata.decode()  # the SPDX form (PEP 639)
    venv = build / "venv"
    assert run(sys.executable, "-m", "venv", venv, cwd=build).returncode == 0
    done = run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=build)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv / "bin"


def test_installed_commands_run_from_another_folder(installed, tmp_path):
    report = tmp_path / "rapport.txt"
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", report)
    extracted = run(installed / "ccas-extract", "extract", "rapport.txt", cwd=tmp_path)
    assert extracted.returncode == 0, extracted.stderr
    data = json.loads(extracted.stdout)
    assert data["sections"] and any(i["indicator"] for i in data["indicators"])

    ingested = run(installed / "ccas-extract", "ingest", "--quiet", "rapport.txt", "--db", "out.db",
                   cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "1 ingested" in ingested.stdout
    assert (tmp_path / "out.db").is_file()

    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(GOLD, gold)
    scored = run(installed / "ccas-extract", "evaluate", "--gold", gold, "--corpus", corpus,
                 cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert "F1" in scored.stdout or "f1" in scored.stdout

    first_gold = sorted(gold.glob("*.json"))[0]
    checked = run(installed / "ccas-extract", "gold", "check", first_gold, "--corpus", corpus,
                  cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert ": ok (" in checked.stdout


def test_installed_serve_finds_the_datasette_configuration(installed):
    code = ("from extract.paths import DATASETTE_DIR, SCHEMAS_DIR; "
            "assert 'site-packages' in str(SCHEMAS_DIR), SCHEMAS_DIR; "
            "assert (DATASETTE_DIR / 'metadata.yml').is_file(); "
            "assert (DATASETTE_DIR / 'templates').is_dir() and (DATASETTE_DIR / 'static').is_dir()")
    checked = run(installed / "python", "-c", code, cwd=installed)
    assert checked.returncode == 0, checked.stderr


def test_make_serve_installs_no_test_extras_and_make_test_says_what_it_installs():
    serve = run("make", "-n", "-B", "serve", cwd=ROOT)
    installs = [line for line in serve.stdout.splitlines() if "pip install" in line]
    assert installs and not any("[test]" in line for line in installs)
    test = run("make", "-n", "-B", "test", cwd=ROOT).stdout
    assert test.index("installing the test extras") < test.index("'.[test]'")
    assert test.index("installing Debian's 'chromium'") < test.index("apt-get install")


def test_installed_serve_publishes_with_the_packaged_configuration(installed, tmp_path):
    import html
    import socket
    import time
    import urllib.request

    report = tmp_path / "rapport.txt"
    shutil.copy(CORPUS / "004_f10ab5db119ef443.txt", report)
    db_path = tmp_path / "rapports.db"
    assert run(installed / "ccas-extract", "ingest", "--quiet", report, "--db", db_path,
               cwd=tmp_path).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(installed / "ccas-extract"), "serve", "--db", str(db_path),
                               "--port", str(port)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        page = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "Rapports d'activité des CCAS et CIAS" in html.unescape(page)  # metadata.yml
    finally:
        server.terminate()
        server.wait(timeout=10)
