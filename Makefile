# News Archiver: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP := $(VENV)/.installed

.PHONY: demo test lint eval bench bench-memory bench-search bench-serve install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver demo --db archive.db

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

eval: $(STAMP)
	$(BIN)/python -m benchmarks.eval --corpus $(CORPUS) --golden tests/golden

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

PAGES ?= 5000
bench: $(STAMP)
	$(BIN)/python -m benchmarks.check_turns
	$(BIN)/python -m benchmarks.crawl --corpus $(CORPUS) --pages $(PAGES)
	$(BIN)/python -m benchmarks.render

# Peak RSS of one first crawl of the bench site, by process (issue 24: < 400 MB on 100,000 pages).
# `make bench-memory PAGES=5000` for a shorter run (the command line wins over this default).
bench-memory: PAGES = 100000
bench-memory: $(STAMP)
	$(BIN)/python -m benchmarks.crawl --corpus $(CORPUS) --pages $(PAGES) --memory-only

bench-search: $(STAMP)
	$(BIN)/python -m benchmarks.search --corpus $(CORPUS) --db bench-output/search.db --articles 1000000

ARTICLES ?= 1000000
bench-serve: $(STAMP)
	$(BIN)/python -m benchmarks.serve --corpus $(CORPUS) --articles $(ARTICLES)
