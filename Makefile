# OpenIPS: two commands on a fresh machine.
#   make run   - .venv, install, migrate, demo data, Daphne on $(HOST):$(PORT) plus the task worker
#   make test  - dev dependencies, ruff, the whole pytest suite
#   make audit - installed packages against PyPI's advisories (AUDIT_STRICT=1: unchecked fails)
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test audit lint format bench clean python-check

# First interpreter >= 3.12 among python3.13, python3.12, python3, then pyenv's versions.
# pyenv shims for unselected versions fail when run, so each candidate is actually executed.
FIND_PYTHON = for c in python3.13 python3.12 python3 \
	  $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; \
	done

$(PY):
	@py=$$($(FIND_PYTHON)); \
	if [ -z "$$py" ]; then \
	  echo "OpenIPS needs Python >= 3.12 and none was found (tried python3.13, python3.12, python3, pyenv versions)." >&2; \
	  echo "Install one (e.g. 'pyenv install 3.13' or your distribution's python3.12 package) and run make again." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(STAMP)
	@command -v ffmpeg >/dev/null || echo "Note: ffmpeg is not installed; video processing will fail until it is (Debian/Ubuntu: sudo apt-get install ffmpeg)."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py media_recover
	@echo ""
	@echo "OpenIPS is starting on http://$(HOST):$(PORT)/"
	@echo "  Demo agenda:   http://$(HOST):$(PORT)/seminars/demo/"
	@echo "  Sign in:       http://$(HOST):$(PORT)/accounts/sign-in/"
	@echo "  Back office:   http://$(HOST):$(PORT)/admin/"
	@echo "  Demo logins (password 'demo'): organizer, agency, moderator, vendor"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(PY) manage.py db_worker --queue-name '*' & \
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Exit 1 on a known vulnerability; a package that could not be checked only warns unless
# AUDIT_STRICT=1 (tools/dependency_audit.py says why).
audit: $(DEV_STAMP)
	$(PY) -m tools.dependency_audit $(if $(filter 1 true yes,$(AUDIT_STRICT)),--strict)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
