# Two commands matter on a fresh machine: `make run` and `make test` (see README).
# Every target installs what it needs first; the stamps make that idempotent.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BROWNIE := $(VENV)/bin/brownie
SITE := $(VENV)/lib/python3.11/site-packages
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export SOLCX_BINARY_PATH := $(CURDIR)/tools/solc

.PHONY: install networks compile run test test-contracts test-backend bench bench-relay bench-stats bench-journey wrk bench-gas lint clean

install: $(VENV)/.installed node_modules/.installed networks

# uv resolves Brownie's fully pinned tree with one override: Brownie pins python-dotenv 0.16,
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

test: install compile
	$(BROWNIE) test tests/contracts --network yilian-test
	$(PY) -m pytest -p no:pytest-brownie tests/backend

run: install compile
	bash scripts/run_local.sh

# Every benchmark; each writes its measured numbers to bench/<name>.md.
bench: bench-gas bench-relay bench-stats bench-journey

# Gas per attestation, revocation, redemption and settlement on a fresh ganache → bench/gas.md.
bench-gas: install compile
	$(PY) scripts/bench_gas.py

# Check-in/check-out API (SQLite, and PostgreSQL when reachable), signing, check-out → confirmed on
# a Hardhat node and on ganache → bench/relay.md. Takes ~30 min; `--quick` for a small run.
bench-relay: install compile wrk
	$(PY) scripts/bench_relay.py

# Statistics and audit reconciliation at district scale, no chain → bench/stats.md.
bench-stats: install
	@if [ -f scripts/bench_stats.py ]; then $(PY) scripts/bench_stats.py; else echo "no scripts/bench_stats.py: skipped"; fi

# Nearby-activity lists and matching at district scale (150,000 profiles), no chain → bench/journey.md.
bench-journey: install
	$(PY) scripts/bench_journey.py

# The relay benchmark's load generator (Debian's wrk, a C HTTP benchmarking tool).
wrk:
	@command -v wrk >/dev/null || apt-get install -y wrk

lint: install
	$(VENV)/bin/ruff check backend scripts tests
	$(VENV)/bin/ruff format --check backend scripts tests

clean:
	rm -rf build reports var .pytest_cache .hypothesis
