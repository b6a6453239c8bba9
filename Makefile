# kdsl developer tasks: `make setup`, `make demo`, `make test`, `make bench`, `make oracle` (needs Go).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

# `uv` if it is on PATH, else the copy pip installs (pip may put no `uv` on PATH, e.g. with pyenv).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST_ARGS ?=
BENCH_ARGS ?=
# When set, `make test` writes pytest's exit status to this file (.ci/run reads it).
PYTEST_STATUS_FILE ?=

.PHONY: setup demo test bench oracle oracle-build

setup:
	@if ! $(UV) --version >/dev/null 2>&1; then \
	  echo "setup: uv not found; installing it with pip"; \
	  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet uv || { \
	    echo "setup: could not install uv with 'python3 -m pip install uv';" \
	         "install uv yourself (for example 'pipx install uv') and run 'make setup' again" >&2; \
	    exit 1; }; \
	fi
	@if ! command -v dot >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "setup: Graphviz 'dot' not found; installing graphviz with apt-get"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y graphviz; \
	  else \
	    echo "setup: Graphviz 'dot' not found; diagrams need it: run 'sudo apt-get install graphviz'" >&2; \
	  fi; \
	fi
	@if [ -f uv.lock ]; then $(UV) sync --locked; else $(UV) sync; fi
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "setup: Node.js or npm not found; installing nodejs and npm with apt-get"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
	  else \
	    echo "setup: the JupyterLab extension is built with Node.js and npm: run 'sudo apt-get install nodejs npm'" \
	         "and 'make setup' again" >&2; \
	    exit 1; \
	  fi; \
	fi
	@# The JupyterLab extension, from labextension/ (npm ci, tsc, jupyter labextension build), when its sources
	@# changed; linked into the venv so JupyterLab shows it.
	$(UV) run python labextension/build.py

demo: setup
	$(UV) run kdsl check examples/shop.kdsl
	$(UV) run kdsl run examples/shop.kdsl --at 3m
	$(UV) run kdsl table workloads examples/shop.kdsl --at 3m --format markdown
	@mkdir -p build
	$(UV) run kdsl graph examples/shop.kdsl --at 3m -o build/shop.svg
	@echo "demo: the shop's topology at 3m is in build/shop.svg"
	$(UV) run kdsl test examples/shop.kdsl

test: setup
	@status=0; $(UV) run pytest $(PYTEST_ARGS) || status=$$?; \
	if [ -n "$(PYTEST_STATUS_FILE)" ]; then echo "$$status" > "$(PYTEST_STATUS_FILE)"; fi; \
	exit $$status

bench:
	$(UV) run python benchmarks/parse.py $(BENCH_ARGS)

# The reference harness (oracle/README.md): builds the upstream control plane from the Go module proxy into
# oracle/bin/kdsl-oracle, then records every case of tests/oracle/cases/ into tests/oracle/recorded/.
# ORACLE_ARGS passes e.g. `--area scheduling` or `--only ID`.
ORACLE_ARGS ?=
oracle-build:
	cd oracle && GOFLAGS="-buildvcs=false -p=2" go build -o bin/kdsl-oracle ./cmd/kdsl-oracle

oracle: oracle-build
	oracle/bin/kdsl-oracle record --cases tests/oracle/cases --out tests/oracle/recorded $(ORACLE_ARGS)
