# The two set-up commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := conduct_portal.settings

.PHONY: run test serve lint audit messages bench bench-scale clean chromium importer-tools pdf-tools slapd postgres-server

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Embedded default: SQLite, eager Celery, console e-mail, demo data.
run: export DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	@# Without root, Pango may stay missing: the portal then runs, and its PDF pages say so.
	-@$(MAKE) --no-print-directory pdf-tools
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Cổng đang chạy: http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The importer's tools: LibreOffice converts .doc/.odt/.rtf, Tesseract reads scans.
importer-tools:
	@command -v soffice >/dev/null && command -v tesseract >/dev/null && ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui tesseract-ocr tesseract-ocr-vie >/dev/null)

# WeasyPrint's system libraries (Pango, HarfBuzz's subsetter) for every PDF the portal makes.
pdf-tools:
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libharfbuzz-subset.so.0 || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null) || \
		(echo "PDFs need Pango: install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 (as root: make pdf-tools)" && exit 1)

# OpenLDAP's server for the directory-sync tests, which start their own slapd.
slapd:
	@command -v slapd >/dev/null || test -x /usr/sbin/slapd || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null)

# PostgreSQL's server binaries for the replica test, which starts its own primary and
# standby (tests/reports/replica/); the package is told to create no cluster of its own.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || (apt-get update -qq && \
		mkdir -p /etc/postgresql-common/createcluster.d && \
		echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main-cluster.conf && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

# Tests run as production does (DEBUG off), over plain HTTP on localhost.
test: export DEBUG = false
test: export SECRET_KEY ?= test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz
test: export SECURE_SSL_REDIRECT = false
test: export ALLOWED_HOSTS = localhost,127.0.0.1,testserver
test: $(VENV)/.installed-dev chromium importer-tools pdf-tools slapd postgres-server
	@services="$$($(BIN)/python bin/test_services.py)" || exit 1; eval "$$services"; \
	$(BIN)/pytest $(PYTEST_ARGS)

# Production-like on one machine: gunicorn, a Celery worker and beat (Procfile).
serve: $(VENV)/.installed pdf-tools
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || (echo "make serve needs DATABASE_URL and REDIS_URL" && exit 1)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Known vulnerabilities in the pinned requirements (pip-audit); an unreachable
# advisory service is reported, not a failure.
audit: $(VENV)/.installed-dev
	$(BIN)/python bin/audit.py

messages: export DEBUG = true
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l en --no-wrap --no-location --ignore=.venv --ignore=bench --ignore=tests --ignore=.mutation
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.mutation

# Benchmarks run by hand against PostgreSQL; see bench/README.md.
bench: $(VENV)/.installed-dev
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/conduct_bench} \
	$(BIN)/python bench/bench_acknowledgements.py --people 100000 --units 1000 --directives 50

# The portal at a ministry's scale (issue 15), each figure beside its limit; see bench/README.md.
bench-scale: $(VENV)/.installed-dev
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/conduct_bench} \
	$(BIN)/python bench/bench_scale.py --people 100000 --units 1000 --directives 50 $(SCALE_ARGS)

# Load test of gunicorn + Celery + Redis (db 9) + PostgreSQL on this machine; see bench/README.md.
load: $(VENV)/.installed-dev
	DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/conduct_load} \
	$(BIN)/python bench/load.py $(LOAD_ARGS)

# Mutation testing by hand, never in CI: each module of [tool.mutation.modules] in
# pyproject.toml against its own tests, on SQLite; MODULES=core/uploads.py picks some.
# Survivors judged equivalent are listed in tests/MUTATION.md.
.PHONY: mutation
mutation: $(VENV)/.installed-dev
	env -u CI $(BIN)/python tests/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-output
