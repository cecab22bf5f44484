# kb: build, preview, test and measure the knowledge base.
# `make html` and `make test` are all a fresh machine needs.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.kb-installed
SOURCE := docs
BUILD  := _build
SPHINX := $(PY) -m sphinx
JOBS   ?= auto

.DEFAULT_GOAL := help
.PHONY: help install axe html dirhtml strict serve check test test-fast lint linkcheck bench bench-large catalogs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install kb with its tools

# axe-core, pinned with its checksum in tests/axe/package-lock.json, for the accessibility tests.
AXE_STAMP := tests/axe/node_modules/.kb-installed
$(AXE_STAMP): tests/axe/package.json tests/axe/package-lock.json
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	@touch $(AXE_STAMP)

axe: $(AXE_STAMP)  ## install axe-core (npm) for the accessibility tests

html: $(STAMP)  ## build docs/ into _build/html, reporting every problem
	$(SPHINX) -b html -j $(JOBS) --keep-going -d $(BUILD)/doctrees $(SOURCE) $(BUILD)/html

dirhtml: $(STAMP)  ## build with pretty URLs into _build/dirhtml
	$(SPHINX) -b dirhtml -j $(JOBS) --keep-going -d $(BUILD)/doctrees-dirhtml $(SOURCE) $(BUILD)/dirhtml

strict: $(STAMP)  ## build and fail on any warning (as Read the Docs does)
	$(SPHINX) -b html -W --keep-going -d $(BUILD)/doctrees $(SOURCE) $(BUILD)/html

serve: $(STAMP)  ## live preview on http://127.0.0.1:8000, drafts included (noindex)
	$(VENV)/bin/sphinx-autobuild --host 127.0.0.1 --port 8000 -D kb_drafts=build \
		-d $(BUILD)/doctrees-serve $(SOURCE) $(BUILD)/serve

check: $(STAMP)  ## what the build would warn about, found in a second without building (kb check)
	$(VENV)/bin/kb check $(SOURCE)

test: $(STAMP) $(AXE_STAMP)  ## the layer contract, then the test suite (real builds, a real browser, axe)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --dist loadfile -q

test-fast: $(STAMP) $(AXE_STAMP)  ## the test suite without the tests marked slow (a minute or so)
	$(PY) -m pytest -n 2 --dist loadfile -q -m "not slow"

lint: $(STAMP)  ## ruff, mypy and the import-linter layer contract
	$(VENV)/bin/ruff check ext tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

linkcheck: $(STAMP)  ## check external links
	$(SPHINX) -b linkcheck -d $(BUILD)/doctrees $(SOURCE) $(BUILD)/linkcheck

bench: $(STAMP)  ## build generated corpora with and without kb, time search in Chromium, readers' features
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.search_bench
	PYTHONPATH=tests $(PY) -m benchmarks.search_real_bench
	$(PY) -m benchmarks.readers_bench

BENCH_LARGE_N ?= 2000 5000 10000 20000
bench-large: $(STAMP)  ## LONG (hours): Read the Docs' command on 2,000-20,000 articles (BENCH_LARGE_N)
	BENCH_LARGE_N="$(BENCH_LARGE_N)" $(PY) -m benchmarks.large --profile

LOCALE := ext/kb/locale
catalogs: $(STAMP)  ## kb's interface text: extract it, merge it into each catalog, compile them
	$(VENV)/bin/pybabel extract -F babel.cfg -k kb_gettext --no-location --sort-output \
		--project kb --copyright-holder "kb authors" -o $(LOCALE)/kb.pot.new ext/kb
	@# Only new text makes a new template: its creation date alone changes nothing.
	@if diff -q -I '^"POT-Creation-Date:' $(LOCALE)/kb.pot $(LOCALE)/kb.pot.new >/dev/null 2>&1; \
		then rm $(LOCALE)/kb.pot.new; else mv $(LOCALE)/kb.pot.new $(LOCALE)/kb.pot; fi
	$(VENV)/bin/pybabel update -D kb -i $(LOCALE)/kb.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -D kb -d $(LOCALE) --statistics

clean:  ## remove build outputs (keeps .venv)
	rm -rf $(BUILD) benchmarks/work
