"""Build a release of one edition: load, validate, check hygiene, reason and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from finops_kg.errors import OutputError
from finops_kg.hygiene import HygieneCheck
from finops_kg.namespace import FO
from finops_kg.validate import ValidationReport

ASSERTED_NAME = "finops-kg"
INFERRED_NAME = "finops-kg-inferred"


@dataclass
class BuildResult:
    """What a build produced and found."""

    edition: str
    out_dir: Path
    asserted_triples: int
    inferred_triples: int
    individuals_per_class: list[tuple[str, int]]
    report: ValidationReport
    hygiene: list[HygieneCheck]
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the graph conforms and every hygiene query returned no rows."""
        return self.report.conforms and all(check.passed for check in self.hygiene)

    def problems(self) -> list[str]:
        """Return one line per SHACL violation and per hygiene row."""
        lines = [r.line() for r in self.report.violations]
        for check in self.hygiene:
            lines.extend(check.lines())
        return lines


def build(out_dir: str | Path = "dist", edition: str = "2026") -> BuildResult:
    """Build the edition into out_dir; nothing is written unless every check passes."""
    from finops_kg.export import serialize, write_atomic
    from finops_kg.hygiene import run_hygiene_checks
    from finops_kg.load import check_edition, load
    from finops_kg.reason import entailments
    from finops_kg.validate import validate

    check_edition(edition)
    out_dir = Path(out_dir)
    _check_writable(out_dir)

    asserted = load(edition)
    report = validate(asserted)
    hygiene = run_hygiene_checks(asserted)
    inferred = asserted + entailments(asserted)
    for prefix, namespace in asserted.namespaces():
        inferred.bind(prefix, namespace, override=True)

    result = BuildResult(
        edition=edition,
        out_dir=out_dir,
        asserted_triples=len(asserted),
        inferred_triples=len(inferred),
        individuals_per_class=individuals_per_class(inferred),
        report=report,
        hygiene=hygiene,
    )
    if not result.ok:
        return result

    outputs = {
        f"{ASSERTED_NAME}.ttl": serialize(asserted, "turtle"),
        f"{ASSERTED_NAME}.jsonld": serialize(asserted, "jsonld"),
        f"{ASSERTED_NAME}.nt": serialize(asserted, "nt"),
        f"{INFERRED_NAME}.ttl": serialize(inferred, "turtle"),
        "validation-report.ttl": serialize(report.graph, "turtle"),
        "validation-report.txt": _report_text(report, hygiene).encode("utf-8"),
    }
    # Everything is serialised before the first file is replaced, so a failure leaves no mix.
    result.files = [write_atomic(out_dir / name, data) for name, data in outputs.items()]
    return result


def individuals_per_class(graph: Graph) -> list[tuple[str, int]]:
    """Return (class label, number of individuals) for each fo: class that has individuals."""
    counts = []
    for cls in sorted(set(graph.subjects(RDF.type, OWL.Class))):
        if isinstance(cls, URIRef) and str(cls).startswith(str(FO)):
            members = set(graph.subjects(RDF.type, cls))
            if members:
                counts.append((graph.namespace_manager.curie(cls), len(members)))
    return counts


def _report_text(report: ValidationReport, hygiene: list[HygieneCheck]) -> str:
    lines = [report.text, "Hygiene queries:"]
    for check in hygiene:
        verdict = "pass" if check.passed else f"FAIL ({len(check.rows)} rows)"
        lines.append(f"  {check.name}: {verdict}")
    return "\n".join(lines) + "\n"


def _check_writable(out_dir: Path) -> None:
    """Fail early, before any work, when out_dir cannot be created or written."""
    import os
    import tempfile

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-test.", dir=out_dir)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OutputError(f"{out_dir}: output folder is not writable ({error.strerror or error})") from None
