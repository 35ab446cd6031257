# The README's two commands: `make run` and `make test`. Everything else is reachable from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever pyproject.toml changes; the stamp names its hash.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

export PICCOLO_CONF := piccolo_conf

.PHONY: install migrate demo run serve-prod test lint format bench bench-deps browser-deps messages chart-css clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python -m core migrate

demo: migrate
	$(BIN)/python -m core demo

run: demo
	$(BIN)/python -m core serve --host $(HOST) --port $(PORT)

# Several stateless workers; needs DATABASE_URL=postgres://... (SQLite is one worker only).
serve-prod: migrate
	$(BIN)/python -m core serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The charts' stylesheet (pygal's rules for chart_style()), served from static/ under the CSP.
chart-css: install
	$(BIN)/python -c "from challenge.queries.dashboard import CHART_STYLESHEET, chart_stylesheet; CHART_STYLESHEET.write_text(chart_stylesheet())"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install browser-deps lint
	@bash tests/run_suite.sh

# The figures in the README's "Performance and reliability": load (wrk), the deadline rush, the solvers.
# kernel.py, catalogue.py and applications.py are finer, in-process probes: run them by hand.
BENCHES ?= load rush hostile matching assignment ranking schedule
bench: install bench-deps
	@for name in $(BENCHES); do echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; done

bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian wrk for the load benchmarks..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# Refresh the translation catalogues from the code and templates.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --sort-output \
	  --ignore-dirs=.venv --ignore-dirs=tests --ignore-dirs=bench --ignore-dirs=var .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
