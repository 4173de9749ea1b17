"""Bind a catalogue query's parameters as RDF terms: labels resolved, values in a VALUES block."""

from __future__ import annotations

import difflib
import re
import threading
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import pyoxigraph

from finops_kg.graph import resources
from finops_kg.graph.guard import MAX_DEPTH, nesting_overflow
from finops_kg.graph.iris import edition_iri, expand_curie, shorten

from finops_kg.sparql.catalogue import CatalogueQuery, Parameter, QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"

_STRINGS_IRIS_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')


# ---------------------------------------------------------------------------
# Binding parameters
# ---------------------------------------------------------------------------

def bind_parameters(query: CatalogueQuery, values: dict[str, str],
                    labels: "LabelIndex") -> dict[str, Any]:
    """Turn the user's text values into RDF terms, applying defaults and resolving labels."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        expected = ", ".join(known) or "none"
        raise QueryError(f"query {query.name} has no parameter {unknown[0]!r}; "
                         f"its parameters are: {expected}")
    bound = {}
    for parameter in query.parameters:
        raw = values.get(parameter.name, parameter.default)
        if raw is None:
            raise QueryError(f"query {query.name} needs parameter {parameter.name} "
                             f"({parameter.type}), for example --param "
                             f"{parameter.name}={parameter.example!r}")
        bound[parameter.name] = _to_term(parameter, str(raw), labels, query.name)
    return bound


def _to_term(parameter: Parameter, raw: str, labels: "LabelIndex", query_name: str) -> Any:
    kind = parameter.type
    if kind == "edition":
        editions = resources.available_editions()
        year = raw.rsplit("/", 1)[-1]
        if year not in editions:
            raise QueryError(f"parameter {parameter.name}: unknown edition {raw!r}; "
                             f"the editions are: {', '.join(editions)}")
        return pyoxigraph.NamedNode(edition_iri(year))
    if kind == "string":
        return pyoxigraph.Literal(raw)
    if kind in ("integer", "decimal"):
        try:
            number = Decimal(raw.strip())
            if not number.is_finite() or (kind == "integer" and number != int(number)):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise QueryError(f"parameter {parameter.name} of query {query_name} must be "
                             f"an {kind}, not {raw!r}") from None
        lexical = str(int(number)) if kind == "integer" else format(number, "f")
        return pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(XSD + kind))
    return labels.resolve(raw, kind, parameter.name)


class LabelIndex:
    """Names of the individuals of each class, to resolve a label, CURIE or IRI to one IRI.

    Given read, it reads a class's names when a parameter first needs them: reading every
    class at once took 3.7 s on a workspace of a million triples, one class 6 ms.
    """

    QUERY = """
        PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?thing ?label WHERE {
          GRAPH ?g { ?thing rdf:type ?class . ?thing skos:prefLabel|skos:altLabel|rdfs:label ?label }
        }"""

    def __init__(self, rows: Iterable[tuple[Any, Any, Any]] = (),
                 read: Callable[[str], Iterable[tuple[Any, Any]]] | None = None) -> None:
        """rows are (individual, class, label); read(class IRI) gives a class's (individual,
        label) rows, with QUERY and ?class bound to the class."""
        self.by_class: dict[str, dict[str, set[str]]] = {}
        self.members: dict[str, set[str]] = {}
        for thing, cls, label in rows:
            self._add(str(cls), thing, label)
        self._read = read
        self._classes_read: set[str] = set()
        self._reading = threading.Lock()  # a server resolves parameters on several threads

    def _add(self, cls: str, thing: Any, label: Any) -> None:
        self.members.setdefault(cls, set()).add(str(thing))
        self.by_class.setdefault(cls, {}).setdefault(str(label).casefold(), set()).add(str(thing))

    def _read_class(self, cls: str) -> None:
        if self._read is None:
            return
        with self._reading:
            if cls not in self._classes_read:
                for thing, label in self._read(cls):
                    self._add(cls, thing, label)
                self._classes_read.add(cls)

    def resolve(self, raw: str, class_curie: str, name: str) -> Any:
        """Return the one individual of the class that raw names, or fail with close matches."""
        cls = expand_curie(class_curie)
        self._read_class(cls)
        members = self.members.get(cls, set())
        # printable and without spaces: else it is a label, and its message shows it escaped
        iri = expand_curie(raw) if ":" in raw and raw.isprintable() and " " not in raw else None
        if iri is not None:
            if iri not in members:
                raise QueryError(f"parameter {name}: {raw} is not a {class_curie} of the graph")
            return pyoxigraph.NamedNode(iri)
        names = self.by_class.get(cls, {})
        found = names.get(raw.casefold(), set())
        if len(found) == 1:
            return pyoxigraph.NamedNode(next(iter(found)))
        if len(found) > 1:
            choices = ", ".join(sorted(shorten(f) for f in found))
            raise QueryError(f"parameter {name}: {raw!r} names several {class_curie}: {choices}")
        close = difflib.get_close_matches(raw.casefold(), list(names), n=3, cutoff=0.5)
        hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
        raise QueryError(f"parameter {name}: no {class_curie} is called {raw!r}{hint}")


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """Return the query with a VALUES block that binds its parameters to RDF terms.

    The block opens the query's outermost WHERE group, so the engine binds the parameters before
    it evaluates the rest (Virtuoso also rejects a trailing VALUES on an unprojected variable).
    Each term (an Oxigraph or an rdflib one) is written in its N-Triples form, which escapes any
    quote, so a value can never change the query's structure. A query without a WHERE keyword gets a trailing VALUES clause.
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() if hasattr(term, "n3") else str(term) for term in bindings.values())
    block = f"VALUES ({names}) {{ ({terms}) }}"
    # Strings, IRIs and comments are blanked out at the same length, so positions still hold.
    bare = keywords_outside_literals(text, keep_length=True)
    where = re.search(r"\bWHERE\s*\{", bare, re.I)
    if where is None:
        return f"{text.rstrip()}\n{block}\n"
    return f"{text[:where.end()]}\n  {block}{text[where.end():]}"


def graphs_read(text: str, bindings: dict[str, Any]) -> list[str] | None:
    """Return the named graphs a query can read when each GRAPH names a bound parameter or an IRI.

    Given to the engine as the query's named graphs, they spare it reading every other graph for
    a GRAPH ?edition evaluated before its VALUES binding is joined (a workspace keeps each
    user's file as a graph besides the edition's). None when a GRAPH reads any graph: an unbound
    variable, a prefixed name, FROM, or a sub-SELECT that hides a bound variable it reads.
    """
    bare = keywords_outside_literals(text, keep_length=True)
    if re.search(r"\bFROM\b", bare, re.I):
        return None
    graphs, variables = set(), set()
    for keyword in re.finditer(r"\bGRAPH\b", bare, re.I):
        rest = text[keyword.end():].lstrip()  # not bare's: an IRI is blanked out there
        iri, variable = re.match(r"<([^<>\"\s]*)>", rest), re.match(r"[?$](\w+)", rest)
        term = bindings.get(variable.group(1)) if variable else None
        if iri:
            graphs.add(iri.group(1))
        elif isinstance(term, pyoxigraph.NamedNode) or type(term).__name__ == "URIRef":
            graphs.add(str(getattr(term, "value", term)))
            variables.add(variable.group(1))
        else:
            return None
    if not graphs:
        return None
    # An inner SELECT that does not project a variable has a variable of its own by that name,
    # which the outer VALUES does not bind.
    for select in list(re.finditer(r"\bSELECT\b", bare, re.I))[1:]:
        opening = bare.find("{", select.end())
        projection, body = bare[select.end():opening], _group(bare, opening)
        if re.fullmatch(r"\s*(?:DISTINCT|REDUCED)?\s*\*\s*(?:WHERE)?\s*", projection, re.I):
            continue
        for name in variables:
            if (re.search(rf"\bGRAPH\s+[?$]{name}\b", body, re.I)
                    and not re.search(rf"[?$]{name}\b", projection)):
                return None
    return sorted(graphs)


def _group(text: str, opening: int) -> str:
    depth = 0
    for position in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[opening:position + 1]
    return text[opening:]


def refuse_service(text: str) -> None:
    """Refuse a query that calls another endpoint with SERVICE: nothing leaves the machine unasked."""
    if re.search(r"\bSERVICE\b", keywords_outside_literals(text), re.I):
        raise QueryError("SERVICE is refused: it would send a request off this machine "
                         "(pass --allow-service to permit it)")



def refuse_deep_nesting(text: str) -> None:
    """Refuse a query nested deeper than any real one: Oxigraph's parser would crash the process."""
    deep = nesting_overflow(keywords_outside_literals(text, keep_length=True))
    if deep is not None:
        raise QueryError(f"SPARQL syntax error: line {deep[0]}, column {deep[1]}: nested more "
                         f"than {MAX_DEPTH} levels deep")


def keywords_outside_literals(text: str, keep_length: bool = False) -> str:
    """Return the query text without strings, IRIs and comments, to look for keywords safely."""
    if keep_length:
        return _STRINGS_IRIS_COMMENTS.sub(lambda match: " " * len(match.group(0)), text)
    return _STRINGS_IRIS_COMMENTS.sub(" ", text)


