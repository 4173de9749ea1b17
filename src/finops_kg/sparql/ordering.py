"""A local query's final ORDER BY, done in Python once the rows are read.

On a workspace on disk, Oxigraph's ORDER BY reads both IRIs' strings from RocksDB at every
comparison: 7 of lens-scores' 8.5 s at a million triples, where sorting its 120,000 rows here,
once read, takes about a second. Only a final ORDER BY of plain variables is lifted, and only
where Python orders the values as SPARQL does (sort_rows says when it cannot, and the runner then
lets the engine sort): IRIs by their text, and literals of one kind (integers and decimals,
doubles, strings, booleans, dates or date-times without a time zone) by value, unbound first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, Sequence

import pyoxigraph

from finops_kg.sparql.binding import keywords_outside_literals

# A keyword is a word not preceded by ? or $, which would make it a variable (?from, ?order).
_ORDER_BY = re.compile(r"(?<![?$])\bORDER\s+BY\b", re.IGNORECASE)
_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.IGNORECASE)
_SELECT = re.compile(r"(?<![?$])\bSELECT\b", re.IGNORECASE)
_PROJECTION_END = re.compile(r"(?<![?$])\b(?:WHERE|FROM)\b|\{", re.IGNORECASE)
_GROUPED = re.compile(
    r"(?<![?$])\b(?:GROUP\s+BY\b|(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\()",
    re.IGNORECASE)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DECIMALS = {_XSD + name for name in (
    "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}
_DOUBLE_TYPE = _XSD + "double"
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


@dataclass(frozen=True)
class LiftedOrder:
    """A query without its final ORDER BY, the keys it sorted on, and the columns added for them."""

    text: str
    keys: tuple[tuple[str, bool], ...]  # (variable, descending)
    added: tuple[str, ...]


def lift_order(text: str) -> LiftedOrder | None:
    """Return the query without its final ORDER BY, or None when that cannot be done safely."""
    masked = keywords_outside_literals(text, keep_length=True)
    found = list(_ORDER_BY.finditer(masked))
    if not found:
        return None
    order = found[-1]
    keys, position = [], order.end()
    while (key := _KEY.match(masked, position)) is not None:
        direction, inside, plain = key.groups()
        keys.append((inside or plain, bool(direction) and direction.upper() == "DESC"))
        position = key.end()
    # Only keys up to the end: not an expression, a LIMIT or OFFSET, nor a sub-SELECT's ORDER BY
    if not keys or masked[position:].strip():
        return None
    select = _SELECT.search(masked)
    if select is None or "{" in masked[:select.start()]:  # a sub-SELECT: CONSTRUCT { … SELECT
        return None
    end = _PROJECTION_END.search(masked, select.end())
    if end is None:
        return None
    projection = masked[select.end():end.start()]
    words = projection.split()
    modifier = bool(words) and words[0].upper() in ("DISTINCT", "REDUCED")
    added = [] if words[modifier:] == ["*"] else \
        list(dict.fromkeys(name for name, _ in keys if name not in _columns(projection)))
    if added and (modifier or "(" in projection or _GROUPED.search(masked)):
        return None  # a column more would change the rows, or be refused
    lifted = text[:end.start()] + "".join(f"?{name} " for name in added) \
        + text[end.start():order.start()]
    return LiftedOrder(lifted, tuple(keys), tuple(added))


def _columns(projection: str) -> set[str]:
    """Return the variables a projection names: plain ones, and those bound by (... AS ?x)."""
    aliases = set(re.findall(r"\bAS\s+[?$](\w+)", projection, re.IGNORECASE))
    outside = projection
    while (inner := re.sub(r"\([^()]*\)", " ", outside)) != outside:
        outside = inner
    return aliases | set(re.findall(r"[?$](\w+)", outside))


def sort_rows(columns: Sequence[str], cells: list[tuple[Any, ...]],
              keys: Sequence[tuple[str, bool]],
              keep: Sequence[int] | None = None) -> list[tuple[Any, ...]] | None:
    """Return the rows in ORDER BY order, with only the columns keep gives (default all), or
    None when a key's values are not all of one kind that Python orders as SPARQL does."""
    sort_keys = []
    for name, descending in keys:
        if name not in columns:
            return None
        index = columns.index(name)
        values = _sort_keys([row[index] for row in cells])
        if values is None:
            return None
        sort_keys.append((values, descending))
    order: Sequence[int] = range(len(cells))
    if not any(descending for _, descending in sort_keys):
        composite = list(zip(*(values for values, _ in sort_keys)))
        order = sorted(order, key=composite.__getitem__)
    else:  # one stable sort per key, the last key first
        for values, descending in reversed(sort_keys):
            order = sorted(order, key=values.__getitem__, reverse=descending)
    if keep is None or list(keep) == list(range(len(columns))):
        return [cells[i] for i in order]
    if len(keep) == 1:
        return [(cells[i][keep[0]],) for i in order]
    columns_kept = itemgetter(*keep)
    return [columns_kept(cells[i]) for i in order]


def _sort_keys(terms: list[Any]) -> list[Any] | None:
    """Return each term's sort key, unbound first, or None when the bound ones are of kinds
    that SPARQL does not order among themselves as Python would."""
    bound = [term for term in terms if term is not None]
    kinds = {type(term) for term in bound}
    if kinds <= {pyoxigraph.NamedNode}:
        keys = {term: term.value for term in set(bound)}
    elif kinds == {pyoxigraph.Literal}:
        keys = _literal_keys(set(bound))
        if keys is None:
            return None
    else:
        return None
    if len(bound) == len(terms):
        return [keys[term] for term in terms]
    return [(False, None) if term is None else (True, keys[term]) for term in terms]


def _literal_keys(literals: set[Any]) -> dict[Any, Any] | None:
    """Return each literal's sort key, or None unless all are integers and decimals, or all
    doubles, strings, booleans, dates or date-times without a time zone."""
    if any(literal.language is not None for literal in literals):
        return None
    datatypes = {literal.datatype.value for literal in literals}
    try:
        # Exact numbers compare exactly, and doubles as doubles; a decimal beside a double is
        # compared as a double, and a float as a 32-bit one, which Python's one order misses.
        if datatypes.issubset(_DECIMALS):
            return {literal: _exact(literal.value) for literal in literals}
        if len(datatypes) != 1:
            return None
        (datatype,) = datatypes
        if datatype == _DOUBLE_TYPE:
            return {literal: _double(literal.value) for literal in literals}
        if datatype == _XSD + "string":
            return {literal: literal.value for literal in literals}
        if datatype == _XSD + "boolean":
            return {literal: _boolean(literal.value) for literal in literals}
        pattern = {_XSD + "date": _DATE, _XSD + "dateTime": _DATE_TIME}.get(datatype)
        if pattern is None or not all(pattern.fullmatch(literal.value) for literal in literals):
            return None  # another datatype, a time zone, or a year past 9999
        return {literal: literal.value for literal in literals}
    except ValueError:  # not a lexical form Python orders: the engine sorts
        return None


def _exact(text: str) -> int | Decimal:
    """Return an integer's or decimal's value; raise ValueError for a form that XSD does not
    allow and Python reads (1_0, 1E3)."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return Decimal(text)
    raise ValueError


def _double(text: str) -> float:
    """Return a double's value; raise ValueError for NaN, which has no place in an order, and
    for a form that XSD does not allow and Python reads."""
    if _INTEGER.fullmatch(text) or _DECIMAL.fullmatch(text) or _DOUBLE.fullmatch(text) \
            or text in ("INF", "+INF", "-INF"):
        return float(text)
    raise ValueError


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):  # 1 and 0 too are booleans, which the engine sorts
        raise ValueError
    return text == "true"
