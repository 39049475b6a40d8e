# The commands a learner types. Every one is a shortcut for the same command
# without make, `python3 -m tools <command>` (Windows: `py -m tools <command>`),
# which creates .venv with a new enough Python and installs the exact pins the
# command needs, first. `make` or `make help` lists them all (tools/commands.py).
#   make run                   run the last step on http://127.0.0.1:5000
#   make run STEP=3 PORT=5001  another step, another port (3, 03 or 03-sessions)
#   make run STEP=3 FRESH=1    ... on a fresh, empty database (to run its "Try it" again)
#   make test                  ruff, every step's tests, the repository checks, the docs build
#                              (a check whose inputs are unchanged since it passed is re-used;
#                              FRESH=1 runs every check again, as CI=true does)
#   make lint                  ruff alone (ruff.toml)

PYTHON ?= python3
TOOLS  := $(PYTHON) -m tools
# The tools word their advice the way the learner typed: `make check STEP=03`.
export TOOLS_VIA := make

# Optional variables, passed on only when set.
STEP_ARG  = $(if $(STEP),"$(STEP)")
DIR_ARG   = $(if $(DIR),--dir "$(DIR)")
PORT_ARG  = $(if $(PORT),--port "$(PORT)")
HOST_ARG  = $(if $(HOST),--host "$(HOST)")
YES       = $(filter 1 yes true,$(1))

# For the targets below that run programs from .venv directly.
VENV := $(or $(TOOLS_VENV),.venv)
BIN  := $(VENV)/bin
APP_READY  := setup-app
DEV_READY  := setup-dev
PROD_READY := setup-prod

.DEFAULT_GOAL := help
.PHONY: help setup doctor run test lint setup-app setup-dev setup-prod

help:
	@$(TOOLS) help

setup:
	@$(TOOLS) setup $(if $(call YES,$(DEV)),--dev) $(if $(call YES,$(OIDC)),--oidc)

setup-app:
	@$(TOOLS) setup --quiet
setup-dev:
	@$(TOOLS) setup --dev --quiet
setup-prod:
	@$(TOOLS) setup --prod --quiet

doctor:
	@$(TOOLS) doctor $(STEP_ARG) $(PORT_ARG)

run:
	@$(TOOLS) run $(STEP_ARG) $(DIR_ARG) $(PORT_ARG) $(HOST_ARG) $(if $(call YES,$(FRESH)),--fresh)

test:
	@$(if $(call YES,$(FRESH)),FRESH=1) $(TOOLS) test

lint: $(DEV_READY)
	$(BIN)/python -m ruff check .

# --- Learner and instructor tools (tools/) ------------------------------------
#   make start STEP=3      copy step 02 into workspace/03-sessions: write step 03 there yourself
#                          (an existing copy is kept; FORCE=1 replaces it; FROM=workspace/02-register-login:
#                          carry on from your own copy, the default when it passes its check)
#   make check STEP=3      step 03's tests on workspace/03-sessions, a real run, each failure
#                          explained (DIR=path checks another folder; ALL=1, TIMEOUT=seconds;
#                          MOVE=2: only the tests of the step's moves 1 and 2, as its page says)
#   make reset             fresh, empty databases for every step (STEP=3: one; DIR=: your copy)
#   make checklists        a printable checklist per step, from the step pages: build/checklists/
#   make wheelhouse        every pinned package in wheelhouse/, for a room without internet (FOR=all)
WORKSPACE ?= workspace

.PHONY: start check reset checklists wheelhouse

start:
	@$(TOOLS) start $(STEP_ARG) --workspace "$(WORKSPACE)" $(if $(call YES,$(FORCE)),--force) \
		$(if $(FROM),--from "$(FROM)")

check:
	@$(TOOLS) check $(STEP_ARG) --workspace "$(WORKSPACE)" $(DIR_ARG) $(if $(call YES,$(ALL)),--all) \
		$(if $(TIMEOUT),--timeout "$(TIMEOUT)") $(if $(MOVE),--move "$(MOVE)")

reset:
	@$(TOOLS) reset $(STEP_ARG) $(DIR_ARG)

checklists:
	@$(TOOLS) checklists

wheelhouse:
	@$(TOOLS) wheelhouse $(if $(FOR),--for "$(FOR)") $(if $(call YES,$(DEV)),--dev)

# --- Documentation site (mkdocs.yml, docs/, scripts/) --------------------------
#   make docs              serve the site on http://127.0.0.1:8000 (reloads on edits)
#   make site              build the site into site/: open site/index.html from the files, no
#                          server, no install (copy the folder to a USB stick); SITE=path elsewhere
#   make diffs STEP=03     print what step 03 changes (the site computes its diffs itself)
#   make walkthroughs      run every step's walkthrough.sh, record the answers in docs/walkthroughs/
#   make try STEP=03       run step 03's "Try it" requests against a fresh database
#   make try STEP=03 URL=http://127.0.0.1:5001   ... against a server you started
#   make attack STEP=02    the attack lab (labs/): break a weak version of step 02, then watch step 02 hold
#   make attack STEP=02 DIR=workspace/02-register-login   ... then watch your copy hold (or not)
.PHONY: docs site diffs walkthroughs try attack
SITE ?= site

docs: $(DEV_READY)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# The offline plugin (mkdocs.yml) writes links to pages as files (page.html,
# not page/) and makes search work without a server, so file:// works.
site: $(DEV_READY)
	$(BIN)/mkdocs build --strict --site-dir "$(SITE)"
	@echo "Built $(SITE)/: open $(SITE)/index.html in a browser, or copy the folder to a USB stick first."

diffs: $(DEV_READY)
	$(BIN)/python scripts/make_diffs.py $(STEP)

walkthroughs: $(APP_READY)
	$(BIN)/python scripts/walkthroughs.py

try:
	@$(TOOLS) try $(STEP_ARG) $(if $(URL),--url "$(URL)")

attack:
	@$(TOOLS) attack $(STEP_ARG) $(DIR_ARG)

# --- Browser client (client/, tests/test_browser_client.py) -------------------
#   make client            serve client/ on http://localhost:3000 (and the API: make run)
#   make client PORT=5001  the same, for an API run with make run PORT=5001
#   make screenshots       refresh docs/assets/client/ from a run in a real browser
.PHONY: client screenshots

client:
	@$(TOOLS) client $(PORT_ARG)

screenshots: $(DEV_READY)
	SCREENSHOTS_DIR=docs/assets/client $(BIN)/python -m pytest -q tests/test_browser_client.py tests/test_passkeys_browser.py

# --- Production profile and performance report (production/, benchmarks/) ----
#   make test-production   step 05 unchanged on PostgreSQL, Redis and gunicorn; the last step's suite on PostgreSQL
#                          (installs Debian's postgresql, redis-server and wrk if missing)
#   make bench             the performance report: prints it, writes docs/generated/bench.md
#                          (about 10 minutes on 2 cores; QUICK=1: a minute, to see that it works)
.PHONY: test-production bench production-services

production-services:
	@sh production/install.sh

test-production: $(DEV_READY) $(PROD_READY) production-services
	$(BIN)/python -m pytest production

bench: $(DEV_READY) $(PROD_READY) production-services
	BENCH_QUICK=$(if $(call YES,$(QUICK)),1,0) $(BIN)/python benchmarks/report.py
