"""What a person sees: the served corpus in Debian's headless Chromium, driven by Playwright."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from extract.cli import cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "rapports.db"
    assert CliRunner().invoke(cli, ["ingest", "--quiet", str(CORPUS), "--db",
                                    str(path)]).exit_code == 0
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "extract", "serve", "--db", str(path),
                                "--port", str(port)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # offline: any request outside the local server fails the test below
        outside = []
        page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
        page.outside = outside
        yield page
        browser.close()


def test_home_page_shows_the_database(page, server, tmp_path):
    page.goto(server + "/")
    assert "Rapports d'activité des CCAS et CIAS" in page.inner_text("body")
    assert "indicators" in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "home.png"))


def test_indicator_comparison_page(page, server, tmp_path):
    page.goto(server + "/rapports/indicator_across_reports?indicator=saad.heures")
    table = page.inner_text("table.rows-and-columns")
    assert "CIAS de Sézanne" in table and "CIAS-Carcassonne Agglo Solidarité" in table
    assert "251941" in table.replace(" ", "").replace(",", "").replace(".0", "")
    page.screenshot(path=str(tmp_path / "comparison.png"), full_page=True)
    page.click("table.rows-and-columns a[href^='/-/evidence/']")
    page.wait_for_selector("mark#value")
    assert page.inner_text("mark#value").startswith(("32 315", "251 941", "26 600"))  # 000, 002, 003


def test_chart_draws_offline(page, server, tmp_path):
    page.goto(server + "/-/dashboards/indicateurs?indicator=saad.heures")
    page.wait_for_selector("#card-over-years svg, #card-over-years canvas", timeout=20000)
    page.wait_for_selector("#card-across-organisations svg, #card-across-organisations canvas",
                           timeout=20000)
    page.screenshot(path=str(tmp_path / "chart.png"), full_page=True)
    assert not page.outside, page.outside
