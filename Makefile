# The two commands of the README: `make demo` and `make test`.
# Both set everything up themselves on a fresh Debian machine with Python 3.11.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint typecheck pytest debian-packages clean

$(BIN)/ftm: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		(rm -rf $(VENV) && sh scripts/debian-packages.sh venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/ftm

# Debian packages the tests and benchmarks need (Dovecot for IMAP, Postfix's smtp-sink).
debian-packages:
	sh scripts/debian-packages.sh

demo: $(BIN)/ftm
	$(BIN)/ftm demo

lint: $(BIN)/ftm
	$(BIN)/ruff check ftm lists inbox mailer tests bench

typecheck: $(BIN)/ftm
	$(BIN)/mypy

pytest: $(BIN)/ftm debian-packages
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
