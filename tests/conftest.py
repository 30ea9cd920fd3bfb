"""Shared fixtures: the corpus, real PDFs, bad files made for real, a fresh database."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"
SHARED_PDF = ROOT.parent / "shared" / "pdf"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def real_pdfs(tmp_path_factory) -> list[Path]:
    """The shared real PDFs, or PDFs built with reportlab when they are absent."""
    found = sorted(SHARED_PDF.glob("*.pdf")) if SHARED_PDF.is_dir() else []
    if found:
        return found
    return [build_report_pdf(tmp_path_factory.mktemp("pdf") / "built_report.pdf")]


def build_report_pdf(path: Path) -> Path:
    """A real PDF with headings in larger fonts, two columns, an infographic page and a table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(60, height - 80, "ACCUEIL")
    pdf.setFont("Helvetica", 10)
    for i, line in enumerate(["Le CCAS a accueilli 5 478 personnes en 2023.",
                              "Les agents ont géré 39 975 appels."]):
        pdf.drawString(60, height - 120 - 14 * i, line)
    for i, line in enumerate(["Colonne de droite : 24 dossiers", "de domiciliation traités."]):
        pdf.drawString(320, height - 120 - 14 * i, line)
    pdf.showPage()
    pdf.setFont("Helvetica-Bold", 36)
    pdf.drawString(200, height - 200, "13 505")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(200, height - 220, "repas distribués")
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(60, height - 300, "POINT FINANCIER")
    pdf.setFont("Helvetica", 10)
    for i, row in enumerate([("Budget", "Dépenses", "Recettes"), ("CIAS", "2 147 726 €",
                                                                   "2 843 456 €")]):
        for j, cell in enumerate(row):
            pdf.drawString(60 + 150 * j, height - 330 - 14 * i, cell)
    # ruled like a report's table, so that pdfplumber's table finder sees it
    pdf.grid([55, 205, 355, 505], [height - 318, height - 334, height - 348])
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory, real_pdfs) -> dict[str, Path]:
    """Bad inputs made for real: encrypted, image-only, corrupt PDF; empty, cp1252, binary text."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path_factory.mktemp("bad")
    files = {}
    writer = PdfWriter()
    for page in PdfReader(real_pdfs[-1]).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    files["encrypted"] = folder / "encrypted.pdf"
    with open(files["encrypted"], "wb") as handle:
        writer.write(handle)
    image = Image.new("RGB", (600, 800), "white")
    files["scanned"] = folder / "scanned.pdf"
    image.save(files["scanned"], "PDF")
    files["corrupt"] = folder / "corrupt.pdf"
    files["corrupt"].write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    files["empty"] = folder / "empty.txt"
    files["empty"].write_bytes(b"")
    files["cp1252"] = folder / "cp1252.txt"
    files["cp1252"].write_bytes("CCAS - ACCUEIL\n\n5 478 personnes accueillies en 2023, été\n"
                                "1 204 dossiers instruits en 2023\n".encode("cp1252"))
    files["binary"] = folder / "binary.txt"
    files["binary"].write_bytes(b"\x81\x8d\x8f\x90\x9d" * 20)
    files["unsupported"] = folder / "report.docx"
    files["unsupported"].write_bytes(b"PK\x03\x04 not a report")
    return files


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "rapports.db"


def capture(func, *args) -> str:
    buffer = io.StringIO()
    func(*args, file=buffer)
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database: str | Path, *, cwd: Path | None = None, log=subprocess.DEVNULL):
    """`ccas-extract serve` of `database` on a free loopback port, once it answers: (process, url)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "extract", "serve", "--db", str(database),
                                "--port", str(port)], cwd=cwd, stderr=log, stdout=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return process, url
