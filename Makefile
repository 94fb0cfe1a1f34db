# thuvien — every target here is what CI and the README use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
THUVIEN := $(BIN)/thuvien
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed

.PHONY: help install run demo test test-postgres e2e bench lint fmt system-deps browser-deps messages clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "thuvien needs Python >= 3.11"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP) ## create the virtual environment and install thuvien

demo: install ## migrate, load reference and demo data, build the search index
	$(THUVIEN) migrate --noinput
	$(THUVIEN) compilemessages --ignore '.venv' -v 0 || true
	$(THUVIEN) demo_setup

run: demo ## set up everything and serve http://127.0.0.1:8000 with one task worker
	$(THUVIEN) runserve --host $(HOST) --port $(PORT)

test: install ## the whole suite on the embedded defaults (SQLite, tantivy)
	$(BIN)/pytest -m "not e2e"

test-postgres: install ## the same suite on PostgreSQL (DATABASE_URL, default the local server)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e"

e2e: install browser-deps ## browser tests in headless Chromium
	$(BIN)/pytest -m e2e

bench: install ## benchmarks; figures go to docs/benchmarks.md
	$(PY) bench/run_all.py

lint: install ## ruff
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: install ## format and fix
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

messages: install ## refresh the translation catalogues
	cd src/thuvien && ../../$(THUVIEN) makemessages -l en --ignore '*/migrations/*'

system-deps: ## Debian packages: xmllint, yaz (checkers, Z39.50 harvests); Zebra (harvest tests); HTTP::OAI's oai_pmh (OAI-PMH client tests); Pango and DejaVu fonts (PDF reports); libvips, tesseract with Vietnamese (digital collections); IIPImage under lighttpd (the tile benchmark's peer)
	@command -v xmllint >/dev/null && command -v yaz-marcdump >/dev/null \
	  && command -v yaz-client >/dev/null && command -v zebrasrv >/dev/null \
	  && command -v oai_pmh >/dev/null && command -v tesseract >/dev/null \
	  && command -v vips >/dev/null && command -v lighttpd >/dev/null \
	  && test -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata \
	  && test -x /usr/lib/iipimage-server/iipsrv.fcgi \
	  && ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -qi dejavu || \
	  (apt-get update -q && apt-get install -y -q --no-install-recommends libxml2-utils yaz \
	    idzebra-2.0 libhttp-oai-perl libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
	    libvips42 libvips-tools tesseract-ocr tesseract-ocr-vie poppler-utils \
	    iipimage-server lighttpd)

browser-deps: ## Debian's Chromium for the browser tests
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q --no-install-recommends chromium)

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
