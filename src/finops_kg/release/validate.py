"""Validate a graph against the finops-kg SHACL shapes and report each result on one line."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from finops_kg.graph import resources
from finops_kg.errors import InputError
from finops_kg.graph.iris import shorten

if TYPE_CHECKING:  # the report classes are also used by the Oxigraph engine, without rdflib
    from rdflib import Graph, Literal, Node

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
ENGINES = ("fast", "pyshacl")  # the compiled SPARQL checks on Oxigraph, or pySHACL itself


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL validation result, with the focus node's label for people to read."""

    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    shape: str = field(compare=False)

    def line(self) -> str:
        """Return the result as one line: severity, focus node and label, path, value, message."""
        focus = f"{self.focus} ({self.focus_label})" if self.focus_label else self.focus
        parts = [self.severity, focus, self.path or "-", self.value or "-", self.message]
        return " | ".join(parts)


class ValidationReport:
    """The outcome of validating a graph: whether it conforms, its results and the report graph.

    The report graph (rdflib, in the sh: vocabulary) is made when first asked for, so that a
    report from the Oxigraph engine costs no rdflib until someone wants Turtle.
    fallback_shapes names the shapes that engine left to pySHACL, if any.
    """

    def __init__(self, conforms: bool, results: list[ValidationResult], graph: Graph | None = None,
                 *, graph_factory: Callable[[], Graph] | None = None,
                 fallback_shapes: Iterable[str] = ()) -> None:
        self.conforms = conforms
        self.results = results
        self._graph = graph
        self._graph_factory = graph_factory
        self.fallback_shapes = list(fallback_shapes)

    def __repr__(self) -> str:
        return f"ValidationReport(conforms={self.conforms}, results={len(self.results)})"

    @property
    def graph(self) -> Graph:
        """Return the report graph: sh:ValidationReport with one sh:ValidationResult per result."""
        if self._graph is None and self._graph_factory is not None:
            self._graph = self._graph_factory()
        return self._graph

    @property
    def violations(self) -> list[ValidationResult]:
        """Return the results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def text(self) -> str:
        """Return the report as text: a summary line, then one line per result."""
        counts = {s: sum(r.severity == s for r in self.results) for s in SEVERITY_ORDER}
        summary = "Conforms" if self.conforms else "Does not conform"
        detail = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
        return "\n".join([f"{summary}: {detail}."] + [r.line() for r in self.results]) + "\n"

    def to_json(self) -> str:
        """Return the report as JSON."""
        body = {"conforms": self.conforms, "results": [asdict(r) for r in self.results]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def load_shapes() -> Graph:
    """Return the project's SHACL shapes as one graph."""
    from rdflib import Graph

    from finops_kg.graph.load import parse_files

    return parse_files(Graph(), resources.shape_files())


def validate(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate the asserted graph against the shapes with pySHACL; no inference is run first."""
    import pyshacl
    from rdflib import Graph

    conforms, report_graph, text = pyshacl.validate(
        graph,
        shacl_graph=shapes if shapes is not None else load_shapes(),
        inference="none",
        advanced=True,  # SPARQL-based targets (SHACL Advanced Features)
        allow_warnings=True,  # Warnings and Infos do not break conformance
    )
    if not isinstance(report_graph, Graph):  # pySHACL could not use the shapes at all
        lines = [line.strip() for line in str(text).splitlines() if line.strip()]
        raise InputError(f"the SHACL shapes cannot be used: {lines[-1] if lines else text}")
    results = sorted(_read_results(report_graph, graph), key=result_order)
    return ValidationReport(conforms=bool(conforms), results=results, graph=report_graph)


def validate_files(paths: Iterable[str | Path], edition: str | None = None,
                   engine: str = "fast",
                   progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    """Validate users' RDF files together with the ontology and, if given, an edition's data.

    The fast engine runs the compiled shapes on Oxigraph (release.shapes), calling progress with
    the queries run and to run; "pyshacl" parses with rdflib and runs pySHACL, the reference.
    Both give the same results.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    if engine == "fast":
        from finops_kg.release.shapes.run import validate_files_fast

        return validate_files_fast(paths, edition, progress)
    from finops_kg.release.dataset import load
    from finops_kg.graph.load import new_graph, parse_files

    graph = load(edition) if edition else parse_files(new_graph(), resources.ontology_files())
    parse_files(graph, paths)
    return validate(graph)


def _read_results(report: Graph, data: Graph) -> Iterable[ValidationResult]:
    from rdflib.namespace import RDF, SH

    from finops_kg.graph.labels import label

    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        yield ValidationResult(
            severity=_local_name(severity),
            focus=_show(focus),
            focus_label=label(data, focus),
            path=_show_path(report, report.value(node, SH.resultPath)),
            value=_show(report.value(node, SH.value)),
            message=" ".join(str(m) for m in sorted(report.objects(node, SH.resultMessage))),
            shape=_show(report.value(node, SH.sourceShape)),
        )


def result_order(result: ValidationResult) -> tuple:
    """Return the sort key of a result: severity, focus node, path, message, then value and
    shape, so that the order never depends on the order a validator found them in."""
    return (SEVERITY_ORDER.get(result.severity, 9), result.focus, result.path, result.message,
            result.value, result.shape)


def _show(node: Node | None) -> str:
    from rdflib import Literal, URIRef

    if node is None:
        return ""
    if isinstance(node, URIRef):
        return shorten(node)
    if isinstance(node, Literal):
        return _literal_text(node)
    return "(blank node)"


def _literal_text(literal: Literal) -> str:
    text = f'"{canonical_lexical(str(literal), str(literal.datatype or ""))}"'
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype:
        return f"{text}^^{shorten(literal.datatype)}"
    return text


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def canonical_lexical(lexical: str, datatype: str) -> str:
    """Return a valid integer, decimal or boolean in its canonical form ("30.0", "5", "true").

    Oxigraph keeps only the value of such a literal and rdflib its text as written, so both
    engines show values in this one form; any other literal is shown as it is.
    """
    if datatype == _XSD + "integer" and _INTEGER.fullmatch(lexical):
        return str(int(lexical))
    if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(lexical):
        value = Decimal(lexical)
        text = "0" if value.is_zero() else format(value.normalize(), "f")
        return text if "." in text else text + ".0"
    if datatype == _XSD + "boolean" and lexical in ("0", "1"):
        return "true" if lexical == "1" else "false"
    return lexical


def _show_path(report: Graph, path: Node | None) -> str:
    from rdflib.namespace import SH

    inverse = report.value(path, SH.inversePath) if path is not None else None
    if inverse is not None:
        return "^" + _show(inverse)
    return _show(path)


def _local_name(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""
