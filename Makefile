# One-command set-up: `make run` and `make test` create .venv on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/retail_bank.yaml

.PHONY: run test install install-dev browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

run: install
	$(BIN)/ccsim run $(SCENARIO)

# Headless Chromium for the browser test of the HTML report (Debian packages; root only).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "note: chromium and chromium-driver are missing; the browser test will be skipped" \
	         "(as root: apt-get install chromium chromium-driver)"; \
	  fi; \
	fi

test: install-dev browser
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) build *.egg-info ccsim.egg-info .pytest_cache
