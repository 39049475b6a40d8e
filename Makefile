# The commands a learner types. Each one creates .venv and installs the exact
# pins first when they are missing or have changed.
#   make run             run the last step on http://127.0.0.1:5000
#   make run STEP=02     run another step
#   make test            every step's tests, the repository checks, the docs build

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STEPS  := $(sort $(wildcard steps/[0-9][0-9]-*))
STEP   ?=
STEP_DIR := $(if $(STEP),$(wildcard steps/$(STEP)-*),$(lastword $(STEPS)))

APP_READY := $(VENV)/.app-installed
DEV_READY := $(VENV)/.dev-installed

.PHONY: run test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A stamp file newer than the requirements means the pins are installed.
$(APP_READY): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_READY): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(APP_READY)

run: $(APP_READY)
	@test -n "$(STEP_DIR)" || { echo "No step matches STEP=$(STEP). Steps: $(notdir $(STEPS))"; exit 2; }
	@echo "Running $(STEP_DIR) on http://127.0.0.1:5000 (Ctrl+C to stop)"
	cd $(STEP_DIR) && ../../$(BIN)/flask --app authapp db upgrade && ../../$(BIN)/flask --app authapp run

test: $(DEV_READY)
	$(BIN)/python -m pytest tests

# --- Learner and instructor tools (tools/) ------------------------------------
#   make start STEP=03     copy step 02 into workspace/03-sessions: write step 03 there yourself
#                          (an existing copy is kept; FORCE=1 replaces it)
#   make check STEP=03     run step 03's tests on workspace/03-sessions and explain each failure
#                          (DIR=path checks another folder)
#   make reset             fresh, empty databases for every step
#   make checklists        a printable checklist per step, from the step pages: build/checklists/
WORKSPACE ?= workspace

.PHONY: start check reset checklists

start: $(APP_READY)
	@test -n "$(STEP)" || { echo "Which step do you want to write? For example: make start STEP=03"; exit 2; }
	@$(BIN)/python -m tools.start $(STEP) --workspace "$(WORKSPACE)" $(if $(filter 1 yes true,$(FORCE)),--force)

check: $(DEV_READY)
	@$(BIN)/python -m tools.check $(STEP) --workspace "$(WORKSPACE)" $(if $(DIR),--dir "$(DIR)")

reset: $(APP_READY)
	@$(BIN)/python -m tools.reset

checklists: $(DEV_READY)
	@$(BIN)/python -m tools.checklists

# --- Documentation site (mkdocs.yml, docs/, scripts/) --------------------------
#   make docs              serve the site on http://127.0.0.1:8000 (reloads on edits)
#   make diffs STEP=03     print what step 03 changes (the site computes its diffs itself)
#   make walkthroughs      run every step's walkthrough.sh, record the answers in docs/walkthroughs/
#   make try STEP=03       run step 03's "Try it" requests against a fresh database
#   make try STEP=03 URL=http://127.0.0.1:5001   ... against a server you started
.PHONY: docs diffs walkthroughs try

docs: $(DEV_READY)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

diffs: $(DEV_READY)
	$(BIN)/python scripts/make_diffs.py $(STEP)

walkthroughs: $(APP_READY)
	$(BIN)/python scripts/walkthroughs.py

try: $(APP_READY)
	@test -n "$(STEP)" || { echo "Which step? For example: make try STEP=03"; exit 2; }
	$(BIN)/python scripts/walkthroughs.py $(STEP) $(if $(URL),--url $(URL))

# --- Browser client (client/, tests/test_browser_client.py) -------------------
#   make client            serve client/ on http://localhost:3000 (and the API: make run)
#   make screenshots       refresh docs/assets/client/ from a run in a real browser
.PHONY: client screenshots

client:
	@echo "Serving client/ on http://localhost:3000 (run the API with make run in another terminal)"
	$(PYTHON) -m http.server 3000 --bind 127.0.0.1 --directory client

screenshots: $(DEV_READY)
	SCREENSHOTS_DIR=docs/assets/client $(BIN)/python -m pytest -q tests/test_browser_client.py

# --- Production profile and performance report (production/, benchmarks/) ----
#   make test-production   step 05 unchanged on PostgreSQL, Redis and gunicorn
#                          (installs Debian's postgresql, redis-server and wrk if missing)
#   make bench             the performance report: prints it, writes docs/generated/bench.md
PROD_READY := $(VENV)/.prod-installed

.PHONY: test-production bench production-services

$(PROD_READY): requirements.txt requirements-prod.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-prod.txt
	touch $@

production-services:
	@sh production/install.sh

test-production: $(DEV_READY) $(PROD_READY) production-services
	$(BIN)/python -m pytest production

bench: $(DEV_READY) $(PROD_READY) production-services
	$(BIN)/python benchmarks/report.py
