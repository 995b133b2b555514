# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CLOCK ?=

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

# The import layers first (a second: a wrong-way import fails here, naming its line), then
# SQLite in a random order (the seed is printed: replay with PYTEST_ARGS="-p randomly
# --randomly-seed=N"), PostgreSQL in file order, then the unit suite once more with the clock
# moved to a day chosen by scripts/pick_clock.py (printed: replay with CLOCK=…).
test: install messages
	$(BIN)/lint-imports
	./scripts/system_packages.sh
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) test-clock

test-sqlite: install
	$(BIN)/python -m pytest -p randomly --durations=10 $(PYTEST_ARGS)

test-postgres: install
	./scripts/with_postgres.sh $(BIN)/python -m pytest -p no:randomly --durations=10 $(PYTEST_ARGS)

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
