# Task entries. `make serve` and `make test` are the README's two commands.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Browser code from the npm registry (package-lock.json): Chart.js served by the dashboard.
VENDOR := src/enterprise/dashboard/static/vendor

.PHONY: install lock serve worker migrate test lint bench-embeddings bench-ingest bench-upload bench-answers bench-financebench bench-business clean

# pip-tools' compiled requirements, every file pinned by hash: requirements/base.txt (the service,
# for the Dockerfile) and requirements/dev.txt (with the test and lint tools).
LOCK := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links --no-emit-index-url

$(BIN)/brain: pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/brain

$(VENDOR)/chart.umd.min.js: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	cp node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js-LICENSE.md

install: $(BIN)/brain $(VENDOR)/chart.umd.min.js

# Newest versions within pyproject.toml's bounds, written to both lock files.
lock: install
	$(BIN)/pip-compile $(LOCK) --upgrade -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK) --upgrade --extra dev -o requirements/dev.txt pyproject.toml

serve: install
	ENTERPRISE_ENABLED=$${ENTERPRISE_ENABLED:-true} $(BIN)/brain serve --host 127.0.0.1 --port 8000

worker: install
	$(BIN)/brain worker

migrate: install
	$(BIN)/brain migrate

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/mypy

bench-embeddings: install
	$(BIN)/python bench/embedding_models.py

bench-ingest: install
	$(BIN)/python bench/ingest_corpus.py
	$(BIN)/python bench/ingest_corpus.py --database-url postgresql://postgres@127.0.0.1:5432/brain_bench

bench-upload: install
	$(BIN)/python bench/upload_memory.py

bench-answers: install
	$(BIN)/python bench/eval_answers.py

bench-financebench: install
	$(BIN)/python bench/eval_financebench.py --workdir bench/results/financebench-store

bench-business: install
	$(BIN)/python bench/eval_business.py --workdir bench/results/business-store --out bench/results/business

clean:
	rm -rf $(VENV) data enterprise_chroma_db node_modules $(VENDOR)
