"""The SPARQL query catalogue: one .rq file per question, with a header naming its parameters."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources

_HEADER = re.compile(r"^#\s*(title|description|param|columns|example-data):\s*(.*)$")


class QueryError(FinopsKGError):
    """A query cannot be found, parsed, bound or run."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a catalogue query, as its header declares it."""

    name: str
    type: str
    default: str | None
    example: str

    @property
    def required(self) -> bool:
        """Return True when the query cannot run without a value for this parameter."""
        return self.default is None


@dataclass(frozen=True)
class CatalogueQuery:
    """A catalogue query and what its header says about it."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    example_data: tuple[str, ...] = ()  # files under data/ that the example needs, such as examples/acme/assessments.ttl



# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

def catalogue() -> dict[str, CatalogueQuery]:
    """Return every catalogue query by name."""
    return {q.name: q for q in _read_catalogue(tuple(resources.catalogue_query_files()))}


@lru_cache(maxsize=4)
def _read_catalogue(paths: tuple[Path, ...]) -> tuple[CatalogueQuery, ...]:
    return tuple(parse_catalogue_file(path) for path in paths)


def parse_catalogue_file(path: Path) -> CatalogueQuery:
    """Read a catalogue query and its header; a header that breaks the convention is an error."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2).strip())
    for required in ("title", "description", "columns"):
        if required not in fields:
            raise QueryError(f"{path}:1: the header has no '# {required}:' line")
    parameters = []
    for spec in fields.get("param", []):
        parts = [part.strip() for part in spec.split("|")]
        if len(parts) != 4:
            raise QueryError(f"{path}: '# param: {spec}' needs NAME | TYPE | DEFAULT | EXAMPLE")
        name, kind, default, example = parts
        parameters.append(Parameter(name, kind, None if default == "required" else default, example))
    columns = tuple(c.strip() for c in fields["columns"][0].split(",") if c.strip())
    return CatalogueQuery(path.stem, fields["title"][0], fields["description"][0],
                          tuple(parameters), columns, text, tuple(fields.get("example-data", [])))


def find(name: str) -> CatalogueQuery:
    """Return the catalogue query of that name, or fail with the closest names."""
    queries = catalogue()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see finops-kg query --list"
    raise QueryError(f"no catalogue query named {name!r}{hint}")


