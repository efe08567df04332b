# UnionHome — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
NPM ?= npm
FRONTEND := frontend
PY_DIRS := $(wildcard backend workers tests infra bench)

.PHONY: demo test test-backend test-frontend lint fmt typecheck system-deps venv frontend-deps frontend-build \
        migrate seed openapi bench clean
.PHONY: openapi-check test-e2e

## make demo: the whole product on embedded defaults (data kept in .demo/)
demo: system-deps venv frontend-build
	$(PY) -m infra.local.demo

## make test: everything the project checks, against servers it starts itself
test: system-deps venv frontend-deps lint openapi-check test-frontend test-e2e test-backend

system-deps:
	@bash infra/local/system-deps.sh

venv: $(VENV)/.stamp
# setup.py builds the roster's compiled row builder (gcc + libssl-dev, from system-deps) in place
$(VENV)/.stamp: pyproject.toml setup.py constraints.txt backend/unionhome/domains/condolence/roster/_rowfast.c
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev]"
	@touch $@

frontend-deps: $(FRONTEND)/node_modules/.stamp
$(FRONTEND)/node_modules/.stamp: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend-build: frontend-deps
	cd $(FRONTEND) && $(NPM) run build

lint: venv
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/mypy

fmt: venv
	$(VENV)/bin/ruff check --fix $(PY_DIRS)
	$(VENV)/bin/ruff format $(PY_DIRS)

test-backend: venv
	$(VENV)/bin/pytest -q

test-frontend: frontend-deps
	cd $(FRONTEND) && $(NPM) run lint && $(NPM) run typecheck && $(NPM) test && $(NPM) run build

## Database tasks against DATABASE_URL (see README)
migrate: venv
	$(VENV)/bin/flask --app unionhome.wsgi:app uh migrate

seed: venv
	$(VENV)/bin/flask --app unionhome.wsgi:app uh seed-demo

## make openapi: write the OpenAPI document from the Flask app (no DB needed), regenerate the SPA's types
openapi: venv frontend-deps
	bash $(FRONTEND)/scripts/api-types.sh

## make openapi-check: fail when frontend/src/types/api.gen.ts no longer matches the API
openapi-check: venv frontend-deps
	bash $(FRONTEND)/scripts/api-types.sh --check

## make test-e2e: Playwright (Debian chromium) against the built SPA and real servers it starts itself
test-e2e: venv frontend-build
	node tests/e2e/run.mjs

bench: venv
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist .pytest_cache .mypy_cache .ruff_cache
