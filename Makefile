# The two set-up commands of the README: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
DB ?= data/rapports.db
PORT ?= 8001

# What serving needs: the package and its dependencies, nothing for tests.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

# The test extras (pytest, hypothesis, playwright, pypdf, reportlab, ruff), on top.
$(VENV)/.installed-test: $(VENV)/.installed
	@echo "make test: installing the test extras into $(VENV): pytest, hypothesis, playwright, pypdf, reportlab, ruff"
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Ingest corpus/ into the default database and serve it with Datasette on 127.0.0.1:$(PORT).
serve: install
	$(VENV)/bin/ccas-extract ingest corpus/ --db $(DB)
	$(VENV)/bin/ccas-extract serve --db $(DB) --port $(PORT)

# Debian's chromium for the browser tests (installed only when missing, and said first).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "make test: the browser tests need Chromium; installing Debian's 'chromium' package"; \
	  echo "           (apt-get, with its dependencies: about 230 packages, 300 MB)"; \
	  apt-get update -qq && apt-get install -y -qq chromium; }

test: install-test chromium
	$(VENV)/bin/ruff check extract tests benchmarks datasette
	$(VENV)/bin/pytest

benchmark: install
	$(VENV)/bin/python benchmarks/run.py

.PHONY: install install-test serve chromium test benchmark
