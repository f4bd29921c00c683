# dlgen's developer entry points. Each target creates .venv on first use (Python 3.10+).
VENV ?= .venv
PY := $(VENV)/bin/python
JOBS ?= auto

.PHONY: demo test test-fast lint matrix sync-config bench lock clean

$(VENV)/.installed: pyproject.toml .ci/requirements.txt .ci/constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r .ci/requirements.txt -c .ci/constraints.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) -m pip check  # once: the matrix then checks each project's own dependencies
	touch $@

demo: $(VENV)/.installed  ## generate ./demo with the defaults, then sample-data, train, evaluate, export, predict
	rm -rf demo
	$(VENV)/bin/dlgen new demo --defaults
	$(PY) -m pip install -q --no-deps --no-build-isolation -e demo
	cd demo && ../$(VENV)/bin/demo sample-data && ../$(VENV)/bin/demo train \
		&& ../$(VENV)/bin/demo evaluate && ../$(VENV)/bin/demo export \
		&& ../$(VENV)/bin/demo predict $$(find data/val -type f | sort | head -n 3)

test: $(VENV)/.installed  ## the full suite: every matrix combination (what CI runs)
	DLGEN_FUZZ_EXAMPLES=500 $(PY) -m pytest -n $(JOBS) --full-matrix

test-fast: $(VENV)/.installed  ## developers' run: a sample of the matrix
	$(PY) -m pytest -n $(JOBS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check generator tests hooks benchmarks dlgen_cookiecutter_ext.py
	$(VENV)/bin/dlgen sync-config --check

matrix: $(VENV)/.installed  ## dlgen matrix with a Markdown + JSON report
	$(VENV)/bin/dlgen matrix -j 2

sync-config: $(VENV)/.installed
	$(VENV)/bin/dlgen sync-config

bench: $(VENV)/.installed  ## run the benchmarks and update benchmarks/RESULTS.md
	$(PY) benchmarks/generation.py --write
	$(PY) benchmarks/render_cache.py --write
	$(PY) benchmarks/pytorch_training.py --write
	$(PY) benchmarks/jax_training.py --write
	$(PY) benchmarks/tensorflow_training.py --write
	$(PY) benchmarks/deployment.py --write
	$(PY) benchmarks/serving.py --write
	$(PY) benchmarks/tflite_quantization.py --write

lock: $(VENV)/.installed
	(echo '# Versions the suite was last run with (pip freeze); `make lock` refreshes them.'; \
	 $(PY) -m pip freeze --exclude-editable) > .ci/constraints.txt

clean:
	rm -rf $(VENV) demo matrix-report.md matrix-report.json
