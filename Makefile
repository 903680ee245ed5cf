# Nereus: build, test, demo, lab and bench entry points.
#
#   make demo    build release, install the kernelspec for the user, generate the small sample data
#                if missing, run notebooks/tour.ipynb and hello.ipynb headlessly
#   make test    fmt check, clippy -D warnings, cargo tests, then the Python tests in a pinned venv
#   make lab     JupyterLab on notebooks/ (installs it into the venv if needed)
#   make bench   kernel start and execute round trip, Nereus vs ipykernel; repr time for 1, 50
#                and 5,000 variables, Nereus vs xarray; then mean and std over
#                time on the large sample data, Nereus vs xarray + dask vs the decode floor, and
#                climate pipelines (climatology, NINO3.4, rolling, median) vs xarray + dask
#                (bench-engine alone: the engine parts; generates data/large/ if missing)
#
# The venv lives in ~/.cache/nereus/venv-<sha256[:12] of tests/requirements.txt> and is rebuilt
# only when the pins change.

SHELL       := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO   ?= cargo
PYTHON  ?= python3
ROOT    := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
NEREUS  := $(ROOT)/target/release/nereus
REQS    := $(ROOT)/tests/requirements.txt
REQHASH := $(shell sha256sum $(REQS) | cut -c1-12)
CACHE   := $(HOME)/.cache/nereus
VENV    := $(CACHE)/venv-$(REQHASH)
VPY     := $(VENV)/bin/python
# cargo keeps working when the pytest step changes HOME.
export CARGO_HOME  ?= $(HOME)/.cargo
export RUSTUP_HOME ?= $(HOME)/.rustup
PYTEST_ARGS ?=

.PHONY: help build venv test test-rust test-py demo lab bench clean sample-data

help:
	@echo "targets: build venv test demo lab bench clean sample-data"

build:
	$(CARGO) build --release -p nereus

# Idempotent: a no-op when the venv for these pins exists. Built in a temporary directory and
# renamed into place, so an interrupted run never leaves half a venv behind.
venv: $(VENV)/.ok

$(VENV)/.ok: $(REQS)
	@mkdir -p $(CACHE)
	@if [ ! -f $(VENV)/.ok ]; then \
	  tmp=$$(mktemp -d $(CACHE)/.venv-tmp.XXXXXX); \
	  trap 'rm -rf "$$tmp"' EXIT; \
	  echo "creating $(VENV)"; \
	  $(PYTHON) -m venv "$$tmp"; \
	  "$$tmp/bin/python" -m pip install --quiet --disable-pip-version-check -r $(REQS); \
	  grep -lI -- "$$tmp" "$$tmp"/bin/* | xargs -r sed -i "s|$$tmp|$(VENV)|g"; \
	  touch "$$tmp/.ok"; \
	  if [ ! -f $(VENV)/.ok ]; then rm -rf $(VENV); mv "$$tmp" $(VENV); fi; \
	fi

test: test-rust test-py

test-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

# The Python tests run against the release binary with every Jupyter directory, HOME and the
# history file pointing into a fresh temporary directory; the kernelspec is installed with
# --prefix into that directory and found through JUPYTER_PATH.
test-py: build venv
	@tmp=$$(mktemp -d -t nereus-test.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	mkdir -p "$$tmp/home" "$$tmp/data" "$$tmp/config" "$$tmp/runtime" "$$tmp/ipython" "$$tmp/prefix"; \
	export HOME="$$tmp/home" JUPYTER_DATA_DIR="$$tmp/data" JUPYTER_CONFIG_DIR="$$tmp/config" \
	       JUPYTER_RUNTIME_DIR="$$tmp/runtime" IPYTHONDIR="$$tmp/ipython" \
	       NEREUS_HISTORY="$$tmp/nereus-history" JUPYTER_PATH="$$tmp/prefix/share/jupyter" \
	       NEREUS_BIN="$(NEREUS)" PYTHONDONTWRITEBYTECODE=1 PATH="$(VENV)/bin:$$PATH"; \
	$(NEREUS) install --prefix "$$tmp/prefix"; \
	cd $(ROOT) && $(VPY) -m pytest -p no:cacheprovider tests $(PYTEST_ARGS)

# Generates the small sample data into data/ if missing (a complete store is left alone).
# SAMPLE_SIZE=medium|large for bigger stores (large: 3.84 GB of SSH, the benchmark data).
SAMPLE_SIZE ?= small
sample-data: build
	$(NEREUS) sample-data --size $(SAMPLE_SIZE) --out $(ROOT)/data

demo: build sample-data
	$(NEREUS) install --user
	@mkdir -p $(ROOT)/build/demo
	$(NEREUS) run $(ROOT)/notebooks/hello.ipynb -o $(ROOT)/build/demo/hello.out.ipynb
	$(NEREUS) run $(ROOT)/notebooks/tour.ipynb -o $(ROOT)/build/demo/tour.out.ipynb
	@echo
	@echo "executed notebooks: $(ROOT)/build/demo/tour.out.ipynb (the tour of the engine)"
	@echo "                    $(ROOT)/build/demo/hello.out.ipynb"

lab: build venv
	@if ! $(VENV)/bin/jupyter-lab --version >/dev/null 2>&1; then \
	  $(VPY) -m pip install --quiet --disable-pip-version-check -c $(REQS) jupyterlab==4.6.6; \
	fi
	$(NEREUS) install --prefix $(VENV)
	$(VENV)/bin/jupyter lab --notebook-dir=$(ROOT)/notebooks

bench: build venv
	@tmp=$$(mktemp -d -t nereus-bench.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	export JUPYTER_PATH="$$tmp/prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$$tmp/runtime" \
	       NEREUS_HISTORY="$$tmp/nereus-history"; \
	$(NEREUS) install --prefix "$$tmp/prefix" >/dev/null; \
	$(VPY) -m ipykernel install --prefix "$$tmp/prefix" >/dev/null; \
	$(VPY) $(ROOT)/tests/bench_kernel.py $(BENCH_ARGS)
	CARGO=$(CARGO) $(VPY) $(ROOT)/tests/bench_repr.py $(BENCH_REPR_ARGS)
	@$(MAKE) --no-print-directory bench-engine

# The large SSH store (3.84 GB decoded, 1.35 GB on disk) goes to its own directory: sample-data
# leaves any complete store alone, so data/ssh.zarr may be the demo's small one. BENCH_THREADS
# (default: the cores) and BENCH_BUDGET_MB (default: the engine's) are read by the script.
BENCH_DATA ?= $(ROOT)/data/large
.PHONY: bench-engine
bench-engine: build venv
	$(NEREUS) sample-data --size large --out $(BENCH_DATA)
	CARGO=$(CARGO) $(VPY) $(ROOT)/tests/bench_engine.py --store $(BENCH_DATA)/ssh.zarr $(BENCH_ENGINE_ARGS)
	CARGO=$(CARGO) $(VPY) $(ROOT)/tests/bench_climate.py --data $(BENCH_DATA) $(BENCH_CLIMATE_ARGS)

clean:
	$(CARGO) clean
	rm -rf $(ROOT)/build
