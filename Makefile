# maatwerk-hub developer commands. `make run` starts the whole stack locally, `make test` runs every
# test (the fixtures start Kafka and PostgreSQL themselves), `make lint` checks the code.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# The first Python >= 3.11: the distribution's (/usr/bin) before those on PATH (override with `make
# PYTHON=/path/to/python3 venv`). A distribution builds its interpreter with profile-guided and
# link-time optimisation; pyenv's default build has neither and calls through a shared libpython:
# on this machine the hub's import took 1.93 s of CPU on pyenv's 3.11.7 and 1.68 s on Debian's
# 3.11.2 (the least of six runs each), the API tests 15% more. Every test process and every
# process of the stack runs on the venv's interpreter, and a test run is CPU-bound.
PYTHON ?= $(shell for p in /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 \
	python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
# The project is installed with uv (fetches and installs in parallel: ~10 s on a fresh clone where
# pip took two minutes); pip does it if uv cannot be had. pip stays in the venv (the plug-in test
# installs a package with it). uv compiles the packages' bytecode as it installs (both cores, about
# 6 s; pip does so by itself): without it, the first processes of `make test` (four test workers,
# the clock run, the first stacks) each compiled the same libraries at once, 15 s of CPU apiece.
UV := uv>=0.13,<0.14
LOCAL_KAFKA := deploy/kafka/local-kafka.sh
LOCAL_POSTGRES := deploy/postgres/local-postgres.sh
KAFKA_CLUSTER_DIR := .var/kafka-cluster
PYTEST_ARGS ?=
# Test processes of `make test` (pytest-xdist): the real-broker tests mostly wait (a quiet run with three
# kept 1.2 of the two cores busy on average), so four overlap on two cores; each has its own broker
# and PostgreSQL. Four passed at load 7-16 (other work on the machine) on 7 December.
TEST_WORKERS ?= 4
ARGS ?=
# `make test` on TEST_WORKERS processes: a module is one unit of work (its module fixtures, such as
# a stack, on one worker), the modules that share a session or package fixture one unit together
# (tests/support/scheduling.py: GROUPS), in the order of `testpaths` (the long ones first).
XDIST := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
# The long soak and fault variants (marker `slow`): `make test-slow` runs them, `make test` not.
SLOW_MARKERS := slow
# The tests `make check` runs: those that need no broker, no PostgreSQL, no browser and no stack (the
# fixtures of those add their marker, tests/conftest.py).
CHECK_MARKERS := not kafka and not postgres and not e2e and not browser and not faults
# Python may cache compiled modules even where the environment says not to: every test process and
# every process of the stack would otherwise compile the project (and pytest rewrite its plugins)
# again on each start, seconds each.
unexport PYTHONDONTWRITEBYTECODE
# Moments at which a hub that keeps Dutch calendar days is easy to get wrong: a year end in the hour
# the Netherlands is a day ahead of UTC, both daylight-saving switches, the last minute of a leap day.
CLOCK_MOMENTS ?= 2026-12-31T23:30:00+00:00 2027-03-28T01:30:00+00:00 2027-10-31T00:30:00+00:00 2028-02-29T22:59:00+00:00

.PHONY: help venv kafka-jars k8s run check test test-slow test-unit test-api test-integration test-readme test-e2e test-faults test-clock test-clock-unit lint format clean distclean

help: ## this list
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## .venv with the project (editable) and its dev tools

# Rebuilt only when pyproject.toml changes (or the venv's Python is too old).
$(VENV_STAMP): pyproject.toml
	@[[ -n "$(PYTHON)" ]] || { echo "make: no Python >= 3.11 found; set PYTHON=..." >&2; exit 1; }
	@if [[ -x $(BIN)/python ]] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		echo "make: $(VENV) has a Python older than 3.11: recreating it"; rm -rf $(VENV); fi
	[[ -x $(BIN)/python ]] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '$(UV)' \
		&& $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]' \
		|| $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

kafka-jars: ## fetch the pinned Apache Kafka jars (cached in ~/.cache/maatwerk-hub)
	$(LOCAL_KAFKA) fetch

k8s: venv ## regenerate deploy/k8s/ (Strimzi topics and users, hub, connectors) and validate it
	$(BIN)/python scripts/generate_k8s.py
	$(BIN)/python scripts/generate_k8s.py --check

run: venv kafka-jars ## the whole stack (Ctrl-C stops all); its options: make run ARGS="--port-offset 100"
	$(BIN)/python deploy/stack.py $(ARGS)

# `make check` runs the linters in the background while the tests run (the tests take the time; the
# linters, seconds with their caches, would otherwise come first and add to it). Their output is
# kept and printed after the tests', and the check fails if either failed.
LINTERS := "ruff check ." "ruff format --check ." "mypy hub connectors schemas simulators" "lint-imports"

check: venv ## while working: lint, types, and every test that needs no broker, database server, browser or stack, in parallel
	@lint_log=$$(mktemp); trap 'rm -f "$$lint_log"' EXIT; \
	( rc=0; for linter in $(LINTERS); do echo "+ $$linter"; $(BIN)/$$linter || rc=1; done; exit $$rc ) \
		>"$$lint_log" 2>&1 & lint_pid=$$!; \
	tests=0; MAATWERK_FUZZ=quick $(BIN)/pytest -n auto --dist worksteal -q -m "$(CHECK_MARKERS)" \
		$(PYTEST_ARGS) || tests=$$?; \
	lint=0; wait $$lint_pid || lint=$$?; \
	echo; echo "linters:"; cat "$$lint_log"; \
	if (( lint )); then echo "make check: a linter failed (above)" >&2; fi; \
	if (( tests )); then echo "make check: tests failed (pytest exit $$tests)" >&2; fi; \
	(( ! lint && ! tests ))

# The browser tests' Chromium is looked for (and installed when missing, deploy/browser/chromium.sh)
# as the run begins, beside the tests: an install (apt-get, about a minute) then overlaps the first
# tests instead of holding up the worker that reaches the browser tests; their own call waits for
# it. Its failure is theirs to report.
CHROMIUM_SH := deploy/browser/chromium.sh
# The unit tests at the other clock moments run beside the main run, one process, their output
# kept and printed after the main run's: the main run waits on brokers and processes much of its
# time, and one after the other they added a minute and a half. They run at the lowest priority
# (nice 19): they take the CPU the main run leaves (about 90 s of the two cores' time idle in a
# 6-minute run), not the CPU a broker or a stack needs; at nice 10 they still took a tenth of it.
# Each test worker starts its broker as it begins, while it collects the tests
# (MAATWERK_TEST_EARLY_START, tests/conftest.py).
test: venv kafka-jars ## every test but the long soak/fault variants, on TEST_WORKERS processes (each its own Kafka and PostgreSQL); beside it the unit tests at other moments
	@clock_log=$$(mktemp); trap 'rm -f "$$clock_log"' EXIT; \
	$(CHROMIUM_SH) path >/dev/null 2>&1 & browser_pid=$$!; \
	nice -n 19 $(MAKE) --no-print-directory test-clock-unit TEST_WORKERS=0 >"$$clock_log" 2>&1 & clock_pid=$$!; \
	tests=0; MAATWERK_TEST_EARLY_START=1 $(BIN)/pytest $(XDIST) -m "not $(SLOW_MARKERS)" $(PYTEST_ARGS) \
		|| tests=$$?; \
	wait $$browser_pid || true; \
	clock=0; wait $$clock_pid || clock=$$?; \
	echo; echo "unit tests at other clock moments:"; cat "$$clock_log"; \
	if (( clock )); then echo "make test: unit tests failed at another clock moment (above)" >&2; fi; \
	if (( tests )); then echo "make test: tests failed (pytest exit $$tests)" >&2; fi; \
	(( ! clock && ! tests ))

test-slow: venv kafka-jars ## the long soak and fault variants (marker slow): the full fault suite, the long broker outage; the API fuzzed with schemathesis' coverage phase
	$(BIN)/pytest -m "$(SLOW_MARKERS)" -s $(PYTEST_ARGS)
	MAATWERK_FUZZ=coverage $(BIN)/pytest -q tests/api/hub/test_fuzz.py $(PYTEST_ARGS)

# At another moment only the test process moves: a test that checks what a child process does
# (marker `subprocess`) says nothing new there, and the generators draw the quick set (the main run
# draws the full one); 12 s of CPU a moment instead of 20.
CLOCK_RUN := MAATWERK_FUZZ=quick
CLOCK_MARKERS := not subprocess

test-clock-unit: venv ## the unit tests at each of CLOCK_MOMENTS (the test process moved there by time-machine)
	for at in $(CLOCK_MOMENTS); do \
		echo "clock: unit tests at $$at"; \
		MAATWERK_TEST_NOW=$$at $(CLOCK_RUN) $(BIN)/pytest -n $(TEST_WORKERS) tests/unit -q -m "$(CLOCK_MARKERS)" $(PYTEST_ARGS); \
	done

test-clock: venv ## the unit and API tests at each of CLOCK_MOMENTS, or at one: make test-clock CLOCK_MOMENTS=...
	for at in $(CLOCK_MOMENTS); do \
		echo "clock: unit and API tests at $$at"; \
		MAATWERK_TEST_NOW=$$at $(CLOCK_RUN) $(BIN)/pytest tests/unit tests/api -q -m "$(CLOCK_MARKERS)" $(PYTEST_ARGS); \
	done

test-unit: venv ## unit tests only: no FastAPI, no database, no broker
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-api: venv ## HTTP APIs (hub, simulators) in process, SQLite and FastStream's in-memory broker
	$(BIN)/pytest tests/api $(PYTEST_ARGS)

test-integration: venv kafka-jars ## integration tests (real Kafka / PostgreSQL)
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

test-readme: venv kafka-jars ## the README's walk-through, run as written against a fresh make run
	$(BIN)/pytest tests/e2e/test_readme.py $(PYTEST_ARGS)

test-e2e: venv kafka-jars ## end-to-end tests (the stack as processes)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

.PHONY: kafka-cluster
kafka-cluster: venv kafka-jars ## a local three-node Kafka cluster, 127.0.0.1:29092-29094 (.var/kafka-cluster)
	$(LOCAL_KAFKA) start --nodes 3 --port 29092 --data-dir $(KAFKA_CLUSTER_DIR)

test-faults: venv kafka-jars ## the whole fault suite, short and long variants: kills, freezes, broker restarts, hostile records under load
	$(BIN)/pytest tests/faults -s $(PYTEST_ARGS)

lint: venv ## ruff (lint and format check), mypy, and the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy hub connectors schemas simulators
	$(BIN)/lint-imports

format: venv ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## stop the local broker and database, remove .var/ and caches (keeps .venv and the jars)
	-$(LOCAL_KAFKA) stop
	-$(LOCAL_KAFKA) stop --data-dir $(KAFKA_CLUSTER_DIR)
	-$(LOCAL_POSTGRES) stop
	rm -rf .var build dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV) *.egg-info

.PHONY: bench
bench: venv kafka-jars ## raw Kafka, then the whole stack, each figure beside the raw one and its target; ARGS="--smoke" / "--json"
	$(BIN)/python -m bench $(ARGS)
