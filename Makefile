# Zicht — the two commands a new engineer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY310 = $(shell scripts/find-python 3.10)
PY312 = $(shell scripts/find-python 3.12)
APP_VENV := .venv
RASA_VENV := .venv-rasa
APP_PY := $(APP_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
MODEL := models/zicht.tar.gz
CHARS := models/langid_chars.npz
WORDS := models/langid_words.npz
DOMAIN := var/domain/domain.yml
TRAINING_DATA := $(shell find data -name '*.yml' -not -path 'data/identifying/*' 2>/dev/null) config.yml domain.yml $(wildcard bot/nlu/*.py)
NLU_MIN_F1 ?= 0.95
RASA_ENV := RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=$(CURDIR)
RASA_DATA := data/nlu data/rules
VALIDATION_DATA := $(RASA_DATA) tests/validation

.PHONY: help install run train lint format validate test test-stories test-nlu test-rasa-env test-python test-browser browser-deps audit bench bench-flood bench-langid bench-load clean

help:
	@echo "make run    set up everything and run Zicht on http://127.0.0.1:8080"
	@echo "make test   set up everything and run the whole test suite"
	@echo "other: install train lint format validate audit test-stories test-nlu test-python test-browser"
	@echo "benchmarks: bench bench-flood bench-langid bench-load"

install: $(APP_VENV)/.installed $(RASA_VENV)/.installed

# The app env (Python 3.12): bot + actions, pinned by requirements/app.lock.
$(APP_VENV)/.installed: pyproject.toml requirements/app.lock
	@test -n "$(PY312)" || { echo "Python 3.12 is needed for the app environment." >&2; exit 1; }
	$(PY312) -m venv $(APP_VENV)
	$(APP_PY) -m pip install --quiet --upgrade pip
	$(APP_PY) -m pip install --quiet -c requirements/app.lock -e '.[dev]'
	touch $@

# The Rasa env (Python 3.10): Rasa Open Source 3.6.21 + langdetect, pinned by requirements/rasa.lock.
$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -n "$(PY310)" || { echo "Python 3.10 is needed for Rasa 3.6.21." >&2; exit 1; }
	$(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RASA_VENV)/bin/python -m pip install --quiet -r requirements/rasa.lock
	touch $@

$(DOMAIN): domain.yml $(wildcard data/texts/*.yml) bot/texts/build_domain.py $(APP_VENV)/.installed
	$(APP_PY) -m bot.texts.build_domain var/domain

# The language detection's character n-gram model (bot/nlu/langid_chars.py), learned from word
# lists that ship in packages (wordfreq, simplemma); deterministic, ~2.5 min; never committed.
$(CHARS): bot/nlu/langid_chars.py bot/nlu/langid_data.py requirements/app.lock | $(APP_VENV)/.installed
	$(APP_PY) -m bot.nlu.langid_chars --out $@

# Its word tables (bot/nlu/langid_words.py): wordfreq's lists and simplemma's word forms, hashed;
# deterministic, ~1 min; never committed.
$(WORDS): bot/nlu/langid_words.py bot/nlu/langid_data.py requirements/app.lock | $(APP_VENV)/.installed
	$(APP_PY) -m bot.nlu.langid_words --out $@

# Trains only when the model is missing or its training data changed.
$(MODEL): $(TRAINING_DATA) $(DOMAIN) $(CHARS) $(WORDS) $(RASA_VENV)/.installed
	$(RASA_ENV) $(RASA) train --config config.yml --domain var/domain --data $(RASA_DATA) \
		--out models --fixed-model-name zicht
	touch $@

train: $(MODEL)

run: install $(MODEL)
	$(APP_PY) -m bot.run

lint: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .

format: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff check --fix .
	$(APP_VENV)/bin/ruff format .

validate: $(DOMAIN) $(RASA_VENV)/.installed
	$(RASA_ENV) $(RASA) data validate --fail-on-warnings --config config.yml --domain var/domain \
		--data $(VALIDATION_DATA)

test-stories: $(MODEL)
	$(RASA_ENV) $(RASA) test core --model $(MODEL) --stories tests/stories \
		--fail-on-prediction-errors --out results/stories

# Loads the model once and prints intent F1 per language on tests/nlu (held out from training).
# Our own code that runs inside Rasa (bot/nlu/rasa_*.py, intent_classifier.py,
# tfidf_scores.py), checked in the Rasa env.
test-rasa-env: $(DOMAIN) $(MODEL) $(RASA_VENV)/.installed
	$(RASA_ENV) $(RASA_VENV)/bin/python -m tests.rasa_env.check_speedups var/domain
	$(RASA_ENV) $(RASA_VENV)/bin/python -m tests.rasa_env.check_runner_and_tracker $(MODEL)
	$(RASA_ENV) $(RASA_VENV)/bin/python -m tests.rasa_env.check_intent_classifier

test-nlu: $(MODEL)
	$(RASA_ENV) $(RASA_VENV)/bin/python -m benchmarks.nlu_eval $(MODEL) tests/nlu results/nlu \
		--min-f1 $(NLU_MIN_F1)

# Debian's Chromium (Playwright cannot download browsers here) and axe-core from npm.
browser-deps:
	scripts/install-browser-deps

test-python: $(MODEL) $(APP_VENV)/.installed browser-deps
	$(APP_PY) -m pytest

test-browser: $(MODEL) $(APP_VENV)/.installed browser-deps
	$(APP_PY) -m pytest tests/browser -q

# Known vulnerabilities of the app environment's pinned packages (PyPI advisory data).
audit: $(APP_VENV)/.installed
	$(APP_VENV)/bin/pip-audit -r requirements/app.lock --no-deps --disable-pip --progress-spinner off

test: install lint validate audit test-rasa-env test-stories test-nlu test-python

bench: install $(MODEL)
	$(APP_PY) -m benchmarks.chat_latency

bench-langid: $(APP_VENV)/.installed $(CHARS) $(WORDS)
	$(APP_PY) -m benchmarks.langid

bench-flood: install $(MODEL)
	$(APP_PY) -m benchmarks.flood --rotate

# Residents and victims at person pace and saturated: embedded, production (2 Rasa, Redis,
# PostgreSQL) and the stock `rasa init` bot; prints PASS/MISS against the targets.
bench-load: install $(MODEL)
	$(APP_PY) -m benchmarks.load

clean:
	rm -rf results var/domain .pytest_cache .ruff_cache
