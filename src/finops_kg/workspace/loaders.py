"""The readers a workspace loads files with, one per kind of file, chosen by the file's name.

A reader turns one file into quads: a quad in the default graph goes to the file's own graph, a
quad in a named graph keeps its graph. RDF is parsed by Oxigraph itself (no rdflib on this path),
with each file's blank nodes made its own; an SSSOM set is checked first, as `map check` does,
then turned into SKOS triples as `map apply` and the dataset do. Another kind of file, such as
an assessment workbook, is added by registering a Loader for its suffixes:

    register(Loader("workbook", (".xlsx",), read_workbook, "an assessment workbook"))

Its reader gets a LoadContext with the workspace's edition and the store being written, holding
the workspace as it was and the files before this one in the same load, to look names up; it
raises LoadError (one line naming the file and the place) for bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pyoxigraph

from finops_kg.errors import InputError
from finops_kg.graph.formats import FORMATS, READABLE_RDF_FORMATS, rdf_format_of

SSSOM_SUFFIX = ".sssom.tsv"


class LoadError(InputError):
    """A file cannot be loaded: one line naming the file, and the line or cell, and why."""


@dataclass(frozen=True)
class LoadContext:
    """What a reader may consult: the workspace's edition and the store being written."""

    edition: str
    store: Any


Reader = Callable[[Path, LoadContext], Iterable[pyoxigraph.Quad]]


@dataclass(frozen=True)
class Loader:
    """A kind of file: the name endings it is known by and the reader that turns it into quads."""

    kind: str
    suffixes: tuple[str, ...]
    read: Reader
    summary: str


LOADERS: dict[str, Loader] = {}


def register(loader: Loader) -> None:
    """Add a kind of file that `workspace load` reads (a later one with the same kind replaces)."""
    LOADERS[loader.kind] = loader


def loader_for(path: Path) -> Loader:
    """Return the loader of a file by its name's ending (the longest that matches), or refuse."""
    name = path.name.lower()
    matches = [(len(suffix), loader) for loader in LOADERS.values()
               for suffix in loader.suffixes if name.endswith(suffix)]
    if not matches:
        known = ", ".join(sorted({s for loader in LOADERS.values() for s in loader.suffixes}))
        raise LoadError(f"{path}: a workspace cannot load this kind of file; it loads {known}")
    return max(matches, key=lambda match: match[0])[1]


def read_rdf(path: Path, context: LoadContext) -> Iterable[pyoxigraph.Quad]:
    """Parse an RDF file with Oxigraph; a syntax error becomes FILE:LINE: message."""
    fmt = rdf_format_of(path)
    assert fmt is not None, path  # loader_for chose this reader by the same extensions
    rdf_format = getattr(pyoxigraph.RdfFormat, fmt.oxigraph)
    try:
        # Relative IRIs resolve against the file, as `--data` resolves them. Given its path,
        # Oxigraph reads the file itself, twice as fast as through a Python file object.
        yield from pyoxigraph.parse(path=str(path), format=rdf_format,
                                    base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
    except SyntaxError as error:
        raise LoadError(describe_syntax_error(path, error, fmt.name)) from None
    except OSError as error:
        raise LoadError(f"{path}: cannot be read ({error.strerror or error})") from None


def read_sssom(path: Path, context: LoadContext) -> Iterable[pyoxigraph.Quad]:
    """Check an SSSOM set against the edition, then return its mappings as SKOS triples."""
    from finops_kg.mapping.sssom import apply, check

    result = check(path, edition=context.edition, cardinality=False)
    if not result.ok:
        more = len(result.problems) - 1
        tail = (f" (and {more} more problem{'s' if more > 1 else ''}; finops-kg map check "
                f"{path} lists them)") if more else ""
        raise LoadError(result.problems[0] + tail)
    for _, graph in apply([path], edition=context.edition):
        yield from pyoxigraph.parse(graph.serialize(format="nt", encoding="utf-8"),
                                    format=pyoxigraph.RdfFormat.N_TRIPLES)


_POSITION = re.compile(r"Parser error (?:at|between) line (\d+) column (\d+)"
                       r"(?: and line \d+ column \d+)?: (.*)", re.S)


def describe_syntax_error(path: Path, error: SyntaxError, format_name: str) -> str:
    """Return Oxigraph's parse error as one line: FILE:LINE: column N: message."""
    message = str(error.msg if isinstance(error.msg, str) else error)
    match = _POSITION.match(message)
    if match:
        return f"{path}:{match.group(1)}: column {match.group(2)}: {_first_line(match.group(3))}"
    line = error.lineno
    if line is None and format_name == "xml":
        line = _xml_error_line(path)  # Oxigraph's RDF/XML errors carry no position
    return f"{path}:{line}: {_first_line(message)}" if line else f"{path}: {_first_line(message)}"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "cannot be parsed"


def _xml_error_line(path: Path) -> int | None:
    """Return the line of the first XML well-formedness error, or None when there is none."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        with path.open("rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as error:
        return error.lineno
    except OSError:
        return None
    return None


register(Loader("rdf", tuple(ext for name in READABLE_RDF_FORMATS
                             for ext in FORMATS[name].extensions), read_rdf,
                "RDF: Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD"))
register(Loader("sssom", (SSSOM_SUFFIX,), read_sssom,
                "an SSSOM/TSV mapping set, checked, then applied as SKOS"))
