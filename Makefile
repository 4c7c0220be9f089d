# canbao: the two commands of a fresh machine are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` serves pages as users get them: DEBUG off, so errors show the Chinese 403/404/500 pages and never
# Django's technical pages; a secret key generated once for this machine; static files collected and served by
# WhiteNoise; plain HTTP on the loopback address. `DJANGO_DEBUG=1 make run` brings Django's debug pages back.
DJANGO_DEBUG ?= 0
DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
SECRET_KEY_FILE := .django-secret-key
RUN_ENV = DJANGO_DEBUG=$(DJANGO_DEBUG) DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	DJANGO_ALLOWED_HOSTS=$(DJANGO_ALLOWED_HOSTS) DJANGO_SECURE_COOKIES=0 DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_HSTS_SECONDS=0

.PHONY: run test test-worker install migrate lint chromium bench load screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every other target installs first, but only when the dependencies changed since (the stamp file is older than
# pyproject.toml, package.json or package-lock.json); `make install` itself always installs.
INSTALLED := $(VENV)/.installed

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	npm install --omit=dev --no-audit --no-fund
	touch $(INSTALLED)

$(INSTALLED): pyproject.toml package.json package-lock.json | $(BIN)/python
	$(MAKE) install

migrate: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput

$(SECRET_KEY_FILE):
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: migrate $(SECRET_KEY_FILE)
	$(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's chromium; install it when it is missing (needs root).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# pytest-xdist: one test process per core; each has its own test database.
test: $(INSTALLED) chromium
	$(BIN)/pytest -n auto

# Needs Redis: CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make test-worker
test-worker: $(INSTALLED)
	$(BIN)/pytest -m celery_worker

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy .

# The province-scale benchmark (bench/run.py), then the simulation of a policy draft over a county
# (bench/policy_impact.py, which empties the registry and builds its own county), then the progress job over one
# year of the province's 26 million enrollments (bench/province_progress.py, which empties it again) on the same
# scratch PostgreSQL database, dropped at the end whatever happened; each writes its part of BENCHMARKS.md.
# BENCH_SCALE=0.01 make bench is a quick check; at 1.0 it takes well over an hour on 2 cores.
BENCH_SCALE ?= 1.0
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= canbao_bench
bench: $(INSTALLED)
	dropdb -h 127.0.0.1 -U postgres --force --if-exists $(BENCH_DB)
	createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) $(BIN)/python manage.py migrate --noinput -v0
	export DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) BENCH_SCALE=$(BENCH_SCALE); \
		$(BIN)/python bench/run.py && $(BIN)/python bench/policy_impact.py && \
		$(BIN)/python bench/province_progress.py; \
		status=$$?; dropdb -h 127.0.0.1 -U postgres --force --if-exists $(BENCH_DB); exit $$status

# The clerk flow under load (bench/load.py): 50 clients for 2 minutes on loopback; its section of BENCHMARKS.md.
LOAD_DB ?= canbao_load
load: $(INSTALLED)
	dropdb -h 127.0.0.1 -U postgres --force --if-exists $(LOAD_DB)
	createdb -h 127.0.0.1 -U postgres $(LOAD_DB)
	DATABASE_URL=$(BENCH_PG)/$(LOAD_DB) $(BIN)/python bench/load.py; \
		status=$$?; dropdb -h 127.0.0.1 -U postgres --force --if-exists $(LOAD_DB); exit $$status

# The README's screenshots (docs/window.png, docs/dashboard.png) from the demo: run `make run` first, in another terminal.
screenshots: $(INSTALLED) chromium
	@fc-list :lang=zh | grep -q . || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk)
	$(BIN)/python scripts/screenshots.py
