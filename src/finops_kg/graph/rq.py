"""The header of every .rq file: title, description, parameters, columns and example data.

Each query under queries/ opens with comment lines of the form `# key: value`:

    # title: Personas in a capability, with their activities
    # description: Who does what in one capability ...
    # param: capability | fo:Capability | required | Allocation
    # columns: capability, persona, activity

`param` and `example-data` may repeat; the header ends at the first line that is not a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from finops_kg.errors import InputError

_FIELD = re.compile(r"^#\s*(title|description|param|columns|example-data):\s*(.*)$")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a query, as its header declares it."""

    name: str
    type: str
    default: str | None
    example: str

    @property
    def required(self) -> bool:
        """Return True when the query cannot run without a value for this parameter."""
        return self.default is None


@dataclass(frozen=True)
class QueryFile:
    """A .rq file's text and what its header says about it."""

    name: str  # the file name without .rq
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    example_data: tuple[str, ...] = ()  # files under data/ that the example needs


def read_query_file(path: Path, required: tuple[str, ...] = ("title", "description")) -> QueryFile:
    """Read a .rq file and its header; a header that lacks a required field is an InputError."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {error.start})") from None
    fields: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _FIELD.match(line)
        if match:
            fields.setdefault(match.group(1), []).append((number, match.group(2).strip()))
    for key in required:
        if key not in fields:
            raise InputError(f"{path}:1: the header has no '# {key}:' line")
    parameters = []
    for number, spec in fields.get("param", []):
        parts = [part.strip() for part in spec.split("|")]
        if len(parts) != 4:
            raise InputError(f"{path}:{number}: '# param: {spec}' needs "
                             "NAME | TYPE | DEFAULT | EXAMPLE")
        name, kind, default, example = parts
        parameters.append(Parameter(name, kind, None if default == "required" else default,
                                    example))
    first = {key: values[0][1] for key, values in fields.items()}
    columns = tuple(c.strip() for c in first.get("columns", "").split(",") if c.strip())
    return QueryFile(path.stem, first.get("title", ""), first.get("description", ""),
                     tuple(parameters), columns, text,
                     tuple(value for _, value in fields.get("example-data", [])))
