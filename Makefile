# The two commands of README.md: `make run` and `make test`. Both create .venv and
# install what they need first, so they work on a fresh clone with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrations-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; $(PYTHON) is " + sys.version.split()[0] + ". Try: make PYTHON=python3.12 ...") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

## install: create .venv and install every pinned dependency
install: $(VENV)/.installed

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

## test: install and run the whole suite (DATABASE_URL picks PostgreSQL; SQLite otherwise)
test: install
	$(BIN)/pytest

## lint: ruff, no model change without its migration, and imports that run one way (docs/architecture.md)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
