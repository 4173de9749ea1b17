"""Read a shape's SPARQL well enough to run it for all focus nodes in one query.

SHACL-SPARQL runs a constraint's SELECT once per focus node with $this pre-bound, which is
substitution: every $this in the query, nested groups and NOT EXISTS included, becomes that node.
One query per node is what makes pySHACL slow at scale. This module turns the query into a single
one over all focus nodes: the focus set F (a subquery binding ?this) is joined into the query's
WHERE group and into every nested group that evaluates an expression over ?this (FILTER, BIND,
OPTIONAL, a subquery), and aggregates are grouped by ?this as well. Joining a duplicate-free F
distributes over the rest of the algebra, so each focus node gets exactly the rows the
substituted query gives it. What this cannot prove equal (MINUS, VALUES, SERVICE, GRAPH over
$this, LIMIT or OFFSET, rebinding $this) raises Unsupported, and the shape falls back to pySHACL.

The tokenizer knows just enough SPARQL 1.1 to tell strings, IRIs, prefixed names, variables and
braces apart; prefixed names are expanded, so the compiled queries need no prologue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Union


class Unsupported(Exception):
    """The query uses something that cannot be evaluated for all focus nodes at once."""


_TOKEN_PATTERN = r"""
  (?P<ws>\s+)
| (?P<comment>\#[^\n]*)
| (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
             |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
| (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
| (?P<bnode>_:[A-Za-z0-9_\u00C0-\uFFFF](?:[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF])?)
| (?P<number>(?:\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.?\d*[eE][+-]?\d+|\d+))
| (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF])?)?
            :(?:(?:[A-Za-z0-9_:\-\u00B7\u00C0-\uFFFF]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])
               (?:[A-Za-z0-9_:\-.\u00B7\u00C0-\uFFFF]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)?)
| (?P<name>[A-Za-z_][A-Za-z0-9_]*)
| (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\].,;*/+\-=<>!|^?])
"""


@lru_cache(maxsize=1)
def _token() -> re.Pattern:
    """Compile the token pattern when first needed: its Unicode ranges take a while."""
    return re.compile(_TOKEN_PATTERN, re.X)

AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}


@dataclass
class Tok:
    """One token: its kind (a group name of _TOKEN) and its text."""

    kind: str
    text: str

    def is_kw(self, *words: str) -> bool:
        """Tell whether the token is one of the keywords, in any case."""
        return self.kind == "name" and self.text.upper() in words


def tokenize(text: str) -> list[Tok]:
    """Split SPARQL text into tokens, dropping white space and comments."""
    tokens, position = [], 0
    while position < len(text):
        match = _token().match(text, position)
        if match is None:
            raise Unsupported(f"cannot read the query near {text[position:position + 20]!r}")
        position = match.end()
        kind = match.lastgroup or ""
        if kind not in ("ws", "comment"):
            tokens.append(Tok(kind, match.group()))
    return tokens


@dataclass
class Exists:
    """EXISTS or NOT EXISTS with its group, inside an expression."""

    negated: bool
    group: "Group"


@dataclass
class Expr:
    """An expression: tokens, with EXISTS groups parsed."""

    items: list[Union[Tok, Exists]]


@dataclass
class Group:
    """A group graph pattern: its elements, in order."""

    elements: list[tuple] = field(default_factory=list)


@dataclass
class Select:
    """A SELECT query or subquery: its head, WHERE group and solution modifiers."""

    head: list[Tok]
    where: Group
    tail: list[Tok]


class _Parser:
    def __init__(self, tokens: list[Tok]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self, ahead: int = 0) -> Tok | None:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def next(self) -> Tok:
        token = self.peek()
        if token is None:
            raise Unsupported("the query ends too early")
        self.at += 1
        return token

    def expect(self, text: str) -> Tok:
        token = self.next()
        if token.text != text:
            raise Unsupported(f"expected {text!r}, found {token.text!r}")
        return token

    def query(self) -> tuple[dict[str, str], Select]:
        prefixes: dict[str, str] = {}
        while (token := self.peek()) is not None and token.is_kw("PREFIX", "BASE"):
            self.next()
            if token.is_kw("BASE"):
                raise Unsupported("BASE is not supported")
            name, iri = self.next(), self.next()
            if not name.text.endswith(":") or iri.kind != "iri":
                raise Unsupported("a PREFIX declaration cannot be read")
            prefixes[name.text[:-1]] = iri.text[1:-1]
        token = self.peek()
        if token is None or not token.is_kw("SELECT"):
            raise Unsupported("only SELECT queries are supported")
        select = self.select(top=True)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek().text!r} after the query")
        return prefixes, select

    def select(self, top: bool) -> Select:
        head = [self.next()]  # SELECT
        depth = 0
        while True:
            token = self.peek()
            if token is None:
                raise Unsupported("SELECT without WHERE")
            if depth == 0 and (token.text == "{" or token.is_kw("WHERE")):
                break
            depth += (token.text == "(") - (token.text == ")")
            head.append(self.next())
        if self.peek().is_kw("WHERE"):
            self.next()
        where = self.group()
        tail: list[Tok] = []
        depth = 0
        while (token := self.peek()) is not None:
            if not top and depth == 0 and token.text == "}":
                break
            if token.text == "{":
                raise Unsupported("a group after the WHERE clause (VALUES?) is not supported")
            depth += (token.text == "(") - (token.text == ")")
            tail.append(self.next())
        return Select(head, where, tail)

    def group(self) -> Group:
        self.expect("{")
        group = Group()
        token = self.peek()
        if token is not None and token.is_kw("SELECT"):
            group.elements.append(("select", self.select(top=False)))
            self.expect("}")
            return group
        while True:
            token = self.peek()
            if token is None:
                raise Unsupported("a group is not closed")
            if token.text == "}":
                self.next()
                return group
            if token.text == "{":
                alternatives = [self.group()]
                while (after := self.peek()) is not None and after.is_kw("UNION"):
                    self.next()
                    alternatives.append(self.group())
                group.elements.append(("union", alternatives) if len(alternatives) > 1
                                      else ("group", alternatives[0]))
            elif token.is_kw("OPTIONAL", "MINUS"):
                self.next()
                group.elements.append((token.text.lower(), self.group()))
            elif token.is_kw("GRAPH", "SERVICE"):
                self.next()
                words = [self.next()]
                if words[0].is_kw("SILENT"):
                    words.append(self.next())
                group.elements.append((token.text.lower(), words, self.group()))
            elif token.is_kw("FILTER"):
                self.next()
                group.elements.append(("filter", self.constraint()))
            elif token.is_kw("BIND"):
                self.next()
                group.elements.append(("bind", self.bracketed()))
            elif token.is_kw("VALUES"):
                group.elements.append(("values", self.inline_data()))
            elif token.text == ".":
                self.next()
                group.elements.append(("dot",))
            else:
                group.elements.append(("triples", self.triples()))

    def inline_data(self) -> list[Tok]:
        run = [self.next()]  # VALUES
        while (token := self.peek()) is not None and token.text != "{":
            run.append(self.next())
        depth = 0
        while True:
            token = self.next()
            run.append(token)
            depth += (token.text == "{") - (token.text == "}")
            if depth == 0:
                return run

    def triples(self) -> list[Tok]:
        run: list[Tok] = []
        while (token := self.peek()) is not None:
            if token.text in (".", "{", "}") or (token.kind == "name"
                                                 and token.text.upper() in _GROUP_KEYWORDS):
                break
            run.append(self.next())
        return run

    def constraint(self) -> Expr:
        token = self.peek()
        if token is not None and token.is_kw("NOT", "EXISTS"):
            return Expr([self.exists()])
        if token is not None and token.text == "(":
            return self.bracketed()
        call = [self.next()]  # a built-in or a function named by IRI
        return Expr(call + self.bracketed().items)

    def exists(self) -> Exists:
        negated = self.next().is_kw("NOT")
        if negated:
            if not self.next().is_kw("EXISTS"):
                raise Unsupported("NOT without EXISTS")
        return Exists(negated, self.group())

    def bracketed(self) -> Expr:
        items: list[Tok | Exists] = [self.expect("(")]
        depth = 1
        while depth:
            token = self.peek()
            if token is None:
                raise Unsupported("a bracket is not closed")
            if token.is_kw("NOT", "EXISTS") and self._starts_exists():
                items.append(self.exists())
                continue
            depth += (token.text == "(") - (token.text == ")")
            items.append(self.next())
        return Expr(items)

    def _starts_exists(self) -> bool:
        first = self.peek()
        if first.is_kw("EXISTS"):
            return True
        second = self.peek(1)
        return second is not None and second.is_kw("EXISTS")


def parse(text: str) -> tuple[dict[str, str], Select]:
    """Parse a SELECT query; return its PREFIX declarations and the query."""
    return _Parser(tokenize(text)).query()


# -- writing back ----------------------------------------------------------------------------

def render(node: object) -> str:
    """Write a parsed query, group, expression or token list back as SPARQL text."""
    if isinstance(node, Tok):
        return node.text
    if isinstance(node, list):
        # No space between a function's name and its bracket: Oxigraph reads "COALESCE (" as
        # the start of another keyword.
        text = ""
        for index, item in enumerate(node):
            before = node[index - 1] if index else None
            glued = (isinstance(item, Tok) and item.text == "(" and isinstance(before, Tok)
                     and before.kind == "name" and before.text != "a")
            text += ("" if not index or glued else " ") + render(item)
        return text
    if isinstance(node, Exists):
        return ("NOT EXISTS " if node.negated else "EXISTS ") + render(node.group)
    if isinstance(node, Expr):
        return render(node.items)
    if isinstance(node, Select):
        return " ".join(filter(None, [render(node.head), "WHERE", render(node.where),
                                      render(node.tail)]))
    if isinstance(node, Group):
        return "{ " + " ".join(_render_element(e) for e in node.elements) + " }"
    raise TypeError(f"cannot render {node!r}")


def _render_element(element: tuple) -> str:
    kind = element[0]
    if kind == "raw":
        return element[1]
    if kind == "dot":
        return "."
    if kind in ("triples", "values"):
        return render(element[1])
    if kind == "group":
        return render(element[1])
    if kind == "union":
        return " UNION ".join(render(g) for g in element[1])
    if kind in ("optional", "minus"):
        return f"{kind.upper()} {render(element[1])}"
    if kind in ("graph", "service"):
        return f"{kind.upper()} {render(element[1])} {render(element[2])}"
    if kind == "filter":
        return f"FILTER {render(element[1])}"
    if kind == "bind":
        return f"BIND {render(element[1])}"
    if kind == "select":
        return render(element[1])
    raise TypeError(f"unknown element {kind}")


# -- rewriting -------------------------------------------------------------------------------

def expand_prefixes(tokens: list[Tok], prefixes: dict[str, str]) -> list[Tok]:
    """Replace prefixed names by full IRIs; an undeclared prefix is Unsupported."""
    out = []
    for token in tokens:
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in prefixes:
                raise Unsupported(f"the prefix {prefix!r} is not declared")
            local = re.sub(r"\\(.)", r"\1", local)
            out.append(Tok("iri", f"<{prefixes[prefix]}{local}>"))
        else:
            out.append(token)
    return out


_OPERAND_KINDS = ("var", "iri", "number", "string")
_EDGES = ("(", ")", "&&", "||", ",")


def rdflib_inequality(tokens: list[Tok]) -> list[Tok]:
    """Make `A != B` give what rdflib gives, for operands that are one token each.

    SPARQL makes `!=` a type error when either side is an ill-typed literal, such as
    "2026-02-30"^^xsd:date, and the other is any other literal; rdflib, on which pySHACL runs,
    calls two such literals unequal when their datatypes differ. The rewrite keeps SPARQL's
    answer wherever it has one and falls back on rdflib's rule only where SPARQL errs.
    """
    out: list[Tok] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (token.text == "!=" and out and index + 1 < len(tokens)
                and out[-1].kind in _OPERAND_KINDS and tokens[index + 1].kind in _OPERAND_KINDS
                and len(out) > 1 and out[-2].text in _EDGES
                and (index + 2 >= len(tokens) or tokens[index + 2].text in _EDGES)):
            left, right = out.pop().text, tokens[index + 1].text
            out.extend(tokenize(f"COALESCE({left} != {right}, !sameTerm({left}, {right}) && "
                                f"DATATYPE({left}) != DATATYPE({right}))"))
            index += 2
            continue
        out.append(token)
        index += 1
    return out


def _substitute(tokens: list[Tok], path: str | None, shape: str | None) -> list[Tok]:
    out = []
    for token in tokens:
        if token.kind == "var":
            name = token.text[1:]
            if name == "PATH":
                if path is None:
                    raise Unsupported("$PATH on a shape without a path")
                out.append(Tok("raw", path))
                continue
            if name == "currentShape":
                if shape is None:
                    raise Unsupported("$currentShape of a blank node shape")
                out.append(Tok("iri", f"<{shape}>"))
                continue
            if name == "shapesGraph":
                raise Unsupported("$shapesGraph is not supported")
            token = Tok("var", "?" + name)
        out.append(token)
    return out


def _mentions(node: object, var: str) -> bool:
    if isinstance(node, Tok):
        return node.kind == "var" and node.text == var
    if isinstance(node, list):
        return any(_mentions(item, var) for item in node)
    if isinstance(node, tuple):
        return any(_mentions(item, var) for item in node[1:])
    if isinstance(node, Exists):
        return _mentions(node.group, var)
    if isinstance(node, Expr):
        return _mentions(node.items, var)
    if isinstance(node, Group):
        return _mentions(node.elements, var)
    if isinstance(node, Select):
        return _mentions(node.head, var) or _mentions(node.where, var) or _mentions(node.tail, var)
    return False


_EXPRESSIONS = ("filter", "bind", "optional", "minus", "select", "graph", "service", "values")


def _inject(group: Group, focus: str, top: bool) -> None:
    """Join the focus set into group where ?this is used, and into its nested groups."""
    for element in group.elements:
        kind = element[0]
        if kind in ("group", "optional"):
            _inject(element[1], focus, top=False)
        elif kind == "union":
            for alternative in element[1]:
                _inject(alternative, focus, top=False)
        elif kind in ("graph", "service"):
            if _mentions(element[2], "?this"):
                raise Unsupported(f"$this inside {kind.upper()} is not supported")
        elif kind in ("minus", "values"):
            raise Unsupported(f"a SPARQL constraint must not contain {kind.upper()}")
        elif kind == "select":
            _rewrite_select(element[1], focus, top=False)
        elif kind in ("filter", "bind"):
            _check_exists(element[1])
    if top or (_mentions(group, "?this") and any(e[0] in _EXPRESSIONS for e in group.elements)):
        if not (len(group.elements) == 1 and group.elements[0][0] == "select"):
            group.elements.insert(0, ("raw", focus))


def check_scopes(group: Group, outside: frozenset[str] = frozenset(),
                 prebound: frozenset[str] = frozenset(), optional: bool = False) -> None:
    """Refuse a FILTER or BIND in a nested group that reads a variable bound only outside it.

    SPARQL evaluates a group before joining it, so there that variable is unbound; rdflib, which
    pySHACL runs on, passes the outer solution in, so there it is bound. The two readings differ
    and pySHACL's is the reference, so such a query is left to pySHACL. The variables in prebound
    ($this of a constraint, joined into every group that reads it) are exempt, and so are the
    filters of an OPTIONAL group, which SPARQL too evaluates with the left side.
    """
    own = _variables([e for e in group.elements if e[0] not in ("filter", "bind")])
    own |= {item.text for e in group.elements if e[0] == "bind"
            for item in e[1].items[-2:-1] if isinstance(item, Tok)}
    for element in group.elements:
        if element[0] == "filter" and optional:
            continue
        if element[0] in ("filter", "bind"):
            leaked = (_variables(element[1]) - own - prebound) & outside
            if leaked:
                raise Unsupported(f"a FILTER or BIND in a nested group reads {min(leaked)}, "
                                  "which only an enclosing group binds")
    patterns = [e for e in group.elements if e[0] not in ("filter", "bind")]
    for element in group.elements:
        kind = element[0]
        inner = outside | _variables([e for e in patterns if e is not element])
        if kind in ("group", "minus"):
            check_scopes(element[1], inner, prebound)
        elif kind == "optional":
            check_scopes(element[1], inner, prebound, optional=True)
        elif kind == "union":
            for alternative in element[1]:
                check_scopes(alternative, inner, prebound)
        elif kind == "select":
            check_scopes(element[1].where, inner, prebound)


def not_exists_to_minus(group: Group) -> None:
    """Turn FILTER NOT EXISTS into MINUS where the two are provably equal, in group and in the
    groups, UNION branches and subqueries nested in it (not in OPTIONAL, whose filters also see
    the left side).

    Oxigraph evaluates NOT EXISTS once per solution, which at a million triples takes minutes,
    and MINUS as one anti-join. `G FILTER NOT EXISTS { P }` equals `G MINUS { P }` when P is
    triples only, shares a variable with G that every solution of G binds, and every variable it
    shares with G is so bound: then substituting a solution into P and finding P compatible with
    it are the same test. MINUS goes at the end of the group, where a FILTER applies anyway.
    """
    for element in group.elements:
        if element[0] == "group":
            not_exists_to_minus(element[1])
        elif element[0] == "union":
            for alternative in element[1]:
                not_exists_to_minus(alternative)
        elif element[0] == "select":
            not_exists_to_minus(element[1].where)
    bound = _always_bound(group)
    kept, moved = [], []
    for element in group.elements:
        pattern = _negated_triples(element)
        others = [e for e in group.elements if e is not element]
        if pattern is not None:
            shared = _variables(pattern) & _variables(others)
            if shared and shared <= bound:
                moved.append(("minus", pattern))
                continue
        kept.append(element)
    if moved:
        group.elements = _separated([e for e in kept if e[0] != "dot"]) + moved


def _negated_triples(element: tuple) -> Group | None:
    """Return P of `FILTER NOT EXISTS { P }` when P is only triples, else None."""
    if element[0] != "filter" or len(element[1].items) != 1:
        return None
    item = element[1].items[0]
    if not isinstance(item, Exists) or not item.negated:
        return None
    kinds = {e[0] for e in item.group.elements}
    return item.group if kinds and kinds <= {"triples", "dot"} and "triples" in kinds else None


def _separated(elements: list[tuple]) -> list[tuple]:
    """Put a dot between two blocks of triples that were apart."""
    out: list[tuple] = []
    for element in elements:
        if element[0] == "triples" and out and out[-1][0] == "triples":
            out.append(("dot",))
        out.append(element)
    return out


def _variables(node: object) -> set[str]:
    """Return every variable mentioned in a parsed node."""
    if isinstance(node, Tok):
        return {node.text} if node.kind == "var" else set()
    if isinstance(node, tuple) and node[0] == "raw":  # the focus set
        return {"?this"}
    if isinstance(node, (list, tuple)):
        items = node[1:] if isinstance(node, tuple) else node
        return set().union(*(_variables(item) for item in items)) if items else set()
    if isinstance(node, Exists):
        return _variables(node.group)
    if isinstance(node, Expr):
        return _variables(node.items)
    if isinstance(node, Group):
        return _variables(node.elements)
    if isinstance(node, Select):
        return _variables(node.head) | _variables(node.where) | _variables(node.tail)
    return set()


def _always_bound(group: Group) -> set[str]:
    """Return the variables that every solution of group binds."""
    found: set[str] = set()
    for element in group.elements:
        kind = element[0]
        if kind == "raw":  # the focus set, which binds ?this
            found.add("?this")
        elif kind == "triples":
            found |= _variables(element[1])
        elif kind == "group":
            found |= _always_bound(element[1])
        elif kind == "union":
            found |= set.intersection(*(_always_bound(g) for g in element[1]))
        elif kind == "bind":
            found |= _constant_bind(element[1])
        elif kind == "values":
            tokens = element[1]
            if not any(t.is_kw("UNDEF") for t in tokens):
                head = tokens[:next(i for i, t in enumerate(tokens) if t.text == "{")]
                found |= _variables(head)
    return found


def _constant_bind(expr: Expr) -> set[str]:
    """Return {?x} for BIND (term AS ?x) with a constant term, which cannot fail; else {}."""
    items = expr.items
    if len(items) < 5 or not all(isinstance(t, Tok) for t in items):
        return set()
    term, tail = items[1:-3], items[-3:]
    if not (tail[0].is_kw("AS") and tail[1].kind == "var" and tail[2].text == ")"):
        return set()
    simple = len(term) == 1 and (term[0].kind in ("iri", "number", "string")
                                 or term[0].is_kw("TRUE", "FALSE"))
    typed = (len(term) == 3 and term[0].kind == "string" and term[1].text == "^^"
             and term[2].kind == "iri") or (len(term) == 2 and term[0].kind == "string"
                                            and term[1].kind == "langtag")
    return {tail[1].text} if simple or typed else set()


def _check_exists(expr: Expr) -> None:
    for item in expr.items:
        if isinstance(item, Exists):
            _no_forbidden(item.group)


def _no_forbidden(group: Group) -> None:
    """Inside EXISTS, substitution reaches every nested group by itself; only check the rules."""
    for element in group.elements:
        kind = element[0]
        if kind in ("minus", "values"):
            raise Unsupported(f"a SPARQL constraint must not contain {kind.upper()}")
        if kind in ("graph", "service") and _mentions(element[2], "?this"):
            raise Unsupported(f"$this inside {kind.upper()} is not supported")
        if kind == "select":
            raise Unsupported("a subquery inside EXISTS is not supported")
        for part in element[1:]:
            if isinstance(part, Group):
                _no_forbidden(part)
            elif isinstance(part, list):
                for item in part:
                    if isinstance(item, Group):
                        _no_forbidden(item)
            elif isinstance(part, Expr):
                _check_exists(part)


def _projects(head: list[Tok], var: str) -> bool:
    depth = 0
    for index, token in enumerate(head):
        depth += (token.text == "(") - (token.text == ")")
        if token.text == "*" and depth == 0:
            return True
        if token.kind == "var" and token.text == var:
            previous = head[index - 1] if index else None
            if depth == 0 or (previous is not None and previous.is_kw("AS")):
                return True
    return False


def _aggregates(select: Select) -> bool:
    head = select.head
    uses = any(t.kind == "name" and t.text.upper() in AGGREGATES and i + 1 < len(head)
               and head[i + 1].text == "(" for i, t in enumerate(head))
    return uses or any(t.is_kw("GROUP", "HAVING") for t in select.tail)


def _rewrite_select(select: Select, focus: str, top: bool) -> None:
    for index, token in enumerate(select.head):
        if token.is_kw("AS") and index + 1 < len(select.head) and select.head[index + 1].text == "?this":
            raise Unsupported("a SPARQL constraint must not bind $this with AS")
    if any(t.is_kw("LIMIT", "OFFSET", "VALUES") for t in select.tail):
        raise Unsupported("LIMIT, OFFSET and VALUES differ per focus node")
    if not _projects(select.head, "?this"):
        if not top:
            raise Unsupported("a subquery must select $this")
        position = 2 if len(select.head) > 1 and select.head[1].is_kw("DISTINCT", "REDUCED") else 1
        select.head.insert(position, Tok("var", "?this"))
    if _aggregates(select):
        if any(t.text == "*" for t in select.head):
            raise Unsupported("SELECT * with aggregates")
        _group_by_this(select)
    _inject(select.where, focus, top=True)


def _group_by_this(select: Select) -> None:
    tail = select.tail
    for index, token in enumerate(tail):
        if token.is_kw("GROUP") and index + 1 < len(tail) and tail[index + 1].is_kw("BY"):
            end = index + 2
            while end < len(tail) and not tail[end].is_kw("HAVING", "ORDER", "LIMIT", "OFFSET"):
                end += 1
            if not any(t.kind == "var" and t.text == "?this" for t in tail[index + 2:end]):
                tail.insert(index + 2, Tok("var", "?this"))
            return
    select.tail[:0] = [Tok("name", "GROUP"), Tok("name", "BY"), Tok("var", "?this")]


@dataclass
class Constraint:
    """A SPARQL constraint made into one query over all focus nodes."""

    query: str
    projected: list[str]  # the variables the original query selects; ["*"] for SELECT *


def rewrite_constraint(text: str, prefixes: dict[str, str], focus: str, path: str | None = None,
                       shape: str | None = None) -> Constraint:
    """Turn a SPARQL constraint's SELECT into one query over the focus set `focus`.

    `focus` is a group pattern that binds ?this to each focus node exactly once.
    """
    tokens = tokenize(text)
    declared, _ = _Parser(tokens).query()  # read the prologue for the prefixes it declares
    body = _strip_prologue(tokens)
    body = expand_prefixes(_substitute(body, path, shape), {**prefixes, **declared})
    _, select = _Parser(rdflib_inequality(body)).query()
    projected = _projection(select.head)
    check_scopes(select.where, prebound=frozenset({"?this"}))
    _rewrite_select(select, focus, top=True)
    not_exists_to_minus(select.where)
    return Constraint(render(select), projected)


def select_target(text: str, prefixes: dict[str, str]) -> str:
    """Return a SPARQL-based target's SELECT as a group pattern that binds ?this once per node."""
    tokens = tokenize(text)
    declared, _ = _Parser(tokens).query()
    body = expand_prefixes(_substitute(_strip_prologue(tokens), None, None),
                           {**prefixes, **declared})
    _, select = _Parser(rdflib_inequality(body)).query()
    if not _projects(select.head, "?this"):
        raise Unsupported("a SPARQL target must select ?this")
    check_scopes(select.where)
    not_exists_to_minus(select.where)
    return "{ SELECT DISTINCT ?this WHERE { { " + render(select) + " } } }"


def _strip_prologue(tokens: list[Tok]) -> list[Tok]:
    index = 0
    while index < len(tokens) and tokens[index].is_kw("PREFIX", "BASE"):
        index += 3 if tokens[index].is_kw("PREFIX") else 2
    return tokens[index:]


def _projection(head: list[Tok]) -> list[str]:
    names, depth = [], 0
    for index, token in enumerate(head):
        depth += (token.text == "(") - (token.text == ")")
        if token.text == "*" and depth == 0:
            return ["*"]
        if token.kind == "var":
            previous = head[index - 1] if index else None
            if depth == 0 or (previous is not None and previous.is_kw("AS")):
                names.append(token.text[1:])
    return names
