# Two commands matter on a fresh machine: `make run` and `make test` (see README).
# Every target installs what it needs first; the stamps make that idempotent.
SHELL := /bin/bash
VENV := .venv
LINT_VENV := .venv-lint
PY := $(VENV)/bin/python
BROWNIE := $(VENV)/bin/brownie
SITE := $(VENV)/lib/python3.11/site-packages
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export SOLCX_BINARY_PATH := $(CURDIR)/tools/solc

.PHONY: install debian-font debian-test-tools networks compile run poa test test-contracts test-backend fuzz bench bench-relay bench-relay-e2e bench-stats bench-journey wrk bench-gas soak lint clean

install: $(VENV)/.installed node_modules/.installed networks debian-font

# Debian packages, installed only when missing (CI runs as root; elsewhere run make with sudo once).
# The certificate PDF embeds this font (WenQuanYi Micro Hei, Apache 2.0).
debian-font:
	@$(call debian_install,fonts-wqy-microhei)

# The tests rasterise certificates with poppler and open the public pages in Debian's chromium
# (driven by Playwright; `playwright install` is never run).
debian-test-tools:
	@$(call debian_install,poppler-utils chromium)

define debian_install
missing=$$(for package in $(1); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi
endef

# uv resolves Brownie's fully pinned tree with overrides (requirements-overrides.txt says why), e.g. Brownie pins python-dotenv 0.16,
# pydantic-settings needs >= 1.2 (Brownie only calls dotenv_values, which both provide).
$(VENV)/.installed: pyproject.toml requirements-overrides.txt
	test -x $(PY) || python3.11 -m venv $(VENV)
	$(PY) -m pip install -q uv==0.13.9
	$(VENV)/bin/uv pip install -q --python $(PY) --override requirements-overrides.txt -e '.[dev]'
	# Lets `brownie`, `pytest` and `yilian` find the project's compiler and ganache when run directly.
	echo 'import os; os.environ.setdefault("SOLCX_BINARY_PATH", "$(CURDIR)/tools/solc"); os.environ["PATH"] = "$(CURDIR)/node_modules/.bin" + os.pathsep + os.environ.get("PATH", "")' > $(SITE)/yilian_toolchain.pth
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

networks: $(VENV)/.installed
	@$(PY) tools/install_networks.py > /dev/null

compile: install
	$(BROWNIE) compile

test: install compile debian-test-tools
	$(BROWNIE) test tests/contracts --network yilian-test
	$(PY) -m pytest -p no:pytest-brownie tests/backend

# Schemathesis on every relay operation with every role's key, FUZZ_EXAMPLES valid and invalid
# requests per operation and role (the test suite runs 2), on a real ganache and SQLite; prints
# the counts of requests, server errors and schema violations, and fails on any of the last two.
FUZZ_EXAMPLES ?= 10
fuzz: install compile
	YILIAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:pytest-brownie -q -s -W ignore::DeprecationWarning \
		tests/backend/relay/test_api_fuzz.py

run: install compile
	bash scripts/run_local.sh

# The same on the project's Clique PoA chain (EthereumJS client, chain 1338) on 127.0.0.1:8547.
poa: install compile
	YILIAN_CHAIN=poa bash scripts/run_local.sh

# Every benchmark; each writes its measured numbers to bench/<name>.md, then the run's ✓/✗ per
# target (a report this run did not rewrite is named stale, not quoted).
BENCH_STARTED := $(shell date +%s)
bench: bench-gas bench-relay bench-stats bench-journey
	@$(PY) scripts/bench_summary.py --since $(BENCH_STARTED)

# Gas per attestation, revocation, redemption and settlement on a fresh ganache → bench/gas.md.
bench-gas: install compile
	$(PY) scripts/bench_gas.py

# Check-in/check-out API (SQLite, and PostgreSQL when reachable), signing, check-out → confirmed on
# Anvil and on ganache → bench/relay.md. Takes ~30 min; `--quick` for a small run.
bench-relay: install compile wrk
	$(PY) scripts/bench_relay.py

# Only check-out → confirmed (the outbox worker's drain on Anvil and on ganache against each chain's
# raw rate): replaces section 3 of bench/relay.md, keeps the others.
bench-relay-e2e: install compile
	$(PY) scripts/bench_relay.py --parts e2e

# Statistics and audit reconciliation at district scale, no chain → bench/stats.md.
bench-stats: install
	@if [ -f scripts/bench_stats.py ]; then $(PY) scripts/bench_stats.py; else echo "no scripts/bench_stats.py: skipped"; fi

# Nearby-activity lists and matching at district scale (150,000 profiles), no chain → bench/journey.md.
# SQLite; BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/test adds PostgreSQL (a scratch database there).
bench-journey: install
	$(PY) scripts/bench_journey.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

# Exactly once at scale, not part of `make test` (~15 min on a quiet 2-core machine): check-ins and
# check-outs on two relay replicas sharing a scratch PostgreSQL database (YILIAN_TEST_POSTGRES),
# while the replicas are SIGKILLed at least SOAK_KILLS times, the chain is stopped and restarted
# SOAK_CHAIN_RESTARTS times and RPC endpoints drop out; every check-out answered 2xx must be on
# chain exactly once → bench/soak.md. The load lasts SOAK_MINUTES (default 10), longer if the kills
# need it; SOAK_VOLUNTEERS (60) and SOAK_SEED too, e.g. `make soak SOAK_MINUTES=2 SOAK_KILLS=10`.
soak: install compile
	$(PY) scripts/soak.py

# The relay benchmark's load generator (Debian's wrk, a C HTTP benchmarking tool).
wrk:
	@command -v wrk >/dev/null || apt-get install -y wrk

# The gates CI runs beside the tests: ruff, mypy, solhint and Slither (see docs/lint.md).
lint: install $(LINT_VENV)/.installed
	$(VENV)/bin/ruff check backend scripts tests
	$(VENV)/bin/ruff format --check backend scripts tests
	$(VENV)/bin/mypy backend/yilian
	solhint --max-warnings 0 'contracts/**/*.sol'
	$(LINT_VENV)/bin/slither contracts --solc tools/solc/solc-v0.8.28 --solc-standard-json \
	  --solc-remaps "@openzeppelin/=node_modules/@openzeppelin/" --exclude-dependencies \
	  --filter-paths node_modules --exclude-informational --exclude-low --exclude-optimization --fail-medium

$(LINT_VENV)/.installed: tools/lint/requirements.txt
	test -x $(LINT_VENV)/bin/python || python3.11 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install -q -r tools/lint/requirements.txt
	touch $@

clean:
	rm -rf build reports var .pytest_cache .hypothesis
