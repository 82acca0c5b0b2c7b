# Masterly's commands. `make run` and `make test` work from a fresh clone with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup run test lint check-migrations pytest bench demo worker clean lock messages help

help:
	@echo "make run    set up, migrate, load the demo district once, serve http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite (lint, types, contracts, tests)"
	@echo "make lock   re-pin requirements.lock after changing pyproject.toml"

# The virtual environment, rebuilt whenever the lock file or pyproject.toml changes.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Masterly needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/masterly start

test: setup lint pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/masterly makemigrations --check --dry-run

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

demo: setup
	DEBUG=$${DEBUG:-1} $(BIN)/masterly migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/masterly demo

worker: setup
	DEBUG=$${DEBUG:-1} $(BIN)/masterly worker

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

# Spanish: gather the strings of the files families and students read (masterly/locale/
# family_files.txt) into masterly/locale, keeping what is translated; then translate the new
# entries and run `make messages` again to compile. Needs GNU gettext. The accounts catalog
# (activation and sign-in) is kept by hand. Both django.mo are committed (tests/i18n).
LOCALE_PO := masterly/locale/es/LC_MESSAGES/django.po
ACCOUNTS_PO := masterly/accounts/locale/es/LC_MESSAGES/django.po
messages: setup
	cp $(ACCOUNTS_PO) $(VENV)/accounts-django.po
	DEBUG=1 $(BIN)/masterly makemessages -l es --no-wrap --ignore=.venv --ignore=tests --ignore=bench
	cp $(VENV)/accounts-django.po $(ACCOUNTS_PO)
	set -f; msggrep --no-wrap $$(sed 's/^/-N /' masterly/locale/family_files.txt) -o $(LOCALE_PO) $(LOCALE_PO)
	msgattrib --no-wrap --clear-fuzzy --empty -o $(LOCALE_PO) $(LOCALE_PO)  # a guess is no translation
	msgfmt --check -o $(LOCALE_PO:.po=.mo) $(LOCALE_PO)
	msgfmt --check -o $(ACCOUNTS_PO:.po=.mo) $(ACCOUNTS_PO)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
