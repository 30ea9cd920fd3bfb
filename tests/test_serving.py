"""`ccas-extract serve` as a real process: any path and name, following an ingestion, errors."""

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from conftest import CORPUS, start_server
from datasette.utils import tilde_encode as quote

NAME = "mes rapports"  # a name other than rapports, with a space: the configuration follows it


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def run_cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A corpus database under a relative path and another name, served from its folder."""
    folder = tmp_path_factory.mktemp("serve")
    reports = folder / "reports"
    reports.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(path, reports)
    database = f"data/{NAME}.db"
    assert run_cli("ingest", "--quiet", "reports", "--db", database, cwd=folder).returncode == 0
    log = open(folder / "serve.log", "w")  # noqa: SIM115 - closed at the end of the module
    process, url = start_server(database, cwd=folder, log=log)
    yield {"url": url, "folder": folder, "database": database, "log": folder / "serve.log"}
    process.terminate()
    process.wait(timeout=10)
    log.close()


def documents(served) -> int:
    status, body = fetch(served["url"] + f"/{quote(NAME)}/documents.json?_shape=array")
    assert status == 200, body[:300]
    return len(json.loads(body))


def test_any_relative_path_and_name_keeps_queries_dashboard_and_descriptions(served):
    base = served["url"] + "/" + quote(NAME)
    status, body = fetch(base + "/recherche.json?_shape=array&q=repas")
    assert status == 200 and json.loads(body)
    status, body = fetch(base + "/valeurs_retenues")
    assert status == 200 and "Une valeur par organisation" in body
    status, body = fetch(served["url"] + "/-/dashboards/indicateurs?indicateur=x")
    assert status == 200 and "Graphiques d" in body
    status, body = fetch(served["url"] + "/-/question?indicateur=accueil.visites")
    assert status == 200 and "<table" in body


def test_the_server_follows_an_ingestion_in_progress(served):
    before = documents(served)
    statuses = []
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            for path in ("/-/question?indicateur=accueil.visites",
                         f"/{quote(NAME)}/documents.json", f"/{quote(NAME)}/recherche?q=aide"):
                statuses.append(fetch(served["url"] + path)[0])

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        result = run_cli("ingest", "--quiet", str(CORPUS), "--db", served["database"],
                         cwd=served["folder"])
    finally:
        stop.set()
        poller.join()
    assert result.returncode == 0, result.stderr
    assert statuses and set(statuses) == {200}
    assert documents(served) == before + 2


def test_a_huge_id_is_a_fast_plain_404_that_does_not_block_others(served):
    size = served["log"].stat().st_size
    started = time.monotonic()
    status, body = fetch(served["url"] + "/-/evidence/" + "x" * 60_000)
    assert status == 404 and "Traceback" not in body
    assert fetch(served["url"] + "/-/question")[0] == 200
    assert time.monotonic() - started < 2
    log = served["log"].read_text(encoding="utf-8", errors="replace")[size:]
    assert "Traceback" not in log and "locals" not in log
    assert len(log) < 62_000 + 2_000  # one access-log line holding the long URL, nothing else


def test_evaluation_database_is_served_beside(served):
    result = run_cli("evaluate", "--db", served["database"], "--gold", str(CORPUS.parent / "gold"),
                     "--corpus", str(CORPUS), cwd=served["folder"])
    assert result.returncode == 0, result.stderr
    assert "evaluation.db" in result.stderr
    assert (served["folder"] / "data" / "evaluation.db").is_file()
    # served from the next start on; this server keeps the corpus pages intact meanwhile
    assert fetch(served["url"] + f"/{quote(NAME)}/documents")[0] == 200


def test_serve_refuses_a_missing_or_broken_file_in_one_line(tmp_path):
    result = run_cli("serve", "--db", "nothing.db", cwd=tmp_path)
    assert result.returncode != 0 and "no such database" in result.stderr
    (tmp_path / "broken.db").write_bytes(b"not a database" * 100)
    result = run_cli("serve", "--db", "broken.db", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "broken.db" in result.stderr


def test_writes_are_refused_with_a_plain_405(served):
    for path in (f"/{quote(NAME)}/documents", f"/{quote(NAME)}/recherche", "/-/question"):
        request = urllib.request.Request(served["url"] + path, data=b"sql=delete+from+documents",
                                         method="POST")
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError(f"{path}: a POST was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 405 and "Traceback" not in error.read().decode()
    assert documents(served) > 0
