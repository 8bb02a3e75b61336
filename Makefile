# One-command set-up: `make run` and `make test` create .venv on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/retail_bank.yaml

.PHONY: run test test-fast lint install install-dev browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable installs, with the checkout itself on sys.path (a .pth file): `import ccsim` then
# finds the package even from the folder holding a clone named ccsim (setuptools' editable
# finder comes after the path, where that bare folder would be an empty namespace package).
CHECKOUT_PTH = $(BIN)/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "ccsim-checkout.pth").write_text(str(pathlib.Path.cwd()) + "\n")'

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@$(CHECKOUT_PTH)

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@$(CHECKOUT_PTH)

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

# The whole suite, on every core (pytest-xdist; results do not depend on it: every test
# seeds its own runs). CI's two cores take it in about half the serial time.
test: install-dev browser
	$(BIN)/python -m pytest -n auto

# The inner loop: everything but the slow statistical, browser and notebook tests,
# on every core (pytest-xdist). `make test` still runs the whole suite, as CI does.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow and not browser and not notebook" -n auto

# ruff over the code, tests and benchmarks; mypy over the plan, the engine, the KPIs
# and the public API (targets and settings in pyproject's [tool.mypy]). Both always
# run, so one report shows every finding; lint fails if either finds anything.
lint: install-dev
	@status=0; \
	echo "ruff check ccsim tests benchmarks"; $(BIN)/ruff check ccsim tests benchmarks || status=1; \
	echo "mypy"; $(BIN)/mypy || status=1; \
	exit $$status

bench: install-dev
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) build *.egg-info ccsim.egg-info .pytest_cache
