# Boxoffice. `make help` lists the targets; `make run` and `make test` are the two that matter.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Python that makes .venv, as major.minor ("" if there is none); a .venv of another Python is made anew.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
RUN_STAMP := $(VENV)/.installed-run-$(PYTHON_VERSION)
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)
ENV ?= dev
PORT ?= 3000
# uv installs the locked versions (uv.lock, exported to the requirements files by `make lock`).
UV_VERSION := 0.13.9
UV := $(BIN)/uv
EXPORT := $(UV) export --frozen --no-emit-project --format requirements-txt --quiet
PARAMS ?=
PYTEST_ARGS ?=

# Compiled Python is kept, in one folder beside the sources rather than among them: a shell with
# PYTHONDONTWRITEBYTECODE set made every process (each test worker, each local function environment)
# compile every module anew, about a tenth of the test suite's time.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/.pycache

# Nothing here may reach the network beyond the package registries.
export SAM_CLI_TELEMETRY := 0
# template.yaml uses AWS::LanguageExtensions (Fn::ForEach); sam build and deploy expand it only when asked.
export SAM_CLI_ENABLE_LANGUAGE_EXTENSIONS := 1

.PHONY: help venv run-venv run web test test-deep check checks lint lock lock-check validate scan build deploy admin migrate invoke events generated openapi bench mutate fuzz screenshots clean clean-data \
	clean-venv

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# `make run` installs only requirements-run.txt; everything else adds the test tools (requirements-dev.txt).
# Both are exported from uv.lock, every package pinned with its hashes; uv installs them (pip only installs uv).
$(RUN_STAMP): requirements-run.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "make: Boxoffice needs Python 3.11 or newer; '$(PYTHON)' is $(or $(PYTHON_VERSION),missing) (try PYTHON=python3.13 make ...)" >&2; exit 1; }
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYTHON_VERSION)" ]; then \
		echo "make: .venv was made with another Python; making it anew with $(PYTHON_VERSION)"; rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) && [ "$$($(UV) --version)" = "uv $(UV_VERSION)" ] || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-run.txt
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv when it is missing or the requirements changed

run-venv: $(RUN_STAMP)

run: run-venv web ## Start the whole API and the web app on http://127.0.0.1:3000 (PORT=3001, PARAMS="HoldSeconds=30")
	$(BIN)/python -m local.stack --port $(PORT) --params "$(PARAMS)"

test: ## Lint, validate and scan the template, build the web app, and run every test (model tests at the `test` profile)
	@$(MAKE) --no-print-directory -j2 --output-sync=target checks
	HYPOTHESIS_PROFILE=test $(BIN)/python -m pytest $(PYTEST_ARGS)

# The profiles and their example counts: tests/profiles.py. A failure prints its seed and the command that replays it.
test-deep: venv web ## Every model-based and property test deeply (>= 500 examples each; CI runs it after make test)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -m model $(PYTEST_ARGS)

check: lint ## The inner loop: lint, types, and the unit and component tests without the model-based and slow ones
	HYPOTHESIS_PROFILE=check $(BIN)/python -m pytest tests/unit tests/component -m "not model and not slow" $(PYTEST_ARGS)

# Two at a time: each check is mostly one process on one core, and a fresh machine spent ~100 s on them in a row.
checks: lint validate scan web

# The web app: installed from its lock file, type-checked against docs/openapi.json, built, when anything it is
# made from changed (its sources, its lock file, the API's document).
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f -not -name schema.d.ts 2>/dev/null)

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed web/package.json docs/openapi.json $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html ## Build the web app (npm ci; a client generated from docs/openapi.json, type-checked; vite build)

lint: venv ## ruff check, ruff format --check, mypy, and the lock file current with pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MAKE) --no-print-directory lock-check

lock: venv ## After changing a dependency in pyproject.toml: uv.lock anew, and the requirements files exported from it
	$(UV) lock
	$(EXPORT) --no-default-groups > layers/common/requirements.txt
	$(EXPORT) --group run > requirements-run.txt
	$(EXPORT) --group dev > requirements-dev.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --universal requirements-scan.in -o requirements-scan.txt

lock-check: venv
	@$(UV) lock --check
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	$(EXPORT) --no-default-groups > $$tmp/layer.txt && $(EXPORT) --group run > $$tmp/run.txt && \
	$(EXPORT) --group dev > $$tmp/dev.txt && \
	cmp -s $$tmp/layer.txt layers/common/requirements.txt && cmp -s $$tmp/run.txt requirements-run.txt && \
	cmp -s $$tmp/dev.txt requirements-dev.txt || { echo "make: the requirements files are not uv.lock's: run make lock" >&2; exit 1; }
	@grep -v '^#' requirements-scan.in | grep . | while read -r pin; do grep -qix "$${pin}[ \\]*" requirements-scan.txt || \
		{ echo "make: requirements-scan.txt does not pin $$pin (requirements-scan.in): run make lock" >&2; exit 1; }; done

validate: venv ## sam validate --lint
	$(BIN)/sam validate --lint

SCAN_VENV := .venv-scan
# uv installs it too: pip took about 70 s of a fresh `make test` to resolve and install checkov, uv about 13.
$(SCAN_VENV)/.installed: $(RUN_STAMP) requirements-scan.txt
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(UV) pip install --quiet --python $(SCAN_VENV)/bin/python -r requirements-scan.txt
	@touch $@

# checkov does not expand Fn::ForEach, so it reads the template as CloudFormation will.
scan: venv $(SCAN_VENV)/.installed ## checkov over template.yaml, loops expanded (skips and their reasons: .checkov.yaml and inline)
	@mkdir -p .aws-sam
	$(BIN)/python -m local.template > .aws-sam/template.expanded.json
	BC_SKIP_MAPPING=TRUE $(SCAN_VENV)/bin/checkov -f .aws-sam/template.expanded.json --framework cloudformation --config-file .checkov.yaml

build: venv ## sam build (needs python3.13; found through pyenv where it is there)
	@if python3.13 --version >/dev/null 2>&1; then \
		$(BIN)/sam build; \
	elif command -v pyenv >/dev/null && pyenv versions --bare | grep -q '^3\.13'; then \
		PYENV_VERSION="$$(pyenv version-name):$$(pyenv versions --bare | grep '^3\.13' | tail -1)" $(BIN)/sam build; \
	else \
		echo "sam build needs python3.13 on PATH: install it (e.g. 'pyenv install 3.13') or run 'sam build --use-container' where Docker runs" >&2; \
		exit 1; \
	fi

admin: venv ## Create a deployed stack's first administrator: STACK=... USERNAME=... EMAIL=...
	PYTHONPATH=layers/common $(BIN)/python -m tools.create_admin --stack-name "$(STACK)" --username "$(USERNAME)" --email "$(EMAIL)"

migrate: venv ## Move a deployed stack older than venues into its default venue, once (resumable): STACK=...
	PYTHONPATH=layers/common $(BIN)/python -m tools.migrate_venues --stack-name "$(STACK)"

events: venv ## Regenerate tests/events from template.yaml
	$(BIN)/python -m tools.generate_events

invoke: venv ## Run one function on one event, no Docker: FN=PlaceOrderFunction EVENT=tests/events/PlaceOrderFunction.json
	$(BIN)/python -m tools.invoke "$(FN)" "$(EVENT)"

generated: events openapi ## Everything derived from the template and the route declarations (events, openapi, routes.json)

openapi: venv ## Write docs/openapi.json, boxoffice/routes.json and docs/events/ (event schemas) from the code's declarations
	$(BIN)/python -m tools.openapi
	$(BIN)/python -m tools.event_schemas

bench: venv ## Measure requests, throughput, contention, cold starts, sizes, make run under load, cost, an on-sale, events, the web app, the monthly bill -> benchmarks/results.md
	PYTHONPATH=.:layers/common $(BIN)/python -m benchmarks.run

screenshots: venv web ## The browser tests, writing the README's screenshots (docs/screenshots/) anew
	BOXOFFICE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

mutate: venv ## Mutation testing (mutmut) of booking, payments, edge, limits, events' once and webhooks, http with the fast tests; resumes; --fresh: MUTATE="--fresh" -> benchmarks/mutation.md
	$(BIN)/python tools/mutate.py $(MUTATE)

fuzz: venv ## Schemathesis against the local stack, many examples per route
	FUZZ_EXAMPLES=100 $(BIN)/python -m pytest tests/integration/test_fuzz.py -n 0 $(PYTEST_ARGS)

clean-data: ## Forget what `make run` kept between runs (accounts, orders, keys in .local-data/)
	rm -rf .local-data

deploy: build web ## sam deploy the environment ENV of samconfig.toml (ENV=dev|prod|default), then upload the web app
	$(BIN)/sam deploy --config-env $(ENV)
	$(BIN)/python -m tools.deploy_web --env $(ENV)

clean-venv: ## Remove .venv and .venv-scan (the next make makes them anew)
	rm -rf $(VENV) .venv-scan

clean: ## Remove build output and caches
	rm -rf .aws-sam .pytest_cache .ruff_cache .hypothesis .pycache .screenshots web/dist web/node_modules
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
