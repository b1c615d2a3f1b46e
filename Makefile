# vcourt: `make demo` runs the product with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# VCOURT_HOST (127.0.0.1), VCOURT_PORT (8080), VCOURT_DATA_DIR (./var) and VCOURT_DEMO_TOKEN are
# read by vcourt itself; set them in the environment to change the demo.

.PHONY: demo test check lint typecheck system-deps venv bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@./.ci/system-deps.sh

demo: $(STAMP)
	$(BIN)/vcourt demo

check: $(STAMP)
	$(BIN)/ruff check conference signaling scheduler web tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: system-deps $(STAMP) check
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
