# NaikKelas: `make run` installs everything and starts the demo; `make test` installs and tests.
#
# Where things are installed: as root, under /opt/naikkelas, where learners' unprivileged system
# users can read and run them (the checkout itself may live under /root). As an ordinary user,
# under .naikkelas/ in the checkout. Override with `make PREFIX=...`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
ifeq ($(IS_ROOT),yes)
PREFIX ?= /opt/naikkelas
else
PREFIX ?= $(CURDIR)/.naikkelas
endif
# Debian's interpreter lives in /usr/bin, readable by every system user (pyenv's under /root is not).
SYSTEM_PYTHON ?= /usr/bin/python3
VENV := $(PREFIX)/venv
PY := $(VENV)/bin/python
PROXY := $(PREFIX)/node/node_modules/.bin/configurable-http-proxy
PROXY_VERSION := 5.3.0
# axe-core runs the accessibility audit inside the browser tests; served from here, never a CDN.
AXE_VERSION := 4.14.1
AXE_STAMP := $(PREFIX)/node/.axe-core-$(AXE_VERSION)
LOCK_HASH := $(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
RUNTIME_STAMP := $(VENV)/.runtime-$(LOCK_HASH)
TEST_STAMP := $(VENV)/.test-$(LOCK_HASH)
PKG_STAMP := $(VENV)/.naikkelas-package
# The light lesson page's script and style, built with esbuild from frontend/ (docs/performance.md).
LESSON_APP := hub/learner/static/lesson-app.js
FRONTEND_DIR := $(PREFIX)/node/frontend
FRONTEND_LOCK_HASH := $(shell cat frontend/package.json frontend/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
FRONTEND_STAMP := $(FRONTEND_DIR)/.npm-$(FRONTEND_LOCK_HASH)
SOURCES := $(shell find hub widgets grading -type f -not -path '*/__pycache__/*' 2>/dev/null) pyproject.toml

export NAIKKELAS_PREFIX := $(PREFIX)
export NAIKKELAS_PROXY := $(PROXY)
export NAIKKELAS_COURSES_DIR := $(CURDIR)/courses

.PHONY: help install install-test frontend run test test-fast test-sqlite test-postgres lint format browser clean lock image-check

help:
	@echo "make run    install everything and start NaikKelas with the demo on http://127.0.0.1:8000"
	@echo "make test   install everything the tests need and run the whole test suite"
	@echo "make lint   ruff lint + format check (what CI runs)"

$(SYSTEM_PYTHON):
	@if [ "$(IS_ROOT)" = yes ]; then apt-get update -qq && apt-get install -y -qq python3 python3-venv; \
	else echo "Need $(SYSTEM_PYTHON) with venv (apt-get install python3-venv)" >&2; exit 1; fi

$(VENV)/bin/python: | $(SYSTEM_PYTHON)
	@mkdir -p $(PREFIX)
	@$(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  [ "$(IS_ROOT)" = yes ] && apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel

$(RUNTIME_STAMP): $(VENV)/bin/python pyproject.toml constraints.txt
	@echo "== installing runtime dependencies into $(VENV)"
	$(PY) -m pip install -q -c constraints.txt $$($(PY) tools/deps.py runtime)
	@rm -f $(VENV)/.runtime-* && touch $@

$(TEST_STAMP): $(RUNTIME_STAMP)
	@echo "== installing test dependencies into $(VENV)"
	$(PY) -m pip install -q -c constraints.txt $$($(PY) tools/deps.py test) $$($(PY) tools/deps.py kubernetes)
	@rm -f $(VENV)/.test-* && touch $@

# The package is installed as a copy (not editable) so learner servers never read the checkout.
$(PKG_STAMP): $(RUNTIME_STAMP) $(SOURCES) $(LESSON_APP)
	$(PY) -m pip install -q --no-deps --no-build-isolation --force-reinstall .
	@rm -rf build *.egg-info && touch $@

# npm packages at the exact versions of frontend/package-lock.json, outside the checkout.
$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	@echo "== installing the lesson page's npm packages (frontend/package-lock.json)"
	@mkdir -p $(FRONTEND_DIR)
	cp frontend/package.json frontend/package-lock.json $(FRONTEND_DIR)/
	npm ci --silent --prefix $(FRONTEND_DIR) --no-audit --no-fund --loglevel=error
	@rm -f $(FRONTEND_DIR)/.npm-* && touch $@

$(LESSON_APP): $(FRONTEND_STAMP) frontend/build.mjs $(wildcard frontend/src/*.js)
	@echo "== building the light lesson page (esbuild)"
	rm -rf $(FRONTEND_DIR)/src && cp -r frontend/src frontend/build.mjs $(FRONTEND_DIR)/
	node $(FRONTEND_DIR)/build.mjs $(CURDIR)/hub/learner/static

$(PROXY):
	@echo "== installing configurable-http-proxy $(PROXY_VERSION) from npm"
	@mkdir -p $(PREFIX)/node
	npm install --silent --prefix $(PREFIX)/node --no-audit --no-fund --loglevel=error \
	  configurable-http-proxy@$(PROXY_VERSION)

$(AXE_STAMP):
	@echo "== installing axe-core $(AXE_VERSION) from npm (accessibility audit of the browser tests)"
	@mkdir -p $(PREFIX)/node
	npm install --silent --prefix $(PREFIX)/node --no-audit --no-fund --loglevel=error --save-exact \
	  axe-core@$(AXE_VERSION)
	@rm -f $(PREFIX)/node/.axe-core-* && touch $@

install: $(PKG_STAMP) $(PROXY) fonts

frontend: $(LESSON_APP)

# Certificates set names in DejaVu Sans (Latin, Greek, Cyrillic, ...) and take Chinese, Japanese
# and Korean characters from Droid Sans Fallback. Without them they fall back to Helvetica.
CERT_FONTS := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
              /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
fonts:
	@for f in $(CERT_FONTS); do [ -f $$f ] || missing=yes; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    echo "== installing Debian's fonts-dejavu-core and fonts-droid-fallback (certificates)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-droid-fallback; \
	  else echo "Certificates need fonts for non-Latin names: sudo apt-get install fonts-dejavu-core fonts-droid-fallback" >&2; fi; \
	fi

install-test: install $(TEST_STAMP) browser $(AXE_STAMP)

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    echo "== installing Debian's chromium and chromium-driver"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver" >&2; exit 1; fi; \
	fi

run: install
	$(VENV)/bin/naikkelas run --demo

# --durations: the slowest tests, to keep the suite within its 30-minute budget.
test: install-test lint
	$(PY) -m pytest -p no:cacheprovider --durations=20 $(PYTEST_ARGS)

# In-process tests only (no hub, no browser, no image install step).
test-fast: install-test
	$(PY) -m pytest -p no:cacheprovider -m "not hub and not browser and not image" $(PYTEST_ARGS)

# `make test` keeps the integration and security suites' NaikKelas data on a throwaway
# PostgreSQL cluster the tests start, the browser tests' on SQLite (docs/development.md).
# These put every hub on one database instead.
test-sqlite: install-test
	NAIKKELAS_TEST_DB=sqlite $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install-test
	NAIKKELAS_TEST_DB=postgres $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/check_notebooks.py $$(find courses -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*')

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The container images' install step (deploy/install.sh), run in fresh virtual environments
# where there is no container runtime (the images themselves: docs/kubernetes.md).
IMAGE_CHECK_DIR ?= $(CURDIR)/build/image-check
image-check: frontend
	rm -rf $(IMAGE_CHECK_DIR)
	sh deploy/install.sh hub $(IMAGE_CHECK_DIR)/hub $(SYSTEM_PYTHON)
	sh deploy/install.sh learner $(IMAGE_CHECK_DIR)/learner $(SYSTEM_PYTHON)
	rm -rf $(IMAGE_CHECK_DIR)

clean:
	rm -rf var build *.egg-info hub/learner/static/lesson-app.*

# Refresh constraints.txt from the installed environment (after changing pins in pyproject.toml).
lock: $(TEST_STAMP)
	@{ echo "# Full lock of the environment pyproject.toml resolves to (pip freeze); used as pip constraints."; \
	   $(PY) -m pip freeze --exclude naikkelas; } > constraints.txt
