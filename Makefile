# The developer loop. `make` creates .venv itself when missing; nothing needs installing first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint format bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,dask]'
	@touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,dask,bench]'
	@touch $(BENCH_STAMP)

## demo: audit the bundled example articles offline, from cassettes, into reports/
demo: $(STAMP)
	$(BIN)/auditor batch examples --replay cassettes/examples.jsonl --domains examples/domains.csv --out reports --db reports/audit.db --force
	@echo "Open reports/index.html (one report per article beside it)."

## test: the whole suite, offline
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check auditor tests benchmarks scripts
	$(BIN)/ruff format --check auditor tests benchmarks scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix auditor tests benchmarks scripts
	$(BIN)/ruff format auditor tests benchmarks scripts

## bench: extraction, checking and batch benchmarks (local only, no network)
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/eval_links.py
	$(BIN)/python benchmarks/eval_attributions.py
	$(BIN)/python benchmarks/eval_real.py
	$(BIN)/python benchmarks/eval_polnear.py
	$(BIN)/python benchmarks/eval_soft404.py
	$(BIN)/python benchmarks/bench_batch.py --quick
	$(BIN)/python benchmarks/bench_quotes.py --articles 100 --rounds 1
	$(BIN)/python benchmarks/hostile.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.db* .pytest_cache .mypy_cache .ruff_cache
