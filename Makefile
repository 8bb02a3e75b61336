# One-command set-up: `make run` and `make test` create .venv on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/retail_bank.yaml

.PHONY: run test install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

run: install
	$(BIN)/ccsim run $(SCENARIO)

test: install-dev
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) build *.egg-info ccsim.egg-info .pytest_cache
