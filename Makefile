# Two commands on a fresh machine: `make run` (app on SQLite with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

.PHONY: setup db run test lint clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

db: setup
	$(BIN)/flask --app app db upgrade

DEMO ?= 1
run: db  # DEMO=0 skips (re)filling the demo account
	@if [ "$(DEMO)" = "1" ]; then $(BIN)/flask --app app demo; fi
	$(BIN)/python run.py

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
