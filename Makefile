# The two set-up commands of the README: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
DB ?= data/rapports.db
PORT ?= 8001

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Ingest corpus/ into the default database and serve it with Datasette on 127.0.0.1:$(PORT).
serve: install
	$(VENV)/bin/ccas-extract ingest corpus/ --db $(DB)
	$(VENV)/bin/ccas-extract serve --db $(DB) --port $(PORT)

# Debian's chromium for the browser tests (installed only when missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

test: install chromium
	$(VENV)/bin/ruff check extract tests benchmarks datasette
	$(VENV)/bin/pytest

benchmark: install
	$(VENV)/bin/python benchmarks/run.py

.PHONY: install serve chromium test benchmark
