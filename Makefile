# PMS Ops: `make run` (the product on its embedded default) and `make test` (the whole suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_DB ?= pms_ops
PG_URL ?= postgres://postgres@127.0.0.1:5432/$(PG_DB)
# The suite connects as this runtime role (it owns nothing); PG_URL's superuser owns the test
# database, migrates it and creates the role if it is missing (conftest.py).
PG_RUNTIME_URL ?= postgres://pms_ops_app@127.0.0.1:5432/$(PG_DB)
REDIS_DB ?= 1
REDIS_TEST_URL ?= redis://127.0.0.1:6379/$(REDIS_DB)
PYTEST_ARGS ?=
# `make run` serves the product as its users get it (DEBUG off: the product's own error pages, no
# debug pages), keeping the embedded default's conveniences: plain HTTP on localhost, static files
# straight from the source tree (no collectstatic), e-mail printed on the console.
RUN_ENV := DEBUG=false SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SECURE_HSTS_SECONDS=0 WHITENOISE_USE_FINDERS=true EMAIL_URL=consolemail://

.PHONY: run test test-postgres test-sqlite lint bench drill chromium services clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

run: $(VENV)/.runtime
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	$(RUN_ENV) $(PY) manage.py demo_data
	@echo "PMS Ops: http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"
	PATH="$(abspath $(VENV))/bin:$$PATH" $(RUN_ENV) PMS_PORT=$(PORT) honcho -f Procfile start

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

services:
	@scripts/check-services

test: $(VENV)/.dev chromium services test-postgres test-sqlite lint

test-postgres:
	DATABASE_URL=$(PG_RUNTIME_URL) DATABASE_OWNER_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(PY) -m pytest -m "not sqlite" $(PYTEST_ARGS)

test-sqlite:
	DATABASE_URL= REDIS_URL= DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(PY) -m pytest -m "not postgres" $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev services
	DATABASE_URL=$(PG_URL)_bench REDIS_URL=$(REDIS_TEST_URL) \
		$(PY) -m bench

# Fault-injection drills at full size (docs/drills.md): their own PostgreSQL cluster and redis-server,
# so neither `services` nor PG_URL is used. `make drill DRILLS=drill_tamper` runs one.
DRILLS ?=
drill: $(VENV)/.dev
	$(PY) -m drills $(DRILLS)

clean:
	rm -rf $(VENV) var
