"""Run the compiled shapes on a pyoxigraph Store and report as pySHACL's path does.

The data graph is the store's default graph, plus the named graphs given: for a workspace, the
ontology's graph and its edition's graph, which holds every graph the user loaded as well (and
not the triples the ontology states, so that no triple is seen twice). Every compiled check counts
distinct values, so a triple stated in two of the graphs counts once, as in pySHACL's one merged
graph; a shape's own SPARQL sees it once per graph (only an aggregate such as SUM can tell).
validate_files_fast builds such a store in memory from the compiled dataset and the user's
files, without rdflib. The queries run on a few threads: pyoxigraph lets go of the GIL while it
evaluates one.

Results are the same as pySHACL's on the same data: focus node, path, value, constraint
component, severity and source shape, and the same text and JSON. Literal values appear in
Oxigraph's canonical form ("30"^^xsd:decimal for "30.0"), which is the same value.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Sequence

import pyoxigraph as ox

from finops_kg.errors import InputError
from finops_kg.graph.guard import check_xml, describe_syntax_error, too_long
from finops_kg.graph.iris import shorten
from finops_kg.release.shapes.compile import ANTI, FOCUS
from finops_kg.release.validate import (
    ValidationReport,
    ValidationResult,
    canonical_lexical,
    result_order,
)

SH = "http://www.w3.org/ns/shacl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_SEVERITY_NAME = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
SMALL_FOCUS = 1000  # a shape with more focus nodes is first narrowed down by node tests
BATCH = 1000  # at most this many nodes are named in one query
WORKERS = min(4, os.cpu_count() or 1)
Progress = Callable[[int, int], None]

# Files Oxigraph reads itself; any other kind goes through the same reader as pySHACL's path.
_OXIGRAPH_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
}
_RDFLIB_SUFFIXES = (".jsonld", ".json", ".json-ld", ".nq", ".nquads", ".trig", ".n3", ".hext",
                    ".trix", ".sssom.tsv")


class Result(NamedTuple):
    """One validation result with its terms, before it is shown."""

    focus: Any
    path: Any  # a pyoxigraph term, or a plan path {"id", "show"}, or None
    value: Any
    component: str
    severity: str
    shape: str
    shape_show: str
    messages: tuple  # of (text, language, datatype)
    constraint: str | None = None
    origin: Any = None  # (report graph, node) of a result that pySHACL found


def validate_store(store: Any, graphs: Sequence[str] | None = None, plan: dict | None = None,
                   progress: Progress | None = None) -> ValidationReport:
    """Validate the store's default graph, plus the named graphs given, against the shapes."""
    results, fallback = run_checks(store, graphs, plan, progress)
    return make_report(store, graphs, results, fallback, plan)


def run_checks(store: Any, graphs: Sequence[str] | None = None, plan: dict | None = None,
               progress: Progress | None = None) -> tuple[list[Result], list[str]]:
    """Return every result of the plan on the store, and the shapes pySHACL had to check.

    progress, if given, is called with the number of queries run and the number to run."""
    if plan is None:
        from finops_kg.release.shapes.compile import compiled_plan

        plan = compiled_plan()
    options = _dataset(graphs)
    checker = _Checker(store, plan["focus"], options)
    by_focus: dict[int, list[dict]] = {}
    for check in plan["checks"]:
        by_focus.setdefault(check["focus"], []).append(check)
    results: list[Result] = []
    # pyoxigraph lets go of the GIL while it evaluates, so queries on other threads run on other
    # cores; the store is safe to read from several threads.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = [job for found in pool.map(checker.jobs, by_focus, by_focus.values())
                for job in found]
        if progress:
            progress(0, len(jobs))
        futures = [pool.submit(lambda job: list(_run(store, *job, options)), job)
                   for job in jobs]
        for done, future in enumerate(futures, 1):
            results.extend(future.result())
            if progress:
                progress(done, len(jobs))
    fallback = [shape["show"] for shape in plan["fallback"]]
    if plan["fallback"]:
        results.extend(_fallback(store, graphs, plan["fallback"]))
    return results, fallback


def _dataset(graphs: Sequence[str] | None) -> dict:
    if not graphs:
        return {}
    return {"default_graph": [ox.DefaultGraph(), *(ox.NamedNode(g) for g in graphs)]}


class _Checker:
    """Makes each check's query fit the focus nodes of its shape, found once per shape.

    A few focus nodes (SMALL_FOCUS at most) are named in the query, in a VALUES block: Oxigraph
    then looks up their values, where a focus query joined in would have it scan every triple of
    the path's predicate, which other classes may use a hundred thousand times. Many focus nodes
    are first narrowed down: one query runs the node_test of every check over them, and each
    check then examines only the nodes its test picked out, again named in VALUES blocks.
    """

    def __init__(self, store: Any, queries: list[str], options: dict) -> None:
        self.store, self.queries, self.options = store, queries, options

    def jobs(self, number: int, checks: list[dict]) -> list[tuple[dict, str]]:
        """Return each (check, query) to run for the checks of one focus."""
        nodes = [row[0] for row in self.store.query(
            f"SELECT ?this WHERE {{ {self.queries[number]} }} LIMIT {SMALL_FOCUS + 1}",
            **self.options)]
        if len(nodes) <= min(SMALL_FOCUS, BATCH) and _nameable(nodes):
            return [(check, _fill(check, nodes)) for check in checks if nodes]
        tested = [check for check in checks if "node_test" in check]
        jobs = [(check, _fill(check, self.queries[number])) for check in checks
                if "node_test" not in check]
        for check, picked in zip(tested, self.narrow(number, tested)):
            if not _nameable(picked):
                jobs.append((check, _fill(check, self.queries[number])))
                continue
            for start in range(0, len(picked), BATCH):
                jobs.append((check, _fill(check, picked[start:start + BATCH])))
        return jobs

    def narrow(self, number: int, checks: list[dict]) -> list[list[Any]]:
        """Return, for each check, the focus nodes its node_test picks out."""
        picked: list[list[Any]] = [[] for _ in checks]
        for start in range(0, len(checks), 32):  # a FILTER over a few dozen flags at most
            indexes = range(start, min(start + 32, len(checks)))
            binds = " ".join(f"BIND (({checks[i]['node_test']}) AS ?c{i})" for i in indexes)
            test = " || ".join(f"COALESCE(?c{i}, true)" for i in indexes)
            query = (f"SELECT ?this {' '.join(f'?c{i}' for i in indexes)} WHERE "
                     f"{{ {self.queries[number]} {binds} FILTER ({test}) }}")
            for row in self.store.query(query, **self.options):
                for index in indexes:
                    flag = row[f"c{index}"]
                    if flag is None or flag.value == "true":  # an error: let the check decide
                        picked[index].append(row["this"])
        return picked


def _nameable(nodes: list[Any]) -> bool:
    """Tell whether VALUES can name the nodes: a blank node it cannot."""
    return not any(isinstance(node, ox.BlankNode) for node in nodes)


def _fill(check: dict, focus: list[Any] | str) -> str:
    """Return the check's query for focus nodes named in a list, or found by a focus query."""
    if isinstance(focus, str):
        return check["query"].replace(FOCUS, focus).replace(ANTI, "MINUS")
    values = "{ VALUES ?this { " + " ".join(map(str, focus)) + " } }"
    return check["query"].replace(FOCUS, values).replace(ANTI, "FILTER NOT EXISTS")


def _run(store: Any, check: dict, query: str, options: dict) -> Iterable[Result]:
    mode = check["mode"]
    base = dict(path=check["path"], severity=check["severity"], shape=check["shape"],
                shape_show=check["shape_show"], messages=_messages(check["messages"]))
    solutions = store.query(query, **options)
    if mode == "flags":
        components = check["components"]
        for row in solutions:
            for index, component in enumerate(components):
                if row[f"f{index}"].value == "true":
                    yield Result(row["this"], value=row["value"], component=component, **base)
    elif mode == "fixed":
        component = check["components"][0]
        with_value = check.get("value") != "none"
        for row in solutions:
            yield Result(row["this"], value=row["value"] if with_value else None,
                         component=component, **base)
    elif mode == "qualified":
        low, high = check["min"], check["max"]
        for row in solutions:
            count = int(row["n"].value)
            if high is not None and count > high:
                yield Result(row["this"], value=None, component=check["components"][1], **base)
            if low is not None and count < low:
                yield Result(row["this"], value=None, component=check["components"][0], **base)
    else:
        yield from _sparql_results(solutions, check, base)


def _sparql_results(solutions: Any, check: dict, base: dict) -> Iterable[Result]:
    """Turn a SPARQL constraint's rows into results as pySHACL does: one per distinct row."""
    names = [v.value for v in solutions.variables]
    projected = check["projected"]
    every = projected == ["*"]
    seen = set()
    for row in solutions:
        bound = {name: row[name] for name in names if row[name] is not None}
        if not every:  # pySHACL only sees the variables the query itself selects
            bound = {name: term for name, term in bound.items() if name in projected}
        this, path, value = bound.get("this"), bound.get("path"), bound.get("value")
        if this is None and path is None and value is None:
            continue
        marker = tuple(sorted((k, str(v)) for k, v in bound.items()))
        if marker in seen:
            continue
        seen.add(marker)
        focus = row["this"]
        if value is None and check["node_shape"]:
            value = focus
        fill = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
        if this is not None:
            fill["this"] = this
        if path is not None:
            fill["path"] = path
        if value is not None:
            fill["value"] = value
        shape_messages = _messages(check["messages"])
        messages = [(_format(text, fill), None, None) for text, lang, dt in
                    _messages(check["constraint_messages"]) if (text, lang, dt) not in shape_messages]
        messages += [(_format(text, fill), None, None) for text, _, _ in shape_messages]
        yield Result(focus, path if path is not None else base["path"], value,
                     check["components"][0], base["severity"], base["shape"], base["shape_show"],
                     tuple(messages), constraint=check["constraint"])


def _format(text: str, bound: dict) -> str:
    """Put the bound terms into a message's {?name} slots, literals in canonical form."""
    for name, term in bound.items():
        if isinstance(term, ox.Literal):
            shown = canonical_lexical(term.value, term.datatype.value)
        else:
            shown = term.value if hasattr(term, "value") else str(term)
        text = re.sub("{[?$]" + name + "}", lambda _, t=shown: t, text)
    return text


def _messages(messages: list) -> tuple:
    return tuple((text, lang, dt) for text, lang, dt in messages)


# -- the report ------------------------------------------------------------------------------

def make_report(store: Any, graphs: Sequence[str] | None, results: list[Result],
                fallback: list[str], plan: dict | None = None) -> ValidationReport:
    """Return the ValidationReport of results: sorted, labelled, its report graph made lazily."""
    labels = _labels(store, graphs, {r.focus for r in results})
    shown = [(_shown(result, labels), result) for result in results]
    shown.sort(key=lambda pair: result_order(pair[0]))
    conforms = not any(r.severity == SH + "Violation" for r in results)
    ordered = [result for _, result in shown]

    def graph() -> Any:
        from finops_kg.release.shapes.compile import compiled_plan

        return report_graph(conforms, ordered, store, graphs, plan or compiled_plan())

    return ValidationReport(conforms, [r for r, _ in shown], graph_factory=graph,
                            fallback_shapes=fallback)


def _shown(result: Result, labels: dict) -> ValidationResult:
    return ValidationResult(
        severity=_SEVERITY_NAME.get(result.severity, result.severity.rsplit("#", 1)[-1]),
        focus=show(result.focus), focus_label=labels.get(result.focus, ""),
        path=_show_path(result.path), value=show(result.value),
        message=" ".join(sorted({text for text, _, _ in set(result.messages)})),
        shape=result.shape_show)


def show(term: Any) -> str:
    """Show a term as the text report does: a CURIE or <IRI>, a quoted literal, a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        text = f'"{canonical_lexical(term.value, term.datatype.value)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^{shorten(term.datatype.value)}"
        return text
    return "(blank node)"


def _show_path(path: Any) -> str:
    if path is None:
        return ""
    if isinstance(path, dict):
        return path["show"]
    return show(path)


def _labels(store: Any, graphs: Sequence[str] | None, nodes: set) -> dict:
    """Return each node's label as release.validate shows it: skos:prefLabel, else rdfs:label;
    of the English or untagged ones the least."""
    where = [ox.DefaultGraph(), *(ox.NamedNode(g) for g in graphs or ())]
    labels = {}
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue
        for prop in (_PREF_LABEL, _RDFS_LABEL):
            texts = sorted(q.object.value for graph in where
                           for q in store.quads_for_pattern(node, prop, None, graph)
                           if isinstance(q.object, ox.Literal)
                           and q.object.language in (None, "en"))
            if texts:
                labels[node] = texts[0]
                break
    return labels


def report_graph(conforms: bool, results: list[Result], store: Any,
                 graphs: Sequence[str] | None, plan: dict) -> Any:
    """Build the report as an rdflib Graph in the sh: vocabulary, as pySHACL writes it."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF

    from finops_kg.graph.terms import to_rdflib

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    out = Graph(bind_namespaces="core")
    for prefix, namespace in plan["namespaces"]:
        out.bind(prefix, namespace)
    shapes = Graph()
    for triple in ox.parse(plan["shapes"].encode(), format=ox.RdfFormat.N_TRIPLES):
        shapes.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                    to_rdflib(triple.object)))
    where = [ox.DefaultGraph(), *(ox.NamedNode(g) for g in graphs or ())]

    def from_shapes(ident: str) -> Any:
        if not ident.startswith("_:"):
            return URIRef(ident)
        node = BNode(ident[2:])
        _clone(shapes.triples, node, out)
        return node

    def from_data(term: Any) -> Any:
        node = to_rdflib(term)
        if isinstance(node, BNode):
            def triples(pattern: tuple) -> Iterable[tuple]:
                subject = ox.BlankNode(str(pattern[0]))
                for graph in where:
                    for quad in store.quads_for_pattern(subject, None, None, graph):
                        yield (to_rdflib(quad.subject), to_rdflib(quad.predicate),
                               to_rdflib(quad.object))
            _clone(triples, node, out)
        return node

    report = BNode()
    out.add((report, RDF.type, sh("ValidationReport")))
    out.add((report, sh("conforms"), Literal(conforms)))
    for result in results:
        if result.origin is not None:
            origin_graph, origin_node = result.origin
            out.add((report, sh("result"), origin_node))
            _clone(origin_graph.triples, origin_node, out)
            continue
        node = BNode()
        out.add((report, sh("result"), node))
        out.add((node, RDF.type, sh("ValidationResult")))
        out.add((node, sh("sourceConstraintComponent"), URIRef(result.component)))
        out.add((node, sh("sourceShape"), from_shapes(result.shape)))
        out.add((node, sh("resultSeverity"), URIRef(result.severity)))
        out.add((node, sh("focusNode"), from_data(result.focus)))
        if result.value is not None:
            out.add((node, sh("value"), from_data(result.value)))
        if isinstance(result.path, dict):
            out.add((node, sh("resultPath"), from_shapes(result.path["id"])))
        elif result.path is not None:
            out.add((node, sh("resultPath"), from_data(result.path)))
        if result.constraint is not None:
            out.add((node, sh("sourceConstraint"), from_shapes(result.constraint)))
        for text, language, datatype in result.messages:
            out.add((node, sh("resultMessage"), Literal(
                text, lang=language, datatype=URIRef(datatype) if datatype else None)))
    return out


def _clone(triples: Any, node: Any, out: Any, depth: int = 0) -> None:
    """Copy a blank node's description, lists and nested blank nodes included, as pySHACL does."""
    from rdflib import BNode

    if depth >= 10:
        return
    for subject, predicate, obj in list(triples((node, None, None))):
        out.add((subject, predicate, obj))
        if isinstance(obj, BNode) and (obj, None, None) not in out:
            _clone(triples, obj, out, depth + 1)


# -- the shapes the compiler left to pySHACL -------------------------------------------------

def _fallback(store: Any, graphs: Sequence[str] | None, shapes: list[dict]) -> list[Result]:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF, SH as RSH

    from finops_kg.graph.terms import to_oxigraph
    from finops_kg.release.validate import validate

    shapes_graph = Graph()
    for shape in shapes:
        shapes_graph.parse(data=shape["ntriples"], format="nt")
    data = Graph()
    for graph in [ox.DefaultGraph(), *(ox.NamedNode(g) for g in graphs or ())]:
        data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph),
                   format="nt")
    report = validate(data, shapes_graph).graph
    out = []
    for node in report.subjects(RDF.type, RSH.ValidationResult):
        value = report.value(node, RSH.value)
        shape = report.value(node, RSH.sourceShape)
        path = report.value(node, RSH.resultPath)
        out.append(Result(
            to_oxigraph(report.value(node, RSH.focusNode)),
            to_oxigraph(path) if isinstance(path, URIRef) else (
                None if path is None else {"id": f"_:{path}", "show": "(blank node)"}),
            None if value is None else to_oxigraph(value),
            str(report.value(node, RSH.sourceConstraintComponent)),
            str(report.value(node, RSH.resultSeverity)),
            str(shape) if isinstance(shape, URIRef) else f"_:{shape}",
            shorten(str(shape)) if isinstance(shape, URIRef) else "(blank node)",
            tuple((str(m), m.language, str(m.datatype) if m.datatype else None)
                  for m in report.objects(node, RSH.resultMessage)),
            origin=(report, node)))
    return out


# -- files -----------------------------------------------------------------------------------

def validate_files_fast(paths: Iterable[str | Path], edition: str | None = None,
                        progress: Progress | None = None) -> ValidationReport:
    """Validate users' files with the ontology and, if given, an edition's data, on Oxigraph."""
    return validate_store(data_store(paths, edition), progress=progress)


def data_store(paths: Iterable[str | Path], edition: str | None = None) -> Any:
    """Return an in-memory store whose default graph is the ontology, the edition's data (if
    given) and the user's files: the data graph that pySHACL's path validates."""
    store = ox.Store()
    store.bulk_load(path=str(framework_triples_file(edition)), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.DefaultGraph())
    for path in paths:
        load_user_file(store, Path(path), edition)
    return store


def framework_triples_file(edition: str | None) -> Path:
    """Return N-Triples of the ontology and the edition's graph of the compiled dataset, cut
    from its N-Quads once per dataset key: loading them is faster than loading all and copying.

    The edition's graph holds its OWL 2 RL entailments too. They add superclass types and inverse
    links, which no shape's result depends on: a class target and sh:class already follow
    rdfs:subClassOf, and no shape constrains an inverse property.
    """
    from finops_kg.graph.iris import ONTOLOGY_IRI, edition_iri
    from finops_kg.release.compiled import cache_dir, dataset_key, dataset_quads_file

    if edition is not None:
        from finops_kg.graph.resources import check_edition

        check_edition(edition)
    cached = cache_dir() / f"framework-{dataset_key()}-{edition or 'ontology'}.nt"
    if cached.exists():
        return cached
    graphs = tuple(f"<{iri}> .".encode() for iri in
                   [ONTOLOGY_IRI] + ([edition_iri(edition)] if edition else []))
    lines = [line[:line.rfind(b" <")] + b" .\n"
             for line in dataset_quads_file().read_bytes().splitlines() if line.endswith(graphs)]
    from finops_kg.errors import FinopsKGError
    from finops_kg.graph.files import write_atomic

    try:
        return write_atomic(cached, b"".join(lines))
    except FinopsKGError:  # an unwritable cache: keep the triples in a temporary file
        import tempfile

        handle, name = tempfile.mkstemp(suffix=".nt")
        with open(handle, "wb") as stream:
            stream.write(b"".join(lines))
        return Path(name)


def load_user_file(store: Any, path: Path, edition: str | None = None) -> None:
    """Add one user file to the store's default graph; a bad file is a one-line InputError."""
    name = path.name.lower()
    if name.endswith(_RDFLIB_SUFFIXES):
        from finops_kg.graph.iris import DEFAULT_EDITION
        from finops_kg.release.dataset import user_data_ntriples

        store.load(user_data_ntriples([path], edition or DEFAULT_EDITION),
                   format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        return
    fmt = _OXIGRAPH_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    if fmt == ox.RdfFormat.RDF_XML and path.is_file():
        check_xml(path)  # Oxigraph would expand an entity without bound, or silently stop
    try:
        store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                        to_graph=ox.DefaultGraph())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: cannot be read (permission denied)") from None
    except SyntaxError as error:
        raise InputError(describe_syntax_error(path, error)) from None
    except MemoryError:
        raise too_long(path) from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: {' '.join(str(error).split())}") from None
