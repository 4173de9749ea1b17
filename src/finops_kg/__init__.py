"""finops-kg: the FinOps Framework as an OWL ontology, SHACL shapes and a knowledge graph.

The Framework content is adapted from the FinOps Foundation's FinOps Framework
(https://www.finops.org/framework/), licensed under CC BY 4.0.
"""

from __future__ import annotations

# The functions share their modules' names, so they are bound here eagerly: binding them
# lazily would let a later `import finops_kg.load` replace the function with the module.
# pyshacl, owlrl and reasonable stay unimported until a function needs them.
from finops_kg.build import BuildResult, build
from finops_kg.errors import FinopsKGError
from finops_kg.load import load
from finops_kg.query import QueryResult, query
from finops_kg.reason import entailments
from finops_kg.validate import ValidationReport, validate

__version__ = "0.1.0"


def __getattr__(name: str):
    # networkx takes a tenth of a second to import; only graph exports need it.
    if name == "to_networkx":
        from finops_kg.network import to_networkx

        return to_networkx
    raise AttributeError(f"module 'finops_kg' has no attribute {name!r}")


__all__ = [
    "BuildResult",
    "FinopsKGError",
    "QueryResult",
    "ValidationReport",
    "build",
    "entailments",
    "load",
    "query",
    "to_networkx",
    "validate",
]
