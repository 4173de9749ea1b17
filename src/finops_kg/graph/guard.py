"""Checks a user's file passes before a parser reads it: what would crash a parser, flood the memory or reach the network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from finops_kg.errors import InputError

# Deeper nesting than this is refused before a parser sees it: Oxigraph's JSON-LD and SPARQL
# parsers recurse on the machine stack and crash the process a few thousand levels down, and
# rdflib's Turtle parser runs out of Python stack at about a thousand. No real file needs it.
MAX_DEPTH = 200
# Oxigraph stops at a statement longer than this and raises MemoryError.
MAX_STATEMENT = 16 * 1024 * 1024

_OPEN, _CLOSE = "[{(", "]})"
_BRACKETS = re.compile(r"[\[\]{}()]")
# Turtle, TriG, N-Triples and SPARQL share these lexical forms; their brackets do not count.
_STRINGS_IRIS_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')
_JSON_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_CONTEXT_KEY = re.compile(r'(?<!\\)"@(context|import)"\s*:\s*')


def check_rdf(path: Path, format_name: str) -> None:
    """Refuse an RDF/XML or JSON-LD file that would fetch, expand or nest without bound."""
    if format_name in ("xml", "rdfxml", "application/rdf+xml", "pretty-xml"):
        check_xml(path)
    elif format_name in ("jsonld", "json-ld"):
        check_json_ld(path)


def check_xml(path: Path) -> None:
    """Refuse XML that is not well-formed, declares an external entity or expands too much.

    expat reads no external entity unless asked, and since 2.4 stops an entity that expands
    beyond its amplification limit (a "billion laughs"); Oxigraph's RDF/XML parser does neither.
    """
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def entity(name: str, is_parameter: int, value: Any, base: Any, system_id: Any,
               public_id: Any, notation: Any) -> None:
        if system_id is not None or public_id is not None:
            raise InputError(f"{path}:{parser.CurrentLineNumber}: the external entity {name} "
                             f"({system_id or public_id}) is refused: an RDF file is read "
                             "alone, without the files or addresses it names")

    parser.EntityDeclHandler = entity
    try:
        with path.open("rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as error:
        raise InputError(f"{path}:{error.lineno}: column {error.offset + 1}: XML error: "
                         f"{xml.parsers.expat.ErrorString(error.code)}") from None
    except OSError:
        return  # the parser that follows reports a file it cannot read


def check_json_ld(path: Path) -> None:
    """Refuse JSON-LD nested too deeply, or whose @context or @import is fetched from elsewhere."""
    text = read_utf8(path)
    if text is None:
        return
    bare = _JSON_STRINGS.sub(lambda m: " " * len(m.group(0)), text)
    deep = nesting_overflow(bare)
    if deep is not None:
        raise InputError(f"{path}:{deep[0]}: column {deep[1]}: nested more than {MAX_DEPTH} "
                         "levels deep")
    decoder = json.JSONDecoder()
    for match in _CONTEXT_KEY.finditer(text):
        if bare[match.start()] != " ":
            continue  # the key is inside a string value
        try:
            value, _ = decoder.raw_decode(text, match.end())
        except ValueError:
            continue  # not JSON: the parser reports where
        values = value if isinstance(value, list) else [value]
        if match.group(1) == "import" or any(isinstance(v, str) for v in values):
            line, column = position(text, match.start())
            raise InputError(f"{path}:{line}: column {column}: a remote @{match.group(1)} is "
                             "refused: nothing is fetched from the network; put the context "
                             "in the file")


def read_utf8(path: Path) -> str | None:
    """Return a file's text, or raise InputError naming the first byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the parser that follows reports a file it cannot read
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(f"{path}:{line}: column {column}: not UTF-8 text (byte "
                         f"0x{data[error.start]:02x}); save it as UTF-8") from None


def nesting_overflow(bare: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """Return the line and column where brackets nest deeper than limit, or None.

    bare is the text with its strings (and IRIs and comments) blanked out at the same length.
    """
    depth = 0
    for match in _BRACKETS.finditer(bare):
        if match.group(0) in _OPEN:
            depth += 1
            if depth > limit:
                return position(bare, match.start())
        else:
            depth -= 1
    return None


def deepest_rdf_line(path: Path) -> tuple[int, int] | None:
    """Return where a Turtle-like file nests deeper than MAX_DEPTH, or None."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return nesting_overflow(_STRINGS_IRIS_COMMENTS.sub(lambda m: " " * len(m.group(0)), text))


def first_long_line(path: Path, limit: int = MAX_STATEMENT) -> int | None:
    """Return the number of the first line longer than limit bytes, reading in chunks, or None."""
    line, length = 1, 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                start = 0
                while (end := chunk.find(b"\n", start)) != -1:
                    if length + end - start > limit:
                        return line
                    line, length, start = line + 1, 0, end + 1
                length += len(chunk) - start
                if length > limit:
                    return line
    except OSError:
        return None
    return None


def too_long(path: Path) -> InputError:
    """Return the error for a file with a statement longer than Oxigraph reads."""
    line = first_long_line(path)
    where = f"{path}:{line}: a line" if line else f"{path}: a statement"
    return InputError(f"{where} longer than {MAX_STATEMENT // (1024 * 1024)} MiB cannot be read")


_POSITION = re.compile(r"Parser error (?:at|between) line (\d+) column (\d+)"
                       r"(?: and line \d+ column \d+)?: (.*)", re.S)


def check_syntax(path: Path, oxigraph_format: str) -> None:
    """Parse a file with Oxigraph, keeping nothing, to name the place of its first error.

    Oxigraph is stricter than rdflib (an IRI with a space is an error, not a term that fails
    later) and reads a long line in bounded memory, where rdflib takes minutes and gigabytes.
    """
    import pyoxigraph

    check_rdf(path, oxigraph_format.lower().replace("rdf_xml", "xml").replace("json_ld", "jsonld"))
    try:
        for _ in pyoxigraph.parse(path=str(path), format=getattr(pyoxigraph.RdfFormat,
                                                                  oxigraph_format),
                                  base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        raise InputError(describe_syntax_error(path, error)) from None
    except MemoryError:
        raise too_long(path) from None
    except OSError:
        return  # the parser that follows reports a file it cannot read


def describe_syntax_error(path: Path, error: SyntaxError) -> str:
    """Return Oxigraph's parse error as one line: FILE:LINE: column N: message."""
    message = str(error.msg if isinstance(error.msg, str) else error)
    match = _POSITION.match(message)
    if match:
        return f"{path}:{match.group(1)}: column {match.group(2)}: {_first_line(match.group(3))}"
    if error.lineno:
        return f"{path}:{error.lineno}: {_first_line(message)}"
    return f"{path}: {_first_line(message)}"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "cannot be parsed"


def position(text: str, index: int) -> tuple[int, int]:
    """Return the line and column (both from 1) of a character of text."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
