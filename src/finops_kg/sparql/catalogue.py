"""The SPARQL query catalogue: one .rq file per question, with a header naming its parameters."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from finops_kg.errors import FinopsKGError, InputError
from finops_kg.graph import resources
from finops_kg.graph.rq import Parameter, QueryFile, read_query_file  # noqa: F401 (Parameter re-exported)

# A catalogue query is a .rq file whose header also names its columns.
CatalogueQuery = QueryFile


class QueryError(FinopsKGError):
    """A query cannot be found, parsed, bound or run."""


def catalogue() -> dict[str, CatalogueQuery]:
    """Return every catalogue query by name."""
    return {q.name: q for q in _read_catalogue(tuple(resources.catalogue_query_files()))}


@lru_cache(maxsize=4)
def _read_catalogue(paths: tuple[Path, ...]) -> tuple[CatalogueQuery, ...]:
    return tuple(parse_catalogue_file(path) for path in paths)


def parse_catalogue_file(path: Path) -> CatalogueQuery:
    """Read a catalogue query and its header; a header that breaks the convention is an error."""
    try:
        return read_query_file(path, required=("title", "description", "columns"))
    except InputError as error:
        raise QueryError(str(error)) from None


def find(name: str) -> CatalogueQuery:
    """Return the catalogue query of that name, or fail with the closest names."""
    queries = catalogue()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see finops-kg query --list"
    raise QueryError(f"no catalogue query named {name!r}{hint}")


