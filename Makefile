# Overstap: one vocabulary for developers and CI. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV  := .venv
PY    := $(VENV)/bin/python
RASA  := $(VENV)/bin/rasa
# rasa with the project's faster model loading (bot/rasa_cli.py), for commands that load a model
RASA_LOAD := $(PY) -m bot.rasa_cli
DEPS_STAMP := $(VENV)/.deps-stamp
NODE_STAMP := node_modules/.stamp
NLU_MIN_F1 ?= 0.90

# Rasa 3.6 runs on Python 3.8-3.10: look for a 3.10 interpreter on PATH and in pyenv.
PYTHON310 := $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 \
	/usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 \
	&& { echo "$$p"; break; }; done)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE = 1
export SQLALCHEMY_SILENCE_UBER_WARNING = 1

.PHONY: help run run-prod haproxy services bench-prod test setup deps node chromium lint format \
	validate pytest test-stories test-nlu eval train settings-docs lock clean check shell interactive

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: setup  ## install what is missing, then start everything (Ctrl-C stops it)
	@$(PY) -m bot run

run-prod: setup haproxy services  ## production shape: Rasa instances behind HAProxy, PostgreSQL, Redis, RabbitMQ, worker
	@$(PY) -m bot run-prod

haproxy:  ## Debian's haproxy for run-prod (installed when missing)
	@if [ ! -x /usr/sbin/haproxy ]; then \
		echo "==> installing Debian's haproxy for run-prod"; \
		if [ "$$(id -u)" != 0 ]; then echo "Run as root or: sudo apt-get install haproxy" >&2; exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; fi

# Starts each of the three when it does not answer and its program is installed (run-prod and
# the tests of the production shape need them).
services:  ## PostgreSQL, Redis and RabbitMQ on 127.0.0.1, started when they do not answer
	@if command -v pg_ctlcluster >/dev/null && ! (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		echo "==> starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; fi
	@if command -v redis-server >/dev/null && ! (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null; then \
		echo "==> starting Redis"; redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; fi
	@if command -v rabbitmq-server >/dev/null && ! (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null; then \
		echo "==> starting RabbitMQ"; rabbitmq-server -detached; \
		for i in $$(seq 60); do (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done; fi

bench-prod: setup haproxy services  ## load benchmark: today's main beside this tree, 1 and 2 instances (bench/results/)
	@$(PY) -m bench.load side-by-side

test: setup chromium haproxy services  ## the same set-up, then lint, data validation and every test
	@echo "==> lint (ruff)"
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	@$(MAKE) --no-print-directory validate pytest test-stories test-nlu
	@echo "==> make test: everything passed"

# The quick loop: lint and the unit tests (tests/unit: no server, no database server) that need no
# trained model, no PostgreSQL and no browser (pytest markers rasa, postgres, browser). The
# PostgreSQL URL points at a closed port, so a test that reaches for PostgreSQL without its
# marker fails here instead of passing quietly. tests/integration runs in `make test`.
check: deps  ## lint and the fast tests: no model, PostgreSQL or browser
	@started=$$SECONDS; \
	echo "==> lint (ruff)"; \
	$(VENV)/bin/ruff check .; \
	$(VENV)/bin/ruff format --check .; \
	echo "==> pytest tests/unit -m 'not rasa and not postgres and not browser'"; \
	OVERSTAP_TEST_POSTGRES_URL=postgresql://make-check@127.0.0.1:1/no_postgres_in_make_check \
		$(PY) -m pytest -q -m "not rasa and not postgres and not browser" tests/unit; \
	echo "==> make check: passed in $$((SECONDS - started)) s"

$(VENV)/bin/python:
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is nodig (Rasa 3.6 werkt met 3.8-3.10). Installeer het, bijvoorbeeld: pyenv install 3.10 of apt-get install python3.10 python3.10-venv" >&2; \
		exit 1; fi
	@echo "==> creating $(VENV) with $(PYTHON310)"
	@"$(PYTHON310)" -m venv $(VENV)

$(DEPS_STAMP): requirements.txt constraints.txt pyproject.toml | $(VENV)/bin/python
	@echo "==> installing pinned Python packages (first time: a few minutes)"
	@$(PY) -m pip install --disable-pip-version-check -q --upgrade "pip==24.2" "setuptools==70.3.0" "wheel==0.45.1"
	@$(PY) -m pip install --disable-pip-version-check --progress-bar on \
		-r requirements.txt -c constraints.txt
	@$(PY) -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	@touch $@

deps: $(DEPS_STAMP)  ## create the virtualenv and install the pinned packages

$(NODE_STAMP): package.json package-lock.json
	@echo "==> installing JavaScript packages (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: $(NODE_STAMP)  ## install the chat page's JavaScript packages from the lock file

setup: deps node  ## Dutch spaCy pipeline, database with seed catalog, model (when data changed)
	@$(PY) -m bot setup

chromium:  ## Debian's chromium for the browser tests (installed when missing)
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "==> installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" != 0 ]; then echo "Run as root or: sudo apt-get install chromium" >&2; exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

lint:  ## ruff check and format check
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:  ## format the code with ruff
	@$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# Responses that only actions use (reasons, labels) are "not used in any story"; every other
# warning fails the build.
validate:  ## rasa data validate (fails on errors and on warnings other than unused responses)
	@echo "==> rasa data validate"
	@mkdir -p results
	@$(RASA) data validate > results/validate.log 2>&1 || { cat results/validate.log; exit 1; }
	@if grep -E "UserWarning|WARNING" results/validate.log | grep -v "is not used in any story or rule"; then \
		echo "rasa data validate: fix the warnings above" >&2; exit 1; fi
	@echo "    data is valid"

pytest:  ## unit, integration (SQLite, PostgreSQL, Rasa REST) and browser tests
	@echo "==> pytest"
	@$(PY) -m pytest -q

test-stories:  ## Rasa test stories, failing on any prediction error
	@echo "==> rasa test stories (tests/test_*.yml)"
	@$(RASA_LOAD) test core --stories tests/ --fail-on-prediction-errors --out results/core --quiet \
		> results-core.log 2>&1 || { tail -40 results-core.log; cat results/core/failed_test_stories.yml 2>/dev/null | head -80; rm -f results-core.log; exit 1; }
	@rm -f results-core.log
	@echo "    all test stories passed"

test-nlu:  ## NLU test on tests/nlu_test.yml with a score threshold
	@echo "==> rasa test nlu (tests/nlu_test.yml, intent macro-F1 >= $(NLU_MIN_F1))"
	@$(RASA_LOAD) test nlu --nlu tests/nlu_test.yml --out results/nlu --no-plot --quiet > results-nlu.log 2>&1 \
		|| { tail -40 results-nlu.log; rm -f results-nlu.log; exit 1; }
	@rm -f results-nlu.log
	@$(PY) -m bot nlu-score results/nlu --min-f1 $(NLU_MIN_F1)

eval:  ## NLU intent and entity reports, confusion matrix and F1 per intent group in results/nlu
	@$(RASA_LOAD) test nlu --nlu tests/nlu_test.yml --out results/nlu --model models/overstap.tar.gz
	@test -f results/nlu/intent_confusion_matrix.png || { echo "no confusion matrix was written" >&2; exit 1; }
	@$(PY) -m bot nlu-score results/nlu --min-f1 0

# `make shell` and `make interactive` need the action server (endpoints.yml: 127.0.0.1:5055).
# One already answering there (from `make run`) is used; otherwise one is started for the
# duration of the command (log in var/log/actions-dev.log) and stopped afterwards. Rasa itself
# listens on 5005, or on a free port when 5005 is taken.
define with_action_server
	mkdir -p var/log; \
	port_free() { ! $(PY) -c 'import socket,sys; s=socket.socket(); s.settimeout(0.3); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$$1"; }; \
	if ! port_free 5055; then \
		if curl -fs -o /dev/null --max-time 2 http://127.0.0.1:5055/health; then \
			echo "==> using the action server already running on 127.0.0.1:5055"; \
		else echo "Port 5055 is taken by something that is not an action server." >&2; exit 1; fi; \
	else \
		echo "==> starting the action server on 127.0.0.1:5055 (log: var/log/actions-dev.log)"; \
		SANIC_HOST=127.0.0.1 $(PY) -m rasa_sdk --actions actions --port 5055 > var/log/actions-dev.log 2>&1 & actions_pid=$$!; \
		trap 'kill $$actions_pid 2>/dev/null; wait $$actions_pid 2>/dev/null; echo "==> action server stopped"' EXIT; \
		trap 'exit 130' INT TERM; \
		for i in $$(seq 120); do \
			curl -fs -o /dev/null --max-time 2 http://127.0.0.1:5055/health && break; \
			kill -0 $$actions_pid 2>/dev/null || { tail -20 var/log/actions-dev.log; exit 1; }; \
			sleep 0.5; done; \
		curl -fs -o /dev/null --max-time 2 http://127.0.0.1:5055/health || { \
			echo "The action server did not answer within a minute; see var/log/actions-dev.log" >&2; exit 1; }; \
	fi; \
	port=5005; \
	if ! port_free $$port; then \
		port=$$($(PY) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
		echo "==> port 5005 is taken (make run?); Rasa listens on $$port"; fi
endef

shell: setup  ## talk to the model in the terminal (starts the action server for the duration)
	@$(with_action_server); \
	echo "==> rasa shell (loading the model takes about 30 s; /stop ends it, or Ctrl-C twice)"; \
	$(RASA_LOAD) shell --port $$port

interactive: setup  ## rasa interactive on the trained model (starts the action server for the duration)
	@$(with_action_server); \
	echo "==> rasa interactive (story graph on http://localhost:$$((port + 1))/visualization.html)"; \
	$(RASA_LOAD) interactive --model models/overstap.tar.gz --port $$port

train: deps  ## train the Rasa model now, even when nothing changed
	@$(PY) -m bot setup --force-train

settings-docs: deps  ## make .env.example and the README's settings table from bot/settings.py
	@$(PY) -m bot settings --write-docs

lock:  ## rewrite constraints.txt from the current virtualenv
	@$(PY) -m pip freeze --exclude-editable | grep -v '^overstap' > constraints.txt

clean:  ## remove the virtualenv, models, databases and results
	rm -rf $(VENV) node_modules var results models/*.tar.gz models/spacy models/.fingerprint
