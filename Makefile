# pmqa: the pipeline's map. `make help` lists the targets.
# Outputs are real files, so a re-run with nothing changed rebuilds nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

Q ?=
IND ?=
LA ?= Calderdale
DAYS ?= 30
SN ?= 2021
STRICT ?=
DATA_DIR ?= data
REPORTS_DIR ?= reports
export DATA_DIR REPORTS_DIR PUBLIC_DATA_DIR

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pmqa-installed
PMQA := $(PY) -m pmqa_lib.cli

PROC := $(DATA_DIR)/processed/$(Q)
REP := $(REPORTS_DIR)/$(Q)
LIB := $(shell find pmqa_lib -name "*.py" -o -path "*/templates/*" -type f)
RAW_Q := $(wildcard $(DATA_DIR)/raw/$(Q)/*)
RAW_ALL := $(wildcard $(DATA_DIR)/raw/*/* $(DATA_DIR)/raw/reference/* $(DATA_DIR)/raw/registers/*)
SUITES := $(wildcard expectations/*.json)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: help setup quarter validate drilldown templates reminders profile examples test lint format clean lab bench _quarter

help: ## list the targets
	@echo "pmqa: make <target> [Q=2015Q2] [IND=1.1] [LA=Calderdale]"
	@grep -hE '^[a-z_-]+:.*## ' $(MAKEFILE_LIST) | grep -v '^_' | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv from pyproject.toml and register its Jupyter kernel (redone only when pyproject changes)

$(STAMP): pyproject.toml
	@echo "setup: creating $(VENV) (first run takes a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e ".[dev]"
	@$(PY) -m ipykernel install --sys-prefix --name pmqa --display-name "pmqa (.venv)" >/dev/null
	@touch $@

quarter: $(STAMP) ## run a whole quarter: validate, process, report (Q=2015Q2)
	@$(PMQA) check "$(Q)"
	@$(MAKE) --no-print-directory _quarter Q=$(Q)
	@$(PMQA) summary "$(Q)"

_quarter: $(REP)/manifest.json

validate: $(STAMP) ## ingest and validate a quarter's returns only (Q=2015Q2, STRICT=1 fails on any rejection)
	@$(PMQA) check "$(Q)"
	@$(PMQA) validate "$(Q)" $(if $(STRICT),--strict)

$(PROC)/validation.json: $(STAMP) $(RAW_Q) $(DATA_DIR)/raw/reference/catalogue.yaml $(SUITES) $(LIB)
	@$(PMQA) validate "$(Q)" $(if $(STRICT),--strict)

$(PROC)/assurance.csv: $(PROC)/validation.json $(RAW_ALL) $(LIB)
	@$(PMQA) process "$(Q)"

$(REP)/manifest.json: $(PROC)/assurance.csv $(NOTEBOOKS) $(LIB)
	@$(PMQA) report "$(Q)"

drilldown: $(STAMP) ## everything about one indicator (Q=2015Q2 IND=1.1)
	@$(PMQA) check "$(Q)"
	@$(MAKE) --no-print-directory $(PROC)/assurance.csv Q=$(Q)
	@$(PMQA) drilldown "$(Q)" "$(IND)"

templates: $(STAMP) ## Excel return templates per agency for quarter Q (Q=2015Q3)
	@$(PMQA) templates "$(Q)"

reminders: $(STAMP) ## rolling-report reminders due in the next DAYS days, as CSV (Q=2015Q2 DAYS=30)
	@$(PMQA) reminders "$(Q)" --days $(DAYS)

profile: $(STAMP) ## LAIT-like benchmark profile for any English LA (LA=Calderdale SN=2021|2025)
	@$(PMQA) profile "$(LA)" --model $(SN)

examples: $(STAMP) ## rebuild the shipped example returns from the seeded generator (FORCE=1 overwrites a DATA_DIR elsewhere)
	@$(PY) -m pmqa_lib.dev.example_board $(if $(FORCE),--force)

test: $(STAMP) ## run the test suite
	@$(PY) -m pytest -q

lint: $(STAMP) ## ruff lint and format check
	@$(PY) -m ruff check pmqa_lib tests
	@$(PY) -m ruff format --check pmqa_lib tests

format: $(STAMP) ## ruff format
	@$(PY) -m ruff format pmqa_lib tests
	@$(PY) -m ruff check --fix pmqa_lib tests

bench: $(STAMP) ## timings and peak memory (prints a table, writes reports/bench.json)
	@$(PY) -m pmqa_lib.dev.bench

lab: $(STAMP) ## JupyterLab on the project
	@$(VENV)/bin/jupyter lab --notebook-dir=.

clean: ## delete generated data and reports only (never data/raw)
	rm -rf $(DATA_DIR)/processed/* $(REPORTS_DIR)/*
	@touch $(DATA_DIR)/processed/.gitkeep $(REPORTS_DIR)/.gitkeep
