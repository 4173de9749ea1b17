# `make run` sets everything up and builds the graph into dist/; `make test` runs the test suite.
# Both install exactly the versions in requirements.lock, which the suite passed on; `make lock`
# refreshes the lock, and `make test-latest` runs the suite on the newest versions pyproject.toml
# allows, in a separate environment.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
OUT    ?= dist

.PHONY: run test test-latest lock bench namespace mutants fuzz clean

run: $(STAMP)
	$(BIN)/finops-kg build --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

# Mutation testing ([tool.mutmut] in pyproject.toml names the modules and their tests): mutmut
# copies src/ and tests/ into mutants/ and runs the tests against each mutant; the resources
# (ontology, shapes, data, queries) are read from this checkout, and no release is read from the
# cache, where it would hide a mutant. CPU heavy: nice, and minutes. docs/mutants.md lists the
# survivors that are equivalent; any other survivor needs a test.
mutants: $(STAMP)
	rm -rf mutants
	FINOPS_KG_RESOURCES=$(CURDIR) FINOPS_KG_NO_MEMO=1 nice -n 10 $(BIN)/mutmut run
	$(BIN)/mutmut results

# Fuzz every target in tests/fuzz for FUZZ_SECONDS each, one after another (the suite runs each
# for a few seconds). An input that crashes a target is written to tests/data/fuzz-crashes/:
# copy it into tests/data/fuzz-corpus/TARGET/ under a name that says what it found, then fix.
FUZZ_SECONDS ?= 300
fuzz: $(STAMP)
	mkdir -p tests/data/fuzz-crashes
	status=0; for target in rq_header binding sssom assessment endpoint; do \
	  $(BIN)/python tests/fuzz/run.py $$target --seconds $(FUZZ_SECONDS) \
	    --crashes tests/data/fuzz-crashes || status=1; \
	done; exit $$status

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@command -v java >/dev/null || echo "note: no java on PATH; the OWL 2 DL (HermiT) test needs Java 11 or newer" >&2
	touch $(STAMP)

# The newest versions the ranges in pyproject.toml allow, in .venv-latest (made anew each time).
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	.venv-latest/bin/python -m pip freeze --exclude-editable > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile

# Resolve pyproject.toml's ranges anew (newest versions, every platform, Python 3.11 and later)
# into requirements.lock with the hash of every file; then run `make test` before committing it.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet 'uv>=0.9,<1'
	.venv-lock/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
	  --generate-hashes --upgrade --quiet --output-file $(LOCK)

# Regenerate src/finops_kg/graph/_fo.py after adding or removing a term in ontology/finops-kg.ttl.
namespace: $(STAMP)
	$(BIN)/python -c 'from finops_kg.graph.namespace import write_defined_namespace as w; w()'

clean:
	rm -rf $(VENV) .venv-latest .venv-lock $(OUT) .pytest_cache tests/artifacts mutants
