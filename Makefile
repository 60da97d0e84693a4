# The convnets course. `make course` runs every lesson, `make test` runs every
# check, `make lab` opens JupyterLab. Each sets up .venv first, once.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# GPU=1 (Linux x86-64 with an NVIDIA GPU, or WSL2): TensorFlow's GPU build from
# requirements-gpu.txt instead of the lock's tensorflow-cpu. Remembered: once
# set up with GPU=1, later make commands keep the GPU build until GPU=0.
GPU ?= $(if $(wildcard $(VENV)/.installed-gpu),1,0)
GPU_ON := $(filter 1,$(GPU))
LOCK_FILE := $(if $(GPU_ON),requirements-gpu.txt,requirements.txt)
STAMP := $(VENV)/.installed$(if $(GPU_ON),-gpu)
# uv installs the lock (a cold install in about a third of pip's time) and
# generates it (make lock). Pinned, and kept in .venv/uv/, outside the venv's
# site-packages, so the venv holds exactly the lock.
UV_VERSION := 0.13.9
UV := $(VENV)/uv/bin/uv
# The one command that generates requirements.txt from requirements.in
# (.github/scripts/lock_drift.py runs it too; tests/test_environment.py checks both).
LOCK_COMMAND := pip compile --universal --python-version 3.11 requirements.in
# ... and requirements-gpu.txt from requirements-gpu.in (see there).
GPU_LOCK_COMMAND := pip compile --universal --python-version 3.11 requirements-gpu.in -c requirements.txt --no-emit-package tensorflow-cpu
KERNEL := convnets-course
# Lessons save their records (helpers.session.save_results) to build/ in the
# kernel's working directory unless this is set; nbval and JupyterLab run them
# in notebooks/, so every make target points them at the repository's build/.
export COURSE_BUILD_DIR ?= $(CURDIR)/build
NBVAL := --nbval --nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help setup lock data course test lab clean

help:
	@echo "make course  - set up, then execute every lesson into build/"
	@echo "make test    - set up, then run every test and strict nbval on the lessons"
	@echo "make check   - the quick tests only (< 90 s: no kernels, training or browser)"
	@echo "make lab     - set up, then start JupyterLab on the lessons"
	@echo "make setup GPU=1 - TensorFlow's GPU build (Linux x86-64 + NVIDIA, or WSL2); GPU=0 goes back"
	@echo "make site    - the executed lessons as a static site in build/site/ (no re-execution)"
	@echo "make bench   - benchmarks: speed, memory, accuracy (~60 min), then the README's Results"
	@echo "make readme-results - regenerate the README's Results from the newest complete bench and newer part reruns"
	@echo "make lock    - regenerate the locks requirements.txt and requirements-gpu.txt (uv)"
	@echo "make clean   - remove build/ (keeps .venv; rm -rf .venv to reinstall)"

$(PY):
	@echo "==> creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"the course needs Python 3.11, {sys.executable} is {sys.version.split()[0]}; run: make PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	@echo "==> installing uv $(UV_VERSION) into $(VENV)/uv"
	$(PY) -m pip install --quiet --disable-pip-version-check --target $(VENV)/uv uv==$(UV_VERSION)

# The venv becomes exactly the lock: uv installs what is missing or differs and
# removes what the lock does not list. Re-runs only when the lock (or GPU) changes.
# No comma inside the $(if ...) below: make would read it as the else branch.
$(STAMP): $(LOCK_FILE) | $(UV)
	@$(if $(GPU_ON),[ "$$(uname -sm)" = "Linux x86_64" ] || { echo "GPU=1: TensorFlow's GPU build is for Linux x86-64 (or WSL2) with an NVIDIA GPU; this machine is $$(uname -sm). See What runs where in the README"; exit 1; })
	@echo "==> installing the lock, $(LOCK_FILE), into $(VENV)"
	@rm -f $(VENV)/.installed $(VENV)/.installed-gpu
	$(UV) pip sync --quiet --python $(PY) $(LOCK_FILE)
	@touch $(STAMP)

# Regenerate the lock after editing requirements.in. uv keeps every version the
# current lock has unless requirements.in forces a change; to move all of them
# to the newest releases: rm requirements.txt first.
lock: | $(UV)
	$(UV) --quiet $(LOCK_COMMAND) -o requirements.txt
	$(UV) --quiet $(GPU_LOCK_COMMAND) -o requirements-gpu.txt

# helpers and course (editable, no dependencies: the lock has them), the course
# kernel and JupyterLab defaults, by postBuild: the same script Binder runs, so
# a local setup is a Binder setup.
KERNEL_JSON := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
$(KERNEL_JSON): postBuild pyproject.toml $(STAMP)
	@echo "==> running postBuild in $(VENV): the Jupyter kernel '$(KERNEL)', JupyterLab settings"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" ./postBuild >/dev/null
	@touch $(KERNEL_JSON)

setup: $(STAMP) $(KERNEL_JSON)
	@echo "==> $(VENV) is up to date"

data: setup
	@echo "==> making sure MNIST is present and verified"
	$(PY) -m course data

# Every lesson in order into build/notebooks/, then build/report.md (see course/).
course: data
	@echo "==> executing the lessons into build/notebooks/"
	$(PY) -m course run

# Everything CI runs: every test tier (kernels, training, browser), then
# strict nbval on every lesson.
test: data browser
	@echo "==> unit tests, then strict nbval on every lesson"
	$(PY) -m pytest tests notebooks $(NBVAL)

# The quick tier (< 90 s): unit tests of helpers and of the runner's logic;
# no kernels, no training, no browser (markers in pyproject.toml).
.PHONY: check
# The packages, tests and lessons the linter and the formatter keep in one style
# (settings and the few exceptions, each with its reason: pyproject.toml [tool.ruff]).
RUFF_PATHS := helpers course benchmarks tests notebooks

check: setup
	@echo "==> ruff: lint and format check"
	$(VENV)/bin/ruff check $(RUFF_PATHS)
	$(VENV)/bin/ruff format --check $(RUFF_PATHS)
	@echo "==> unit tests without kernels, training or browser"
	$(PY) -m pytest tests -m "not slow and not training"

lab: data
	$(VENV)/bin/jupyter lab --notebook-dir=. --LabApp.app_settings_dir=$(CURDIR)/jupyter-settings notebooks/

# The JupyterLab browser test (tests/test_jupyterlab.py) drives Debian's
# chromium headless; it is installed here, never downloaded by the test.
.PHONY: browser
browser:
	@if [ -x /usr/bin/chromium ]; then \
	  echo "==> /usr/bin/chromium is present"; \
	else \
	  echo "==> installing Debian's chromium for the JupyterLab browser test"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && $$sudo apt-get install -y chromium; \
	fi

clean:
	rm -rf build

# The executed lessons as a static site in build/site/ (course/site.py):
# renders what is committed, runs nothing, needs no network.
.PHONY: site
site: setup
	$(PY) -m course site

# Benchmarks (benchmarks/): speed, memory and accuracy in one run (~80 min on
# 2 cores), then lesson 05's full-data summary (helpers/full_data/) from the
# newest default part 4, and the README's Results from the newest complete
# result (each part from a newer run of it alone at the defaults) and that summary.
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--parts ops,flops".
.PHONY: bench readme-results
bench: data
	@echo "==> benchmarks: every part, results in benchmarks/results/"
	$(PY) -m course bench $(BENCH_ARGS)
	$(PY) -m course bench summary
	$(PY) -m course bench readme

readme-results: setup
	$(PY) -m course bench summary
	$(PY) -m course bench readme
