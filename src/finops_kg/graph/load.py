"""Parse the ontology, an edition's data and users' RDF files into rdflib graphs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.util import guess_format

from finops_kg.graph import resources
from finops_kg.errors import InputError
from finops_kg.graph.guard import MAX_DEPTH, check_rdf, deepest_rdf_line, read_utf8
from finops_kg.graph.iris import DEFAULT_EDITION, edition_iri
from finops_kg.graph.namespace import PREFIXES



def load_ontology(into: Graph | Store | None = None) -> Graph:
    """Return the ontology and its alignments alone, without any edition's individuals."""
    return parse_files(target_graph(into), resources.ontology_files())


def edition_graph_iri(edition: str) -> URIRef:
    """Return the IRI of an edition's named graph, which is also the edition's own IRI."""
    return URIRef(edition_iri(edition))


def load_edition_data(edition: str = DEFAULT_EDITION) -> Graph:
    """Return one edition's individuals alone, without the ontology: its named graph."""
    resources.check_edition(edition)
    return parse_files(new_graph(), sorted(resources.edition_dir(edition).glob("*.ttl")))


def source_files(edition: str = DEFAULT_EDITION) -> list[Path]:
    """Return the ontology files followed by the edition's data files."""
    resources.check_edition(edition)
    return resources.ontology_files() + sorted(resources.edition_dir(edition).glob("*.ttl"))


def parse_file(graph: Graph, path: str | Path, format: str | None = None) -> Graph:
    """Parse one local RDF file into graph, turning any parse failure into a one-line InputError."""
    path = Path(path)
    fmt = format or guess_format(str(path)) or "turtle"
    if path.is_file():
        check_rdf(path, fmt)  # an XML entity or a remote JSON-LD context is refused unread
    try:
        # Parse from a file object so that rdflib never treats the argument as a URL to fetch.
        with path.open("rb") as stream:
            graph.parse(stream, format=fmt, publicID=path.resolve().as_uri())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an RDF file") from None
    except PermissionError:
        raise InputError(f"{path}: cannot be read (permission denied)") from None
    except RecursionError:
        deep = deepest_rdf_line(path)
        where = f"{deep[0]}: column {deep[1]}" if deep else "1"
        raise InputError(f"{path}:{where}: nested more than {MAX_DEPTH} levels deep") from None
    except UnicodeDecodeError:
        read_utf8(path)  # raises, naming the line of the first byte that is not UTF-8
        raise InputError(f"{path}:1: not UTF-8 text; save it as UTF-8") from None
    except Exception as error:  # every rdflib parser raises its own exception type
        line, reason = _describe_parse_error(error)
        if line == "?" and fmt in ("nt", "nt11", "ntriples", "nquads"):
            line = _first_bad_line(path, fmt)
        raise InputError(f"{path}:{line}: {reason}") from None
    return graph


def parse_files(graph: Graph, paths: Iterable[str | Path]) -> Graph:
    """Parse several local RDF files into graph."""
    for path in paths:
        parse_file(graph, path)
    return graph


def new_graph(store: Store | str = "default") -> Graph:
    """Return an empty graph with the project's prefixes bound."""
    graph = Graph(store=store, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def target_graph(into: Graph | Store | None) -> Graph:
    """Return into as a graph (a new one for None, a graph over a store), prefixes bound."""
    if into is None:
        return new_graph()
    if isinstance(into, Graph):
        return into
    return new_graph(store=into)


_N3_REASON = re.compile(r"Bad syntax \((?P<why>.*?)\) at \^ in:", re.S)


def _describe_parse_error(error: Exception) -> tuple[int | str, str]:
    """Return the line number and a one-line reason for a parser's exception."""
    line = getattr(error, "lines", None)  # rdflib's Turtle/N3 BadSyntax counts lines from 0
    if line is not None:
        match = _N3_REASON.search(str(error))
        reason = match.group("why") if match else str(error)
        near = getattr(error, "_str", b"")[getattr(error, "_i", 0):][:30]
        near_text = near.decode("utf-8", "replace").split("\n")[0].strip()
        detail = f"{reason} near '{near_text}'" if near_text else reason
        return line + 1, _one_line(detail)
    for attr in ("lineno", "getLineNumber"):  # json.JSONDecodeError; SAX errors in RDF/XML
        value = getattr(error, attr, None)
        if value is not None:
            number = value() if callable(value) else value
            message = error.msg if hasattr(error, "msg") else getattr(error, "getMessage", lambda: str(error))()
            return number, _one_line(str(message))
    return "?", _one_line(str(error) or type(error).__name__)


def _first_bad_line(path: Path, fmt: str) -> int | str:
    """Find the failing line of a line-based file; its parser does not report one."""
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                Graph().parse(data=line, format=fmt)
            except Exception:
                return number
    return "?"


def _one_line(text: str) -> str:
    return " ".join(text.split())
