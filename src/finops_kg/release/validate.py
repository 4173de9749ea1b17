"""Validate a graph against the finops-kg SHACL shapes and report each result on one line."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH

from finops_kg.graph import resources
from finops_kg.errors import InputError
from finops_kg.graph.labels import label
from finops_kg.graph.namespace import shorten

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


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


@dataclass
class ValidationReport:
    """The outcome of validating a graph: whether it conforms, its results and the report graph."""

    conforms: bool
    results: list[ValidationResult]
    graph: Graph

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
    from finops_kg.graph.load import parse_files

    return parse_files(Graph(), resources.shape_files())


def validate(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate the asserted graph against the shapes; no inference is run first."""
    import pyshacl

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
    results = sorted(_read_results(report_graph, graph), key=_result_order)
    return ValidationReport(conforms=bool(conforms), results=results, graph=report_graph)


def validate_files(paths: Iterable[str | Path], edition: str | None = None) -> ValidationReport:
    """Validate users' RDF files together with the ontology and, if given, an edition's data."""
    from finops_kg.release.dataset import load
    from finops_kg.graph.load import new_graph, parse_files

    graph = load(edition) if edition else parse_files(new_graph(), resources.ontology_files())
    parse_files(graph, paths)
    return validate(graph)


def _read_results(report: Graph, data: Graph) -> Iterable[ValidationResult]:
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


def _result_order(result: ValidationResult) -> tuple:
    return (SEVERITY_ORDER.get(result.severity, 9), result.focus, result.path, result.message)


def _show(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return shorten(node)
    if isinstance(node, Literal):
        return _literal_text(node)
    return "(blank node)"


def _literal_text(literal: Literal) -> str:
    text = f'"{literal}"'
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype:
        return f"{text}^^{shorten(literal.datatype)}"
    return text


def _show_path(report: Graph, path: Node | None) -> str:
    inverse = report.value(path, SH.inversePath) if path is not None else None
    if inverse is not None:
        return "^" + _show(inverse)
    return _show(path)


def _local_name(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""
