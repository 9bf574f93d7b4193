# The Psychotherapy Handbook: build, preview and test.
# `make` lists the targets. Every target creates the Python environment
# (.venv) when it is missing or older than requirements.txt, and installs the
# system packages it needs (Pango and fonts for the PDF, poppler, Chromium) through
# scripts/ensure-system-packages.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILDDIR ?= docs/_build
BUILD := $(BIN)/python scripts/build.py --builddir $(BUILDDIR)
ENSURE := scripts/ensure-system-packages
ACE_VERSION := 1.4.6
ACE := .cache/ace/node_modules/.bin/ace-puppeteer

comma := ,

.PHONY: help handbook html pdf epub live check test linkcheck new-article review-report benchmark benchmark-check lighthouse requirements clean

help: ## List the targets
	@# The title, from the one file that names the handbook, printed by Python:
	@# pasted into a shell command, a title holding $$(...) would run it.
	@$(PYTHON) -c 'import tomllib; print(tomllib.load(open("docs/_data/handbook.toml", "rb"))["title"] + ". Usage: make TARGET")'
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "What each extension in docs/_ext/ hooks, and why: docs/_ext/README.md"

handbook: $(VENV)/.installed ## Build the whole handbook: the website, the PDF and the EPUB
	@$(ENSURE) pdf
	$(BUILD) handbook

html: $(VENV)/.installed ## Build the website into docs/_build/html/
	$(BUILD) html

pdf: $(VENV)/.installed ## Build the PDF handbook into docs/_build/pdf/
	@$(ENSURE) pdf
	$(BUILD) pdf

epub: $(VENV)/.installed ## Build the EPUB handbook into docs/_build/epub/
	$(BUILD) epub

live: $(VENV)/.installed ## Preview while editing: rebuilds and reloads the browser on each save
	$(BIN)/sphinx-autobuild -n -W --keep-going -d $(BUILDDIR)/doctrees/live docs $(BUILDDIR)/live

# The checks a contributor runs before review, and CI runs first.  The hooks
# install their own pinned tools (.pre-commit-config.yaml) into .cache/pre-commit,
# the same cache the tests use.
export PRE_COMMIT_HOME ?= $(CURDIR)/.cache/pre-commit
LINT = $(BIN)/pre-commit run --all-files --show-diff-on-failure \
	&& $(BIN)/python scripts/readability.py --check

check: $(VENV)/.installed ## Fast checks of the sources (pre-commit hooks, readability, source tests)
	$(LINT)
	$(BIN)/python -m pytest -q -m "not build" tests

linkcheck: $(VENV)/.installed ## Check links to other websites (needs the internet; CI runs it weekly)
	$(BUILD) linkcheck

# SLUG, TITLE and SUMMARY reach the script exactly as typed (quotes, backticks,
# `$`, `#`): make passes them on unexpanded, with $(value ...), under other names
# (exporting the typed variables would expand them, running any $(shell ...)),
# and the shell only substitutes a quoted "$$NEW_ARTICLE_..." without running it.
unexport SLUG TITLE SUMMARY
new-article: export NEW_ARTICLE_SLUG = $(value SLUG)
new-article: export NEW_ARTICLE_TITLE = $(value TITLE)
new-article: export NEW_ARTICLE_SUMMARY = $(value SUMMARY)
new-article: $(VENV)/.installed ## Start an article: make new-article SLUG=grief-and-depression TITLE="Grief and depression" [SUMMARY="..."]
	$(BIN)/python scripts/new_article.py --summary "$$NEW_ARTICLE_SUMMARY" -- \
		"$$NEW_ARTICLE_SLUG" "$$NEW_ARTICLE_TITLE"

# SIZE=1000 adds a handbook of that many articles to the growth table (slow).
benchmark: $(VENV)/.installed ## Time builds, weigh pages, grow the handbook to 30 and 300 articles [SIZE=1000] (prints tables)
	@$(ENSURE) pdf poppler chromium
	$(BIN)/python benchmarks/run.py --with-tests --sizes 30,300$(if $(SIZE),$(comma)$(SIZE))

benchmark-check: $(VENV)/.installed ## Fail if a speed or page-weight budget is exceeded
	@$(ENSURE) pdf chromium
	$(BIN)/python benchmarks/run.py --check --sizes 30,300 --pdf-up-to 0

lighthouse: html ## Lighthouse scores (phone) for four page types; needs Node.js and npm
	@$(ENSURE) chromium node
	$(BIN)/python benchmarks/lighthouse.py

review-report: $(VENV)/.installed ## List every page's review dates, soonest due first
	$(BIN)/python scripts/review_report.py

test: $(VENV)/.installed $(ACE) ## Run every test: the checks, then build the website, PDF and EPUB and test them
	@$(ENSURE) pdf poppler java epubcheck chromium
	$(LINT)
	$(BIN)/python -m pytest tests

# The build requirements first (Read the Docs installs only those), then the
# whole set, which requirements.in constrains to the same pins.
COMPILE = $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links
requirements: $(VENV)/.installed ## Regenerate requirements-docs.txt and requirements.txt from their .in files
	$(BIN)/pip install -q pip-tools
	$(COMPILE) --output-file requirements-docs.txt requirements-docs.in
	$(COMPILE) --output-file requirements.txt requirements.in

clean: ## Remove the build outputs (keeps .venv)
	rm -rf $(BUILDDIR)

# DAISY Ace, the EPUB accessibility checker (tests/test_ebook.py), from the npm
# registry into .cache/ace.  Electron and Puppeteer's own browser are not
# downloaded: the test runs Ace with Debian's chromium.
$(ACE):
	@$(ENSURE) node
	ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent -E --no-audit \
		--no-fund --prefix .cache/ace @daisy/ace@$(ACE_VERSION)

# The environment is rebuilt whenever requirements.txt is newer than it.
$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@
