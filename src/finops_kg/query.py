"""The SPARQL query catalogue: find a query, bind its parameters as RDF terms, run it anywhere.

Catalogue queries live under queries/ as one .rq file each, with a header that names their
title, description, parameters and columns. They run on a dataset of named graphs: the ontology,
and one graph per edition holding its individuals and their OWL 2 RL entailments. The default
engine is an in-memory Oxigraph store; rdflib and any SPARQL 1.1 endpoint give the same rows.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from finops_kg import resources
from finops_kg.errors import FinopsKGError
from finops_kg.load import DEFAULT_EDITION
from finops_kg.namespace import FID, ONTOLOGY_IRI, PREFIXES, shorten

ENGINES = ("oxigraph", "rdflib")
_STRINGS_IRIS_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')
_HEADER = re.compile(r"^#\s*(title|description|param|columns|example-data):\s*(.*)$")


class QueryError(FinopsKGError):
    """A query cannot be found, parsed, bound or run."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a catalogue query, as its header declares it."""

    name: str
    type: str
    default: str | None
    example: str

    @property
    def required(self) -> bool:
        """Return True when the query cannot run without a value for this parameter."""
        return self.default is None


@dataclass(frozen=True)
class CatalogueQuery:
    """A catalogue query and what its header says about it."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    example_data: tuple[str, ...] = ()  # files under data/ that the example needs, such as examples/acme/assessments.ttl


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


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

def catalogue() -> dict[str, CatalogueQuery]:
    """Return every catalogue query by name."""
    return {q.name: q for q in _read_catalogue(tuple(resources.catalogue_query_files()))}


@lru_cache(maxsize=4)
def _read_catalogue(paths: tuple[Path, ...]) -> tuple[CatalogueQuery, ...]:
    return tuple(parse_catalogue_file(path) for path in paths)


def parse_catalogue_file(path: Path) -> CatalogueQuery:
    """Read a catalogue query and its header; a header that breaks the convention is an error."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2).strip())
    for required in ("title", "description", "columns"):
        if required not in fields:
            raise QueryError(f"{path}:1: the header has no '# {required}:' line")
    parameters = []
    for spec in fields.get("param", []):
        parts = [part.strip() for part in spec.split("|")]
        if len(parts) != 4:
            raise QueryError(f"{path}: '# param: {spec}' needs NAME | TYPE | DEFAULT | EXAMPLE")
        name, kind, default, example = parts
        parameters.append(Parameter(name, kind, None if default == "required" else default, example))
    columns = tuple(c.strip() for c in fields["columns"][0].split(",") if c.strip())
    return CatalogueQuery(path.stem, fields["title"][0], fields["description"][0],
                          tuple(parameters), columns, text, tuple(fields.get("example-data", [])))


def find(name: str) -> CatalogueQuery:
    """Return the catalogue query of that name, or fail with the closest names."""
    queries = catalogue()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see finops-kg query --list"
    raise QueryError(f"no catalogue query named {name!r}{hint}")


# ---------------------------------------------------------------------------
# The dataset the catalogue runs on
# ---------------------------------------------------------------------------

def edition_graph(edition: str) -> URIRef:
    """Return the IRI of an edition's named graph."""
    return FID[f"edition/{edition}"]


def dataset_quads() -> bytes:
    """Return the query dataset as N-Quads, built once and cached on disk by content hash."""
    sources = resources.ontology_files() + [
        path for edition in resources.available_editions()
        for path in sorted(resources.edition_dir(edition).glob("*.ttl"))] + \
        resources.mapping_set_files() + resources.mapping_vocabulary_files()
    # The key covers the sources and the code that turns them into the dataset (the reasoner
    # above all), so that a change to either builds it again.
    code = sorted(Path(__file__).parent.glob("*.py"))
    digest = hashlib.sha256()
    for path in sources + code:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    cache = cache_dir() / f"dataset-{digest.hexdigest()[:16]}.nq"
    if cache.exists():
        return cache.read_bytes()
    quads = _build_dataset_quads()
    try:
        from finops_kg.export import write_atomic

        write_atomic(cache, quads)
    except FinopsKGError:
        pass  # an unwritable cache only costs time
    return quads


def cache_dir() -> Path:
    """Return the folder of finops-kg's caches: FINOPS_KG_CACHE, else the XDG cache folder."""
    base = os.environ.get("FINOPS_KG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "finops-kg")
    return Path(base)


def _build_dataset_quads() -> bytes:
    from rdflib import Dataset

    from finops_kg.load import load, load_edition_data, load_ontology
    from finops_kg.mapping import curated_graphs
    from finops_kg.reason import entailments

    dataset = Dataset()
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    ontology += load_ontology()
    for edition in resources.available_editions():
        graph = dataset.graph(edition_graph(edition))
        graph += load_edition_data(edition)
        graph += entailments(load(edition))
    for name, mapped in curated_graphs():
        graph = dataset.graph(name)
        graph += mapped
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(lines))


def default_graph_sources(edition: str = DEFAULT_EDITION) -> list[URIRef]:
    """Return the named graphs whose union is the default graph: the ontology and one edition.

    A SPARQL user's first query has no GRAPH clause; it should find the Framework, as it would
    on a store that answers from all its data, without mixing two editions' statements.
    """
    return [URIRef(ONTOLOGY_IRI), edition_graph(edition)]


def oxigraph_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Any:
    """Return an Oxigraph store with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(dataset_quads(), pyoxigraph.RdfFormat.N_QUADS)
    if data:
        from finops_kg.load import parse_user_data

        extra = parse_user_data(Graph(), data, edition)
        store.bulk_load(extra.serialize(format="nt", encoding="utf-8"),
                        pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(
                            str(edition_graph(edition))))
    default = pyoxigraph.DefaultGraph()
    for source in default_graph_sources(edition):
        store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object, default) for q in
                      store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(str(source)))])
    return store


def rdflib_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Any:
    """Return an rdflib Dataset with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    """
    from rdflib import Dataset

    from finops_kg.load import parse_user_data

    dataset = Dataset()
    dataset.parse(data=dataset_quads(), format="nquads")
    if data:
        parse_user_data(dataset.graph(edition_graph(edition)), data, edition)
    default = dataset.default_graph
    for source in default_graph_sources(edition):
        default += dataset.graph(source)
    return dataset


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
        return edition_graph(year)
    if kind == "string":
        return Literal(raw)
    if kind in ("integer", "decimal"):
        try:
            number = int(raw) if kind == "integer" else float(raw)
        except ValueError:
            raise QueryError(f"parameter {parameter.name} of query {query_name} must be "
                             f"an {kind}, not {raw!r}") from None
        return Literal(number, datatype=XSD.integer if kind == "integer" else XSD.decimal)
    return labels.resolve(raw, kind, parameter.name)


class LabelIndex:
    """Names of the individuals of each class, to resolve a label, CURIE or IRI to one IRI."""

    _QUERY = """
        PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?thing ?class ?label WHERE {
          GRAPH ?g { ?thing rdf:type ?class . ?thing skos:prefLabel|skos:altLabel|rdfs:label ?label }
        }"""

    def __init__(self, rows: Iterable[tuple[Any, Any, Any]]) -> None:
        self.by_class: dict[str, dict[str, set[str]]] = {}
        self.members: dict[str, set[str]] = {}
        for thing, cls, label in rows:
            self.members.setdefault(str(cls), set()).add(str(thing))
            self.by_class.setdefault(str(cls), {}).setdefault(
                str(label).casefold(), set()).add(str(thing))

    def resolve(self, raw: str, class_curie: str, name: str) -> URIRef:
        """Return the one individual of the class that raw names, or fail with close matches."""
        cls = _expand(class_curie)
        members = self.members.get(cls, set())
        iri = _expand(raw) if ":" in raw and " " not in raw else None
        if iri is not None:
            if iri not in members:
                raise QueryError(f"parameter {name}: {raw} is not a {class_curie} of the graph")
            return URIRef(iri)
        names = self.by_class.get(cls, {})
        found = names.get(raw.casefold(), set())
        if len(found) == 1:
            return URIRef(next(iter(found)))
        if len(found) > 1:
            choices = ", ".join(sorted(shorten(f) for f in found))
            raise QueryError(f"parameter {name}: {raw!r} names several {class_curie}: {choices}")
        close = difflib.get_close_matches(raw.casefold(), list(names), n=3, cutoff=0.5)
        hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
        raise QueryError(f"parameter {name}: no {class_curie} is called {raw!r}{hint}")


def _expand(value: str) -> str:
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return value


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def query(name_or_text: str, *, engine: str = "oxigraph", endpoint: str | None = None,
          data: Sequence[str | Path] = (), edition: str | None = None,
          allow_service: bool = False, **params: str) -> QueryResult:
    """Run a catalogue query by name, or SPARQL text, with parameters given as text values.

    The default graph is the union of the ontology and the edition's graph (the current edition
    unless edition is given); every edition, derived graph and mapping set is a named graph.
    SERVICE, which makes the engine call another endpoint, is refused unless allow_service.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name_or_text):  # not a name: SPARQL text
        entry = CatalogueQuery("(text)", "", "", (), (), name_or_text)
    else:
        entry = find(name_or_text)
    if not allow_service:
        refuse_service(entry.text)
    if edition is not None and any(p.name == "edition" for p in entry.parameters):
        params.setdefault("edition", edition)
    if endpoint:
        from finops_kg.remote import RemoteStore

        runner: Any = RemoteStore(endpoint)
    elif engine == "oxigraph":
        runner = OxigraphRunner(oxigraph_dataset(data, edition or DEFAULT_EDITION))
    elif engine == "rdflib":
        runner = RdflibRunner(rdflib_dataset(data, edition or DEFAULT_EDITION))
    else:
        raise QueryError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    bindings = bind_parameters(entry, params, runner.labels()) if entry.parameters else {}
    return runner.run(entry.text, bindings)


class OxigraphRunner:
    """Runs queries on a pyoxigraph Store, with results as rdflib terms."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def labels(self) -> LabelIndex:
        """Return the names of the store's individuals, to resolve parameter labels."""
        from finops_kg.engine import to_rdflib

        return LabelIndex((to_rdflib(r[0]), to_rdflib(r[1]), to_rdflib(r[2]))
                          for r in self.store.query(LabelIndex._QUERY))

    def run(self, text: str, bindings: dict[str, Any]) -> QueryResult:
        """Run a query with its parameters bound by a VALUES block."""
        import pyoxigraph

        from finops_kg.engine import to_rdflib

        try:
            answer = self.store.query(with_values(text, bindings))
            if is_boolean(answer):
                return QueryResult(boolean=bool(answer))
            if isinstance(answer, pyoxigraph.QueryTriples):
                graph = Graph()
                for triple in answer:
                    graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                               to_rdflib(triple.object)))
                return QueryResult(graph=graph)
            columns = [v.value for v in answer.variables]
            rows = [tuple(to_rdflib(row[i]) for i in range(len(columns))) for row in answer]
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {oxigraph_error_position(str(error))}") from None
        except (OSError, RuntimeError, ValueError) as error:
            # Results stream lazily: a failing SERVICE call or a type error surfaces while
            # iterating, so the rows are read inside this block.
            raise QueryError(f"the query failed: {one_line(error)}") from None
        return QueryResult(columns=columns, rows=rows)


class RdflibRunner:
    """Runs queries on an rdflib Dataset."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def labels(self) -> LabelIndex:
        """Return the names of the dataset's individuals, to resolve parameter labels."""
        return LabelIndex(self.dataset.query(LabelIndex._QUERY))

    def run(self, text: str, bindings: dict[str, Any]) -> QueryResult:
        """Run a query with its parameters bound by a VALUES block."""
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(with_values(text, bindings))
            if answer.type == "ASK":
                return QueryResult(boolean=bool(answer.askAnswer))
            if answer.type in ("CONSTRUCT", "DESCRIBE"):
                return QueryResult(graph=answer.graph)
            columns = [str(v) for v in answer.vars]
            rows = [tuple(row) for row in answer]  # evaluated lazily: errors surface here
        except ParseException as error:
            raise QueryError(f"SPARQL syntax error at line {error.lineno}, column {error.col}: "
                             f"{error.msg}") from None
        except Exception as error:  # rdflib raises bare Exceptions, e.g. from a SERVICE call
            raise QueryError(f"the query failed: {one_line(error)}") from None
        return QueryResult(columns=columns, rows=rows)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """Return the query with a VALUES block that binds its parameters to RDF terms.

    The block opens the query's outermost WHERE group, so the engine binds the parameters before
    it evaluates the rest (Virtuoso also rejects a trailing VALUES on an unprojected variable).
    Each term is written in its N-Triples form, which escapes any quote, so a value can never
    change the query's structure. A query without a WHERE keyword gets a trailing VALUES clause.
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f"VALUES ({names}) {{ ({terms}) }}"
    # Strings, IRIs and comments are blanked out at the same length, so positions still hold.
    bare = keywords_outside_literals(text, keep_length=True)
    where = re.search(r"\bWHERE\s*\{", bare, re.I)
    if where is None:
        return f"{text.rstrip()}\n{block}\n"
    return f"{text[:where.end()]}\n  {block}{text[where.end():]}"


def is_boolean(answer: Any) -> bool:
    """Return True for the answer of an ASK query (a QueryBoolean since pyoxigraph 0.5)."""
    import pyoxigraph

    return isinstance(answer, (bool, pyoxigraph.QueryBoolean))


def refuse_service(text: str) -> None:
    """Refuse a query that calls another endpoint with SERVICE: nothing leaves the machine unasked."""
    if re.search(r"\bSERVICE\b", keywords_outside_literals(text), re.I):
        raise QueryError("SERVICE is refused: it would send a request off this machine "
                         "(pass --allow-service to permit it)")


def one_line(error: BaseException) -> str:
    """Return the first line of an engine's error message, or the error's type."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def keywords_outside_literals(text: str, keep_length: bool = False) -> str:
    """Return the query text without strings, IRIs and comments, to look for keywords safely."""
    if keep_length:
        return _STRINGS_IRIS_COMMENTS.sub(lambda match: " " * len(match.group(0)), text)
    return _STRINGS_IRIS_COMMENTS.sub(" ", text)


def oxigraph_error_position(message: str) -> str:
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if match:
        return f"line {match.group(1)}, column {match.group(2)}: {match.group(3)}"
    return message


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
