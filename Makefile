# pmqa: the pipeline's map. `make help` lists the targets.
# Outputs are real files, so a re-run with nothing changed rebuilds nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

Q ?=
IND ?=
LA ?= Calderdale
DAYS ?= 30
SN ?= 2021
DIR ?=
BOARD ?=
FORCE ?=
STRICT ?=
FILES ?=
DATA_DIR ?= data
REPORTS_DIR ?= reports
export DATA_DIR REPORTS_DIR PUBLIC_DATA_DIR PUBLIC_DATA_MIRROR

PYTHON ?= python3
# uv installs the same packages several times faster than pip; without it (or with UV= given), pip
UV ?= $(shell command -v uv 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pmqa-installed
# axe-core for the browser accessibility tests, from the npm registry at the version package.json pins
AXE := node_modules/axe-core/axe.min.js
PMQA := $(PY) -m pmqa_lib.cli

PROC := $(DATA_DIR)/processed/$(Q)
REP := $(REPORTS_DIR)/$(Q)

# Each stage's prerequisites: the code it runs, and a fingerprint of the raw files it reads.
# `pmqa inputs` rewrites a fingerprint only when those files change (names with spaces, new and
# removed files included: pmqa_lib/core/stage_inputs.py lists them), so an unchanged quarter
# rebuilds nothing and an edit reruns only the stages after it.
CORE_CODE := $(wildcard pmqa_lib/core/*.py) pmqa_lib/pipeline.py pmqa_lib/cli.py
VALIDATE_CODE := $(CORE_CODE) $(wildcard pmqa_lib/validate/*.py) \
	pmqa_lib/report/validation_pages.py pmqa_lib/report/agency_feedback.py \
	pmqa_lib/report/html_blocks.py pmqa_lib/report/accessibility.py
PROCESS_CODE := $(CORE_CODE) $(wildcard pmqa_lib/analytics/*.py pmqa_lib/registers/*.py \
	pmqa_lib/public/*.py)
REPORT_CODE := $(CORE_CODE) $(wildcard pmqa_lib/analytics/*.py pmqa_lib/registers/*.py \
	pmqa_lib/report/*.py pmqa_lib/report/templates/*/*) notebooks/quarter_report.ipynb

# The sub-make that builds a quarter's stages refreshes the fingerprints while it reads this file,
# before it compares any time stamps, unless `make quarter` has just done so in `pmqa check --inputs`
# (run even by `make -n quarter`, the `+`, so a dry run plans from the current inputs too).
ifneq ($(filter _quarter _processed,$(MAKECMDGOALS)),)
ifeq ($(INPUTS_LISTED),)
ifneq ($(shell $(PMQA) inputs "$(Q)" >/dev/null 2>&1 && echo ok),ok)
$(error could not list the inputs of Q=$(Q): run `$(PMQA) inputs "$(Q)"` to see why)
endif
endif
endif

.PHONY: help setup quarter validate drilldown templates reminders profile board fetch-public examples test test-fast lint format clean lab bench _quarter _processed

help: ## list the targets
	@echo "pmqa: make <target> [Q=2015Q2] [IND=1.1] [LA=Calderdale]"
	@grep -hE '^[a-z_-]+:.*## ' $(MAKEFILE_LIST) | grep -v '^_' | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: $(STAMP) $(AXE) ## create .venv from pyproject.toml, register its Jupyter kernel, npm ci axe-core (each redone only when its manifest changes)

$(AXE): package.json package-lock.json
	@echo "setup: npm ci (axe-core for the accessibility tests)"
	@npm ci --no-audit --no-fund --silent
	@touch $@

$(STAMP): pyproject.toml
	@echo "setup: creating $(VENV) (first run takes a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
ifneq ($(UV),)
	@$(UV) pip install --quiet --python $(PY) -e ".[dev]"
else
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e ".[dev]"
endif
	@$(PY) -m ipykernel install --sys-prefix --name pmqa --display-name "pmqa (.venv)" >/dev/null
	@touch $@

quarter: $(STAMP) ## run a whole quarter: validate, process, report, reports/index.html (Q=2015Q2; STRICT=1 fails on any rejection)
	+@$(PMQA) check "$(Q)" --inputs
	@$(MAKE) --no-print-directory _quarter Q=$(Q) INPUTS_LISTED=1
	@$(PMQA) summary "$(Q)" --index $(if $(STRICT),--strict)

_quarter: $(REP)/manifest.json

_processed: $(PROC)/assurance.csv

validate: $(STAMP) ## ingest and validate a quarter's returns only (Q=2015Q2, STRICT=1 fails on any rejection)
	@$(PMQA) check "$(Q)"
	@$(PMQA) validate "$(Q)" $(if $(STRICT),--strict)

$(PROC)/.inputs/validate $(PROC)/.inputs/process: ;

$(PROC)/validation.json: $(PROC)/.inputs/validate $(VALIDATE_CODE) | $(STAMP)
	@$(PMQA) validate "$(Q)"

$(PROC)/assurance.csv: $(PROC)/validation.json $(PROC)/.inputs/process $(PROCESS_CODE)
	@$(PMQA) process "$(Q)"

$(REP)/manifest.json: $(PROC)/assurance.csv $(REPORT_CODE)
	@$(PMQA) report "$(Q)"

drilldown: $(STAMP) ## everything about one indicator (Q=2015Q2 IND=1.1)
	@$(PMQA) check "$(Q)"
	@$(MAKE) --no-print-directory _processed Q=$(Q)
	@$(PMQA) drilldown "$(Q)" "$(IND)"

templates: $(STAMP) ## Excel return templates per agency for quarter Q (Q=2015Q3)
	@$(PMQA) templates "$(Q)"

reminders: $(STAMP) ## rolling-report reminders due in the next DAYS days, as CSV (Q=2015Q2 DAYS=30)
	@$(PMQA) reminders "$(Q)" --days $(DAYS)

profile: $(STAMP) ## LAIT-like benchmark profile for any English LA (LA=Calderdale SN=2021|2025)
	@$(PMQA) profile "$(LA)" --model $(SN)

board: $(STAMP) ## start a partnership's board from DfE's data (LA=Kirklees DIR=../kirklees [BOARD=board.yaml] [SN=2025] [FORCE=1])
	@$(PMQA) board "$(LA)" "$(DIR)" $(if $(BOARD),--board-file "$(BOARD)") --model $(SN) $(if $(FORCE),--force)

fetch-public: $(STAMP) ## download the public DfE/ONS files into PUBLIC_DATA_DIR, checked against the manifest (FILES="a.csv b.csv")
	@$(PMQA) fetch-public $(FILES)

examples: $(STAMP) ## rebuild the shipped example returns from the seeded generator (FORCE=1 overwrites a DATA_DIR elsewhere)
	@$(PY) -m pmqa_lib.dev.example_board $(if $(FORCE),--force)

test: $(STAMP) $(AXE) ## run every test: unit and end-to-end (whole quarters, notebooks, browser, PDF, public data)
	@$(PY) -m pytest -q -n auto

test-fast: $(STAMP) ## run the unit tests only (tests/unit; a few minutes on 2 cores: each Great Expectations run costs about 1 s)
	@$(PY) -m pytest -q -n auto tests/unit

lint: $(STAMP) ## ruff lint and format check, and the import contracts between stages
	@$(PY) -m ruff check pmqa_lib tests
	@$(PY) -m ruff format --check pmqa_lib tests
	@$(VENV)/bin/lint-imports --no-cache

format: $(STAMP) ## ruff format
	@$(PY) -m ruff format pmqa_lib tests
	@$(PY) -m ruff check --fix pmqa_lib tests

bench: $(STAMP) ## timings and peak memory, the quarter against its floor (prints a table, writes reports/bench.json; QUARTER_ONLY=1 for the quarter alone)
	@$(PY) -m pmqa_lib.dev.bench $(if $(QUARTER_ONLY),--quarter-only)

lab: $(STAMP) ## JupyterLab on the project
	@$(VENV)/bin/jupyter lab --notebook-dir=.

clean: ## delete generated data and reports only (never data/raw)
	@find "$(DATA_DIR)/processed" "$(REPORTS_DIR)" -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	@touch "$(DATA_DIR)/processed/.gitkeep" "$(REPORTS_DIR)/.gitkeep"
	@echo "clean: removed everything under $(DATA_DIR)/processed and $(REPORTS_DIR) (data/raw untouched)"
