# Set-up and everyday tasks. `make run` and `make test` work on a fresh machine with Python 3.11+:
# both create or refresh the virtual environment in .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export OMP_NUM_THREADS := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck layers unit bench docs screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cafta needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# The demo's risk set-up (examples/risk/): a 2% blue lane at the demo offices and one demo
# importer registered as a trusted trader (AEO), so the seeded day has blue-lane declarations.
# Only for `make run`, and only when not set already (`CAFTA_RISK_QUOTAS= make run` turns it off).
run: export CAFTA_RISK_QUOTAS ?= examples/risk/quotas-demo.yaml
run: export CAFTA_TRUSTED_TRADERS ?= examples/risk/trusted-traders-demo.yaml
run: $(STAMP)
	$(BIN)/cafta db upgrade
	$(BIN)/cafta demo seed --if-empty
	$(BIN)/cafta serve

test: lint typecheck layers unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/tariff.py
	$(BIN)/python bench/origin.py
	$(BIN)/python bench/nomenclature.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/clearance.py
	$(BIN)/python bench/risk.py
	$(BIN)/python bench/portal.py

docs: $(STAMP)
	$(BIN)/python tools/rates_table.py

# Screenshots of the main pages for the README, taken by the browser tests (Debian's chromium;
# fonts-noto-cjk for the Chinese pages).
screenshots: $(STAMP)
	CAFTA_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e/browser

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
