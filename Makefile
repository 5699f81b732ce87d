# NetSuite Sync for WooCommerce — every command sets up what it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-python test-php lint bench bench-quick plugin-zip clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,postgres,redis]' ruff
	@touch $(STAMP)

## make run: the sidecar + worker (+ both sandboxes when no real credentials are set), first sync, keep serving.
run: install
	@bash scripts/run.sh

## make test: the whole suite — Python on SQLite and PostgreSQL, and the plugin's PHP suite.
test: install
	@bash scripts/test-deps.sh
	@bash scripts/test.sh

lint: install
	$(BIN)/ruff check sidecar tests
	@if command -v php >/dev/null; then find wp-plugin -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null && echo "php -l: ok"; fi

## make bench: every tests/bench/bench_*.py; rewrites its tables in docs/benchmarks.md. bench-quick: smaller inputs, tables in var/benchmarks-quick.md.
bench: install
	$(BIN)/python -m tests.bench

bench-quick: install
	BENCH_QUICK=1 $(BIN)/python -m tests.bench

plugin-zip:
	@bash scripts/plugin-zip.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
