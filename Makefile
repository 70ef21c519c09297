# Minyi — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test install translations messages bench clean help

help:
	@echo "make run    - set up, migrate, load demo data, serve on http://127.0.0.1:5000"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - generate data and run the benchmarks (see README)"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/python scripts/i18n.py compile

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

messages: $(STAMP)
	$(BIN)/python scripts/i18n.py update

bench: install translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
