# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CLOCK ?=
# Processes for the PostgreSQL unit leg (pytest-xdist; each has its own test database).
PG_WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres test-clock screenshots lint format migrate demo worker messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel "setuptools<81"
	# xstatic-bootstrap ships only an sdist whose build needs pkg_resources (setuptools<81).
	$(BIN)/pip install -q --no-build-isolation "xstatic-bootstrap==5.3.8.0"
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(BIN)/python manage.py compile_catalogues

migrate: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py seed_demo

worker: install
	$(BIN)/python manage.py db_worker

# Development server with a task worker and the scheduler beside it; both stop with the server.
run: demo
	@$(BIN)/python manage.py db_worker >.worker.log 2>&1 & echo $$! >.worker.pid
	@$(BIN)/python manage.py run_scheduled --every 60 >.scheduler.log 2>&1 & echo $$! >.scheduler.pid
	@trap 'kill $$(cat .worker.pid) $$(cat .scheduler.pid) 2>/dev/null; rm -f .worker.pid .scheduler.pid' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The import layers first (a second: a wrong-way import fails here, naming its line). Then two
# legs. SQLite: the whole suite (browser journeys included) in a random order; the seed is
# printed (replay with PYTEST_ARGS="-p randomly --randomly-seed=N"). PostgreSQL: the suite
# without the browser, spread over PG_WORKERS processes (pytest-xdist, 2 by default), with the
# clock moved to a moment scripts/pick_clock.py draws
# (fiscal-year edges, year-end closure, holidays, 29 February...; printed: replay with CLOCK=…),
# then the tests that run subprocesses (they cannot follow the moved clock) on today's clock.
# `make test-clock` runs the unit suite on SQLite with a moved clock, for a quick local replay.
test: install messages
	$(BIN)/lint-imports
	./scripts/system_packages.sh
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	$(BIN)/python -m pytest -p randomly --durations=30 $(PYTEST_ARGS)

test-postgres: install
	@clock="$(CLOCK)"; [ -n "$$clock" ] || clock=$$($(BIN)/python scripts/pick_clock.py); \
	  echo "postgres leg, clock moved: TEST_CLOCK=$$clock"; \
	  ./scripts/with_postgres.sh sh -c '$(BIN)/python -m pytest -p no:randomly -n $(PG_WORKERS) \
	    --ignore=tests/e2e -m "not not_clock" --clock="$$0" --durations=30 $(PYTEST_ARGS) && \
	    $(BIN)/python -m pytest -p no:randomly --ignore=tests/e2e -m not_clock --durations=5 $(PYTEST_ARGS)' "$$clock"

test-clock: install
	@clock="$(CLOCK)"; [ -n "$$clock" ] || clock=$$($(BIN)/python scripts/pick_clock.py); \
	  echo "clock leg: TEST_CLOCK=$$clock"; \
	  $(BIN)/python -m pytest -p no:randomly --ignore=tests/e2e -m "not not_clock" --clock="$$clock" \
	    --durations=10 $(PYTEST_ARGS)

# The README's pictures, taken by browser journeys 1–3 from the current code.
screenshots: install messages
	./scripts/system_packages.sh
	README_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -p no:randomly tests/e2e/test_journeys.py -k test_1_to_4

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .test-media .test-private
