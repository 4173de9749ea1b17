"""Run the answer layer's .rq files on the compiled dataset, parameters bound as RDF terms."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph

from finops_kg.graph import resources
from finops_kg.graph.rq import read_query_file


def query_file(folder: str, name: str) -> Path:
    """Return the path of queries/FOLDER/NAME.rq (FOLDER "" for the catalogue itself)."""
    return resources.resource_root() / "queries" / folder / f"{name}.rq"


@lru_cache(maxsize=128)
def _text(path: Path) -> str:
    return read_query_file(path).text


def select(store: Any, folder: str, name: str, **bindings: Any) -> list[dict[str, str]]:
    """Run a SELECT .rq file with variables bound to pyoxigraph terms; return rows of strings.

    Oxigraph substitutes each bound variable by its term before it evaluates the query, so a
    value can never change the query's structure. An unbound cell is left out of its row.
    """
    substitutions = {pyoxigraph.Variable(key): term for key, term in bindings.items()}
    solutions = store.query(_text(query_file(folder, name)), substitutions=substitutions)
    names = [variable.value for variable in solutions.variables]
    return [{key: term.value for key, term in zip(names, row) if term is not None}
            for row in solutions]


def iri(value: str) -> Any:
    """Return an IRI as the pyoxigraph term to bind."""
    return pyoxigraph.NamedNode(value)
