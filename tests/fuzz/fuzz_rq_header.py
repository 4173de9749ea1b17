"""Fuzz target: the header reader of .rq files (`# title:`, `# param:`, `# columns:` ...).

Any bytes as a query file: read_query_file returns a QueryFile or raises InputError, and the
catalogue's reader returns one or raises QueryError; nothing else.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["finops_kg"]):
    from finops_kg.errors import InputError
    from finops_kg.graph.rq import read_query_file
    from finops_kg.sparql.catalogue import QueryError, parse_catalogue_file

sys.path.insert(0, str(Path(__file__).parent))
from common import fuzz  # noqa: E402

PATH = Path(tempfile.mkdtemp(prefix="fuzz-rq-")) / "query.rq"


def test_one_input(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        entry = read_query_file(PATH, required=())
    except InputError as error:
        assert str(PATH) in str(error), error  # the error names the file
    else:
        for parameter in entry.parameters:
            assert "|" not in parameter.name + parameter.type  # split on every bar
        assert all(column.strip() == column and column for column in entry.columns)
    try:
        parse_catalogue_file(PATH)
    except QueryError as error:
        assert str(PATH) in str(error), error


if __name__ == "__main__":
    fuzz(test_one_input)
