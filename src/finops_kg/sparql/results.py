"""The result of a query: rows, a boolean or a graph, and their CSV, TSV, JSON and table forms.

Rows from Oxigraph stay Oxigraph terms until someone asks for rdflib ones (`rows`), so printing
a table or CSV needs no rdflib; rows from rdflib or a remote store are rdflib terms already.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyoxigraph

from finops_kg.graph.iris import shorten
from finops_kg.sparql.catalogue import QueryError

_OXIGRAPH_TERMS = (pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QueryResult:
    """The rows of a SELECT, the answer of an ASK, or the graph of a CONSTRUCT or DESCRIBE."""

    def __init__(self, columns: list[str] | None = None, rows: list[tuple[Any, ...]] | None = None,
                 boolean: bool | None = None, graph: Any = None, *,
                 cells: list[tuple[Any, ...]] | None = None) -> None:
        """Hold rows as rdflib terms, or cells as Oxigraph terms (converted when rows is read)."""
        self.columns = list(columns or [])
        self._rows = rows
        self._cells = cells
        self.boolean = boolean
        self.graph = graph

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """Return the rows as tuples of rdflib terms (None where unbound)."""
        if self._rows is None:
            from finops_kg.graph.terms import to_rdflib

            self._rows = [tuple(to_rdflib(term) for term in row) for row in self._cells or []]
        return self._rows

    @property
    def cells(self) -> list[tuple[Any, ...]] | None:
        """Return the rows as Oxigraph terms, or None when they came as rdflib terms."""
        return self._cells if self._rows is None else None

    def _terms(self) -> list[tuple[Any, ...]]:
        return self._cells if self._rows is None and self._cells is not None else self.rows

    def to_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts from column to rdflib term (None where unbound)."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_text_dicts(self) -> list[dict[str, str]]:
        """Return the rows as dicts from column to lexical value (IRIs plainly), unbound left out."""
        # One string per distinct term, shared by every row that holds it: a report's tables
        # repeat each unit, capability and date thousands of times (at a million triples, the
        # report's tables take 15 % less memory).
        texts: dict[Any, str] = {}

        def text(term: Any) -> str:
            found = texts.get(term)
            if found is None:
                found = texts[term] = _lexical(term)
            return found

        return [{column: text(term) for column, term in zip(self.columns, row)
                 if term is not None} for row in self._terms()]

    def to_csv(self, delimiter: str = ",") -> str:
        """Return the rows as SPARQL 1.1 CSV: IRIs plainly, literals by their lexical form."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self._terms():
            writer.writerow([_lexical(term) for term in row])
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """Return the rows as SPARQL 1.1 TSV, each term in its N-Triples form."""
        lines = ["\t".join(f"?{c}" for c in self.columns)]
        lines += ["\t".join(_ntriples(t) for t in row) for row in self._terms()]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Return the rows as a JSON list of objects with plain values."""
        from rdflib import Literal

        def plain(term: Any) -> Any:
            return term.toPython() if isinstance(term, Literal) else (None if term is None
                                                                       else str(term))
        body = [{c: plain(t) for c, t in zip(self.columns, row)} for row in self.rows]
        return json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n"

    def to_sparql_json(self) -> str:
        """Return the result in the SPARQL 1.1 Query Results JSON format."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}) + "\n"
        bindings = [{c: _json_term(t) for c, t in zip(self.columns, row) if t is not None}
                    for row in self._terms()]
        body = {"head": {"vars": self.columns}, "results": {"bindings": bindings}}
        return json.dumps(body, ensure_ascii=False) + "\n"

    def to_table(self) -> str:
        """Return the rows as an aligned text table, with IRIs shortened by the project prefixes."""
        from finops_kg.table import render_table

        rows = [[_show(t) for t in row] for row in self._terms()]
        return render_table(self.columns, rows) + f"({len(rows)} rows)\n"

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame (pandas is optional and not installed by us)."""
        try:
            import pandas
        except ImportError:
            raise QueryError("to_dataframe() needs pandas: pip install pandas") from None
        from rdflib import Literal

        return pandas.DataFrame([[None if t is None else t.toPython() if isinstance(t, Literal)
                                  else str(t) for t in row] for row in self.rows],
                                columns=self.columns)


def _kind(term: Any) -> str:
    """Return "uri", "bnode" or "literal" for an Oxigraph or an rdflib term."""
    if isinstance(term, _OXIGRAPH_TERMS):
        return {pyoxigraph.NamedNode: "uri", pyoxigraph.BlankNode: "bnode"}.get(type(term),
                                                                                 "literal")
    from rdflib import BNode, URIRef

    return "uri" if isinstance(term, URIRef) else "bnode" if isinstance(term, BNode) else "literal"


def _lexical(term: Any) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, _OXIGRAPH_TERMS) else str(term)


def _ntriples(term: Any) -> str:
    if term is None:
        return ""
    return str(term) if isinstance(term, _OXIGRAPH_TERMS) else term.n3()


def _json_term(term: Any) -> dict[str, str]:
    kind = _kind(term)
    body = {"type": kind, "value": _lexical(term)}
    if kind == "literal":
        language = term.language
        datatype = term.datatype.value if isinstance(term, pyoxigraph.Literal) else term.datatype
        if language:
            body["xml:lang"] = language
        elif datatype and str(datatype) != _XSD_STRING:
            body["datatype"] = str(datatype)
    return body


def _show(term: Any) -> str:
    if term is None:
        return ""
    return shorten(_lexical(term)) if _kind(term) == "uri" else _lexical(term)
