"""finops-kg: the FinOps Framework as an OWL ontology, SHACL shapes and a knowledge graph.

The Framework content is adapted from the FinOps Foundation's FinOps Framework
(https://www.finops.org/framework/), licensed under CC BY 4.0.

The package is layered along the data's way: graph (terms, files, loading, serialising) →
mapping (SSSOM sets) → release (reasoning, validation, the dataset, the build) → sparql and
views → diff and stats → cli. `import finops_kg` imports none of them: each public name below
is imported when first used, so the command line starts without rdflib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {  # public name -> the module that defines it
    "BuildResult": "finops_kg.release.build",
    "Card": "finops_kg.answer.card",
    "card": "finops_kg.answer.card",
    "build": "finops_kg.release.build",
    "FinopsKGError": "finops_kg.errors",
    "load": "finops_kg.release.dataset",
    "QueryResult": "finops_kg.sparql.results",
    "query": "finops_kg.sparql.query",
    "entailments": "finops_kg.release.reason",
    "Hit": "finops_kg.answer.search",
    "search": "finops_kg.answer.search",
    "ValidationReport": "finops_kg.release.validate",
    "validate": "finops_kg.release.validate",
    "to_networkx": "finops_kg.views.network",
}


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'finops_kg' has no attribute {name!r}")


__all__ = sorted(_PUBLIC)
