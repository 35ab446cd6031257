# The README's two commands: `make run` and `make test`. Everything else is reachable from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever pyproject.toml changes; each stamp names its hash and what it installed:
# serving only (`make run`), the test tools too (`make test`, `make lint`), or the profiler as well
# (`make bench`). A wider install leaves the narrower stamps too, so `make run` after `make test`
# installs nothing, and `make test` after `make run` adds the test extras only.
HASH := $(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)
BENCH_STAMP := $(VENV)/.installed-bench-$(HASH)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

export PICCOLO_CONF := piccolo_conf

.PHONY: install install-test install-bench migrate demo run serve-prod backup restore-check test lint format bench bench-deps browser-deps messages chart-css clean

# `step [-s] NAME COMMAND...` runs COMMAND with its output kept aside and prints "NAME  12.3 s"
# (-s: then the output too); if COMMAND fails, it prints the output and stops there.
STEP = step() { show=; [ "$$1" = -s ] && { show=1; shift; }; name=$$1; shift; \
  started=$$(date +%s.%N); log=$$(mktemp); \
  if "$$@" >"$$log" 2>&1; then \
    awk -v n="$$name" -v s="$$started" -v e="$$(date +%s.%N)" 'BEGIN { printf "%-9s %5.1f s\n", n, e - s }'; \
    [ -z "$$show" ] || cat "$$log"; rm -f "$$log"; \
  else code=$$?; cat "$$log" >&2; echo "$$name failed (exit $$code)" >&2; rm -f "$$log"; return $$code; fi; }; step

# Neither pip's own upgrade (the venv's pip installs this project as it is) nor the byte-compiling
# of every installed file (Python compiles what it imports, once): on two cores they were about
# 20 s of a first start. The stamps of other hashes go; the new one is touched.
PIP_INSTALL = test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
  $(BIN)/python -m pip install --no-compile --progress-bar off --disable-pip-version-check
stamped = { find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '*-$(HASH)' -delete; touch $(1); }

$(RUN_STAMP): pyproject.toml
	@$(STEP) install sh -c '$(PIP_INSTALL) -e .' && $(call stamped,$@)

$(TEST_STAMP): pyproject.toml
	@$(STEP) install-test sh -c '$(PIP_INSTALL) -e ".[test]"' && $(call stamped,$@ $(RUN_STAMP))

$(BENCH_STAMP): pyproject.toml
	@$(STEP) install-bench sh -c '$(PIP_INSTALL) -e ".[test,bench]"' && $(call stamped,$@ $(TEST_STAMP) $(RUN_STAMP))

# What serving needs; the test tools, SciPy and the browser driver; those and the profiler.
install: $(RUN_STAMP)
install-test: $(TEST_STAMP)
install-bench: $(BENCH_STAMP)

migrate: install
	@$(STEP) migrate $(BIN)/python -m core migrate

# Loads the demo edition once; when it is there already this only prints the logins.
demo: migrate
	@$(STEP) -s demo $(BIN)/python -m core demo

# The last step line, "serve  N s  first page at URL", comes once "/" has answered. Logs are text
# for people here (LOG_FORMAT=json gives the production lines).
run: demo
	@exec env LOG_FORMAT=$${LOG_FORMAT:-text} $(BIN)/python -m core serve --host $(HOST) --port $(PORT) --announce

# Several stateless workers; needs DATABASE_URL=postgres://... (SQLite is one worker only).
serve-prod: migrate
	$(BIN)/python -m core serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# For cron: `make backup DIR=/srv/backups/$$(date +%F)`, then `make restore-check DIR=...` on it (see
# the README's "Operating it in production"). Each exits non-zero on any problem.
backup: install
	@test -n "$(DIR)" || { echo "usage: make backup DIR=/path/to/a/new/folder" >&2; exit 2; }
	$(BIN)/python -m core backup "$(DIR)"

restore-check: install
	@test -n "$(DIR)" || { echo "usage: make restore-check DIR=/path/to/a/backup" >&2; exit 2; }
	$(BIN)/python -m core restore-check "$(DIR)"

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The charts' stylesheet (pygal's rules for chart_style()), served from static/ under the CSP.
chart-css: install
	$(BIN)/python -c "from challenge.queries.dashboard import CHART_STYLESHEET, chart_stylesheet; CHART_STYLESHEET.write_text(chart_stylesheet())"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test browser-deps lint
	@bash tests/run_suite.sh

# The figures in the README's "Performance and reliability": load (wrk), the deadline rush, the solvers.
# kernel.py, catalogue.py and applications.py are finer, in-process probes: run them by hand.
BENCHES ?= load rush hostile matching assignment ranking schedule
bench: install-bench bench-deps
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
