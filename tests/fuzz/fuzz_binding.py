"""Fuzz target: binding a parameter's text to an RDF term and into a catalogue query.

The input picks a catalogue query and one of its parameters (or a parameter of each other
type the binder knows: integer, decimal, iri), and gives its text. bind_parameters returns
terms or raises QueryError; a bound query still parses and runs on an empty store, so no
text can change what the query says.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["finops_kg"]):
    import pyoxigraph

    from finops_kg.graph.rq import Parameter, QueryFile
    from finops_kg.sparql.binding import LabelIndex, bind_parameters, with_values
    from finops_kg.sparql.catalogue import QueryError, catalogue

sys.path.insert(0, str(Path(__file__).parent))
from common import fuzz  # noqa: E402

FO = "https://w3id.org/finops-kg/ontology#"
FID = "https://w3id.org/finops-kg/id/"
EXTRA = QueryFile("typed", "", "", tuple(Parameter(name, name, None, "1") for name in
                                         ("integer", "decimal", "iri")), (),
                  "SELECT * WHERE { BIND (?integer AS ?a) BIND (?decimal AS ?b) BIND (?iri AS ?c) }")
TARGETS = [(entry, p.name) for entry in catalogue().values() for p in entry.parameters]
TARGETS += [(EXTRA, p.name) for p in EXTRA.parameters]
# a few names of each class, some of them awkward, so that a label or CURIE can resolve
LABELS = LabelIndex([(f"{FID}capability/allocation", FO + "Capability", "Allocation"),
                     (f"{FID}capability/forecasting", FO + "Capability", "Forecasting"),
                     (f"{FID}domain/x", FO + "Domain", 'Un"der} UNION {'),
                     (f"{FID}persona/a", FO + "Persona", "Finance"),
                     (f"{FID}persona/b", FO + "Persona", "finance")])
STORE = pyoxigraph.Store()


def test_one_input(data: bytes) -> None:
    entry, name = TARGETS[data[0] % len(TARGETS)] if data else TARGETS[0]
    text = data[1:].decode("utf-8", "replace")
    values = {p.name: "1" for p in entry.parameters} if entry is EXTRA else {}
    values[name] = text
    try:
        bound = bind_parameters(entry, values, LABELS)
    except QueryError as error:
        assert "\n" not in str(error), error  # one line: the text is shown escaped
        return
    query = with_values(entry.text, bound)
    try:
        list(STORE.query(query))
    except SyntaxError as error:  # the bound value changed the query's syntax
        raise AssertionError(f"{error}\n{query}") from None


if __name__ == "__main__":
    fuzz(test_one_input)
