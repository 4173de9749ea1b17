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
from finops_kg.graph.guard import check_rdf, too_long

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
    check_rdf(path, fmt.name)  # what would crash Oxigraph, or make it expand an XML entity
    try:
        # Relative IRIs resolve against the file, as `--data` resolves them. Given its path,
        # Oxigraph reads the file itself, twice as fast as through a Python file object.
        yield from pyoxigraph.parse(path=str(path), format=rdf_format,
                                    base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
    except SyntaxError as error:
        raise LoadError(describe_syntax_error(path, error, fmt.name)) from None
    except MemoryError:
        raise LoadError(str(too_long(path))) from None
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


# One-graph formats, which Oxigraph loads straight from the file into a named graph. JSON-LD is
# not one: a JSON-LD file may name graphs of its own.
_STRAIGHT = ("nt", "turtle", "xml")
# What makes a blank node in a file of each format; a file without any of it has none. RDF/XML
# makes them from mere nesting, so such a file is always taken to have some.
_BLANK = {"nt": (b"_:",), "turtle": (b"_:", b"[", b"(", b"<<", b"{|")}


@dataclass(frozen=True)
class Straight:
    """How Oxigraph loads a file of triples straight into a graph, with no Python in between."""

    format: Any  # pyoxigraph.RdfFormat
    format_name: str
    base_iri: str


def straight_load(path: Path, loader: Loader) -> Straight | None:
    """Return how to bulk-load a file of triples that the RDF reader would read, else None."""
    if loader.read is not read_rdf:
        return None
    fmt = rdf_format_of(path)
    if fmt is None or fmt.name not in _STRAIGHT:
        return None
    return Straight(getattr(pyoxigraph.RdfFormat, fmt.oxigraph), fmt.name,
                    path.resolve().as_uri())


def may_have_blank_nodes(path: Path, format_name: str) -> bool:
    """Tell whether a file may have blank nodes, looking for what makes one (without reading
    it into memory; a literal that holds such text only makes the answer cautious)."""
    import mmap

    marks = _BLANK.get(format_name)
    if marks is None:
        return True
    try:
        with path.open("rb") as stream, \
                mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return any(data.find(mark) != -1 for mark in marks)
    except ValueError:  # an empty file cannot be mapped, and has no blank node
        return False
    except OSError as error:
        raise LoadError(f"{path}: cannot be read ({error.strerror or error})") from None


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
