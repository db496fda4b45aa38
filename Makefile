# Two entry points for a newcomer: `make serve` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install serve build test bench clean

$(BIN)/sitegen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(BIN)/sitegen node_modules/.package-lock.json

serve: install
	$(BIN)/sitegen serve -p $(PORT)

build: install
	$(BIN)/sitegen build

# The browser tests drive Debian's Chromium; install it when missing (needs root, as on CI).
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi

test: install /usr/bin/chromium
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules public .pytest_cache
