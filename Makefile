# `make run` sets everything up and builds the graph into dist/; `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= dist

.PHONY: run test bench namespace clean

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

# Regenerate src/finops_kg/_fo.py after adding or removing a term in ontology/finops-kg.ttl.
namespace: $(STAMP)
	$(BIN)/python -c 'from finops_kg.namespace import write_defined_namespace as w; w()'

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache tests/artifacts
