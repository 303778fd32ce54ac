# The two commands of README.md: `make run` and `make test`. Both create .venv and
# install what they need first, so they work on a fresh clone with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock run test lint format migrations-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; $(PYTHON) is " + sys.version.split()[0] + ". Try: make PYTHON=python3.12 ...") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# From the lock, with hashes: every package, direct or not, at the version and the very files
# that `make lock` recorded. (The lock pins pip itself, which upgrades itself first.)
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.lock
	@touch $@

## install: create .venv and install every locked dependency (requirements-dev.lock)
install: $(VENV)/.installed

# The human lists are requirements*.txt; the locks are generated from them, never edited.
# The dev lock takes the production lock as a constraint, so both pin the same versions.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
## lock: regenerate requirements.lock and requirements-dev.lock after editing a requirements*.txt.
## Pins already in a lock are kept; to move one transitive package to its latest release:
## make lock LOCK_ARGS="--upgrade-package kombu" (or --upgrade-package kombu==5.6.0).
lock: install
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) $(LOCK_ARGS) --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

## run: install, migrate, load the demo data, then serve http://127.0.0.1:$(PORT)/ (8000 by default) with a
## Celery worker and beat (Procfile, via honcho). Redis if REDIS_URL is set, else an
## embedded filesystem broker under var/.
run: export DEBUG ?= true
# Links in emails and the printed login follow the port actually served.
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) TRACKER_PORT=$(PORT) $(BIN)/honcho -f Procfile start

## test: install and run the whole suite (DATABASE_URL picks PostgreSQL; SQLite otherwise), in
## one worker process per core (pytest-xdist; at most 4: each has its own test database and
## Redis database). Plain `.venv/bin/pytest` runs in one process.
test: install
	$(BIN)/pytest -n auto --maxprocesses 4

## lint: ruff, the locks in step with requirements*.txt, no model change without its migration, and
## imports that run one way (docs/architecture.md)
lint: install
	$(BIN)/python .ci/check_locks.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
