"""Fuzz target: the SSSOM/TSV reader and checker behind `map check`, `map apply` and the workspace.

Any bytes as a mapping set: check returns its problems (each naming file, line and field) or
raises MappingError; a set that passes applies and serialises as TriG without an error.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["finops_kg"]):
    from finops_kg.graph.serialize import serialize_trig
    from finops_kg.mapping.sssom import MappingError, apply, check

sys.path.insert(0, str(Path(__file__).parent))
from common import fuzz  # noqa: E402

PATH = Path(tempfile.mkdtemp(prefix="fuzz-sssom-")) / "set.sssom.tsv"


def test_one_input(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        result = check(PATH, cardinality=False)
    except MappingError as error:
        assert str(PATH) in str(error), error
        return
    for problem in result.problems:
        assert problem.startswith(f"{PATH}:") and "\n" not in problem, problem
    if result.ok:
        serialize_trig(apply([PATH]))


if __name__ == "__main__":
    fuzz(test_one_input)
