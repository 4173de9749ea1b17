# `make run` sets everything up and builds the graph into dist/; `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= dist

.PHONY: run test bench clean

run: $(STAMP)
	$(BIN)/finops-kg build --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@command -v java >/dev/null || echo "note: no java on PATH; the OWL 2 DL (HermiT) test needs Java 11 or newer" >&2
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache tests/artifacts
