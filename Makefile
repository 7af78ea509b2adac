# VendorEval. `make run` starts the app on SQLite with the catalog and a demo account; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench bench-load serve venv system-deps setup-db messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# axe-core, injected into Chromium by the accessibility tests (test tooling; pinned in package.json).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json
	npm install --no-package-lock --no-audit --no-fund --silent
	touch $@

# Chromium (browser tests) and Pango/HarfBuzz (WeasyPrint) come from Debian's packages.
system-deps:
	@bash scripts/system-deps.sh

# The French and German translations (locale/*/LC_MESSAGES/django.po) compiled for gettext (needs msgfmt: the
# gettext package, which `make system-deps` installs).
messages: venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

setup-db: venv
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_catalog
	DEBUG=1 $(PY) manage.py seed_demo

run: venv system-deps messages setup-db
	@echo ""
	@echo "  VendorEval is starting on http://$(HOST):$(PORT)/"
	@echo "  Log in with the demo account:  username demo   password vendoreval-demo"
	@echo "  Catalog admin (staff):          http://$(HOST):$(PORT)/admin/  (same demo account)"
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: venv system-deps messages $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff: the rule set (pyflakes, pycodestyle, import sorting, pyupgrade, bugbear, Django, complexity 15, bandit's
# security checks ...) is in pyproject.toml.
lint: venv
	$(VENV)/bin/ruff check .

bench: venv system-deps
	$(PY) bench/run.py

# Locust, headless: 50 simulated evaluators for 60 s against the production-like stack on 127.0.0.1 (own database;
# stops by itself) and the figures recorded in docs/benchmarks.md. More: make bench-load LOAD_ARGS="--users 200".
bench-load: venv
	$(PY) bench/load/benchmark.py --record $(LOAD_ARGS)

serve: venv messages
	bash scripts/serve.sh

clean:
	rm -rf var/ .pytest_cache
