"""The result of a query: rows, a boolean or a graph, and their CSV, TSV, JSON and table forms."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from finops_kg.graph.namespace import shorten
from finops_kg.sparql.catalogue import QueryError


@dataclass
class QueryResult:
    """The rows of a SELECT (as rdflib terms), the answer of an ASK, or the graph of a CONSTRUCT."""

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def to_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts from column to rdflib term (None where unbound)."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_csv(self, delimiter: str = ",") -> str:
        """Return the rows as SPARQL 1.1 CSV: IRIs plainly, literals by their lexical form."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if term is None else str(term) for term in row])
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """Return the rows as SPARQL 1.1 TSV, each term in its N-Triples form."""
        lines = ["\t".join(f"?{c}" for c in self.columns)]
        lines += ["\t".join("" if t is None else t.n3() for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Return the rows as a JSON list of objects with plain values."""
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
                    for row in self.rows]
        body = {"head": {"vars": self.columns}, "results": {"bindings": bindings}}
        return json.dumps(body, ensure_ascii=False) + "\n"

    def to_table(self) -> str:
        """Return the rows as an aligned text table, with IRIs shortened by the project prefixes."""
        from finops_kg.table import render_table

        rows = [[_show(t) for t in row] for row in self.rows]
        return render_table(self.columns, rows) + f"({len(self.rows)} rows)\n"

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame (pandas is optional and not installed by us)."""
        try:
            import pandas
        except ImportError:
            raise QueryError("to_dataframe() needs pandas: pip install pandas") from None
        return pandas.DataFrame([[None if t is None else t.toPython() if isinstance(t, Literal)
                                  else str(t) for t in row] for row in self.rows],
                                columns=self.columns)


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    body = {"type": "literal", "value": str(term)}
    if term.language:
        body["xml:lang"] = term.language
    elif term.datatype:
        body["datatype"] = str(term.datatype)
    return body


def _show(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(term)
    return str(term)
