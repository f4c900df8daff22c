# OpenIPS: two commands on a fresh machine. `make` or `make help` lists the targets.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run test test-fast audit lint format bench clean python-check messages compilemessages

help:
	@echo "OpenIPS. Targets:"
	@echo "  make run        .venv, install, migrate, demo data, then the site on http://$(HOST):$(PORT)/"
	@echo "                  with the task worker (HOST=0.0.0.0 to reach it from another machine)."
	@echo "                  First run: 2-5 minutes of installing. Stop with Ctrl-C."
	@echo "  make test       ruff, migrations check and the whole test suite (10-15 minutes)"
	@echo "  make test-fast  the suite without browsers and subprocess servers, on every core"
	@echo "  make lint       ruff check and format check"
	@echo "  make format     ruff fix and format"
	@echo "  make audit      installed packages against PyPI's advisories (AUDIT_STRICT=1: unchecked fails)"
	@echo "  make bench      the benchmark of BENCHMARKS.md (about 20 minutes)"
	@echo "  make messages   refresh every catalogue (locale/ and each app's locale/) from the code"
	@echo "  make compilemessages  the .mo files from the .po files (both are committed)"
	@echo "  make clean      remove .venv, the SQLite database, media and collected static files"
	@echo "Production: docs/deployment.md (container image, Compose, Kubernetes, systemd)."

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

# pip prints one line per package it collects: the first run takes minutes, and shows it.
$(STAMP): pyproject.toml | $(PY)
	@echo "Installing OpenIPS's dependencies into $(VENV) (first run: 2-5 minutes)..."
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --progress-bar off -e . | grep --line-buffered -E '^(Collecting|Successfully)' || true
	@$(PY) -c 'import django, channels, daphne' || { echo "Installing failed; see the pip output above." >&2; exit 1; }
	@touch $@
	@echo "Dependencies installed."

$(DEV_STAMP): pyproject.toml $(STAMP)
	@echo "Installing the test tools (first time: 1-2 minutes)..."
	@$(PY) -m pip install --progress-bar off -e '.[dev]' | grep --line-buffered -E '^(Collecting|Successfully)' || true
	@$(PY) -c 'import pytest, playwright' || { echo "Installing failed; see the pip output above." >&2; exit 1; }
	@touch $@

run: $(STAMP)
	@command -v ffmpeg >/dev/null || echo "Note: ffmpeg is not installed; video processing will fail until it is (Debian/Ubuntu: sudo apt-get install ffmpeg)."
	@echo "Preparing the database (migrations, demo data)..."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py media_recover
	@# tools/run.py starts Daphne and the worker and stops both cleanly on Ctrl-C or SIGTERM.
	@exec $(PY) -m tools.run --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	@# The whole suite: what is safe to share a run on every core first (pytest-xdist), then
	@# the browser, server-process and cluster tests one at a time.
	$(VENV)/bin/pytest -m "not browser and not slow and not cluster" -n auto
	$(VENV)/bin/pytest -m "browser or slow or cluster"
	@echo "== the live room's suite again on the portable transport (above: auto, the Daphne fast path)"
	@# Not the stage's nginx, ffmpeg and chromium runs (about six minutes): the video never
	@# passes through the transport; the `stage` room event is published like every other room
	@# event, and the organisers' stage status is plain HTTP.
	LIVE_TRANSPORT=portable $(VENV)/bin/pytest tests/live \
	  --ignore=tests/live/test_stage_rtmp.py --ignore=tests/live/test_stage_browser.py \
	  --ignore=tests/live/test_stage_bad_input.py --ignore=tests/live/test_stage_nginx_restart.py \
	  --ignore=tests/live/test_stage_weak_link_browser.py \
	  --ignore=tests/live/test_stage_status_browser.py

# The inner loop: no browser, no subprocess servers, no cluster; spread over every core.
test-fast: $(DEV_STAMP)
	$(VENV)/bin/pytest -m "not browser and not slow and not cluster" -n auto

# Exit 1 on a known vulnerability; a package that could not be checked only warns unless
# AUDIT_STRICT=1 (tools/dependency_audit.py says why).
audit: $(DEV_STAMP)
	$(PY) -m tools.dependency_audit $(if $(filter 1 true yes,$(AUDIT_STRICT)),--strict)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) -m bench.run

# Translations: the four catalogues and the command that makes them are in tools/messages.py
# (tests/test_catalogues.py runs the same). MESSAGE_LANGUAGES=ar refreshes one language.
MESSAGE_LANGUAGES ?= fr es ar zh_Hans ru

messages: $(STAMP)
	$(PY) -m tools.messages $(foreach l,$(MESSAGE_LANGUAGES),-l $(l))

compilemessages: $(STAMP)
	$(PY) -m tools.messages --compile

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
