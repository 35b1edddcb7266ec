# The README's two commands, `make demo` and `make test`, do all setup on a fresh clone: a Python venv
# from requirements.lock, node packages from package-lock.json (OpenZeppelin, solc-js, anvil, ganache),
# and a solc for Ape. Stamp files keyed on the lock files make a second run skip the installs.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# ape-foundry starts `anvil` from PATH: the one npm installed, in node_modules/.bin.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

MNEMONIC := test test test test test test test test test test test junk
CHAIN    ?= anvil
CHAIN_PORT ?= 8545
CHAIN_DIR ?= .chain
TEST_ARGS ?=

.PHONY: setup solc compile browser test lint slither examples demo bench drill chain clean distclean lock

setup: $(VENV)/.stamp node_modules/.stamp solc

# A new venv whenever the lock or pyproject changes, so nothing stale survives; -c holds every
# package to the version in requirements.lock.
$(VENV)/.stamp: requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,lint]'
	touch $@

# npm ci installs exactly package-lock.json (emptying node_modules first). No install script is
# needed: anvil is a plain binary, and ganache falls back to JS for its optional native addons.
node_modules/.stamp: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Checked on every run (it is cheap): the shim lives outside the checkout, in ~/.solcx.
solc: node_modules/.stamp
	@bash tools/install-solc.sh

# Ape's compile cache can miss a change to a base contract (it keys on the files it compiles), so any change
# under contracts/ (or to the compiler settings) recompiles everything with --force; an unchanged tree skips it.
CONTRACTS := $(shell find contracts -name '*.sol')
compile: setup .build/.compiled

.build/.compiled: $(CONTRACTS) ape-config.yaml $(VENV)/.stamp node_modules/.stamp
	$(BIN)/ape compile --force
	touch $@

# The gallery test (tests/e2e/test_gallery_flow.py) renders the report in a real headless Chromium:
# Debian's, since a test tool's own browser download fails on a closed network. CI runs as root with
# Debian's registry reachable; a machine that has /usr/bin/chromium already skips the install.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# Ape's local network gets its own Anvil on a free port (`foundry: host: auto` in ape-config.yaml), so
# tests, the demo and benchmarks never join `make chain` or another run on 8545.
test: compile browser lint
	$(BIN)/ape test $(TEST_ARGS)
	$(MAKE) --no-print-directory slither

# The lint gate, run by `make test` before the tests: style and bugs (ruff), formatting, types (mypy),
# the layering of the package (import-linter, contracts in pyproject.toml) and the contracts (solhint).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	solhint --max-warnings 0 'contracts/**/*.sol'

# Rewrites examples/ from collectibles.demo.samples (tests/demo/test_samples.py fails when they drift).
examples: setup
	$(BIN)/python -m collectibles.demo.samples examples

# Slither compiles through tools/solc.js (standard JSON); its settings are in slither.config.json. `slither
# contracts` reads contracts/*.sol and what they import; the programme contracts stand beside the Collectible
# and get a run of their own.
slither: setup
	$(BIN)/slither contracts --config-file slither.config.json --fail-medium
	$(BIN)/slither contracts/programme --config-file slither.config.json --fail-medium

# `make demo CHAIN=ganache` tells the same story on a throwaway Ganache 7 instead of Anvil.
demo: compile
ifeq ($(CHAIN),ganache)
	tools/with-ganache.sh $(BIN)/ape run demo
else
	$(BIN)/ape run demo
endif

# gas.py prints our gas table and then ours beside the peers' (it runs peers.py's measurement on its chain).
bench: compile
	$(BIN)/python benchmarks/gas.py
	$(BIN)/python benchmarks/airdrop.py
	$(BIN)/python benchmarks/metadata.py
	$(BIN)/python benchmarks/members.py
	$(BIN)/python benchmarks/audit.py
	$(BIN)/python benchmarks/claims.py
	$(BIN)/python benchmarks/signed.py
	$(BIN)/python benchmarks/snapshot.py
	$(BIN)/python benchmarks/raffle.py

# The long fault drills, beyond the few cases each that `make test` runs: faults injected into a 100,000-member
# airdrop, 20 random SIGKILLs of a real `ape run airdrop` (every member ends with exactly the planned tokens),
# 20 SIGKILLs of `ape run redemptions fulfil` (0 doubled, 0 missed). They print figures; they are not part of
# the test command. Then the property tests again with eight times the examples `make test` gives them
# (tests/utils/properties.py).
PROPERTY_TESTS := tests/contracts/test_invariants.py tests/contracts/test_roster_model.py \
	tests/contracts/extensions/test_airdrop_splits.py tests/contracts/extensions/test_intents_properties.py
drill: compile
	$(BIN)/python benchmarks/drill.py
	$(BIN)/python benchmarks/airdrop_kill_drill.py
	$(BIN)/python benchmarks/redemption_drill.py
	COLLECTIBLES_PROPERTY_SCALE=8 $(BIN)/ape test -q -p no:cacheprovider $(PROPERTY_TESTS)

# A long-lived local chain on 127.0.0.1:8545 (CHAIN_PORT) whose state survives restarts (in CHAIN_DIR).
# `make chain CHAIN=ganache` starts ganache 7 instead, with the same accounts and chain id
# (Ape reaches it with `--network http://127.0.0.1:8545`: ape-foundry only talks to Anvil).
chain: node_modules/.stamp
	mkdir -p $(CHAIN_DIR)
ifeq ($(CHAIN),ganache)
	ganache --server.host 127.0.0.1 --server.port $(CHAIN_PORT) --wallet.mnemonic "$(MNEMONIC)" \
	  --wallet.totalAccounts 10 --chain.hardfork shanghai --chain.chainId 31337 \
	  --database.dbPath $(CHAIN_DIR)/ganache
else
	anvil --host 127.0.0.1 --port $(CHAIN_PORT) --mnemonic "$(MNEMONIC)" --accounts 10 \
	  --hardfork shanghai --state $(CHAIN_DIR)/anvil-state.json
endif

# Rewrite requirements.lock from pyproject.toml's pins (after changing a dependency).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[test,lint]'
	{ echo "# Every package of the venv, pinned; \`make setup\` installs with \`pip install -c\`."; \
	  echo "# Rewritten by \`make lock\` from pyproject.toml's direct pins; do not edit by hand."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf .build .cache contracts/.cache .pytest_cache .hypothesis crytic-export
	find . -name __pycache__ -not -path './$(VENV)/*' -not -path './node_modules/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules .chain
