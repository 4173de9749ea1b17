"""Compile SHACL shapes into whole-graph SPARQL SELECT queries, once per content hash.

Each check is one query that returns the violating focus nodes (and values) of one shape for all
focus nodes at once, with what pySHACL would put in the result beside it: the path, the
constraint component, the severity, the source shape and the messages. The conventions are
pySHACL's, which stays the reference: no sh:value for count, hasValue, uniqueLang and qualified
results; for a node shape the value of a value-based result is the focus node itself; one result
per value node for the logical constraints; SPARQL constraints as their rows bind ?value and
?path.

A check's query leaves its focus nodes as a placeholder (FOCUS), since how best to give them
depends on how many there are (see run), and the anti-join of a gap as another (ANTI): MINUS,
which Oxigraph evaluates as one join, for many focus nodes, and FILTER NOT EXISTS, a lookup per
row, for a few. A check also carries a node_test where it can: an expression telling, for one
focus node, whether the check may report it, with which the engine finds the few nodes worth
examining among a hundred thousand.

A shape that uses something the compiler does not express (sh:closed, property pairs, a SPARQL
constraint it cannot prove safe to run for all nodes at once, ...) is kept whole, as Turtle, to
be validated by pySHACL: `fallback` in the plan says which and why.

Compiling parses the shapes with rdflib; the plan is JSON in the cache folder, keyed by the
SHA-256 of the shape files and of this package's code, so validating needs neither rdflib nor
pySHACL.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any, Callable

from finops_kg.graph import resources
from finops_kg.graph.iris import PREFIXES, shorten
from finops_kg.release.shapes.sparql_text import Unsupported, rewrite_constraint, select_target

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PLAN_VERSION = 2
# Placeholders in a check's query, filled in when it runs: FOCUS by the focus nodes of its shape
# (a VALUES block when they are few, else the focus query itself), ANTI by the anti-join that
# suits that size (FILTER NOT EXISTS looks up each of a few nodes; MINUS joins many at once).
FOCUS = "%FOCUS%"
ANTI = "%ANTI%"

# Datatypes whose lexical form Oxigraph checks on a cast to the same type: a literal of one of
# these that the cast refuses is ill-typed, as rdflib's `ill_typed` would say.
CHECKED_DATATYPES = {XSD + name for name in (
    "integer", "decimal", "float", "double", "boolean", "date", "dateTime", "time", "duration",
    "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay",
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}

# Shape predicates that are read, or that do not affect validation.
_KNOWN = {SH + name for name in (
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "path",
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
    "uniqueLang", "in", "hasValue", "not", "and", "or", "xone", "node", "property",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint", "sparql", "declare", "prefixes")}
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
_RANGE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_CLASS_PATH = f"<{RDF}type>/<{RDFS}subClassOf>*"


def plan_key() -> str:
    """Return the content hash of the shape files and of the compiler's code."""
    digest = hashlib.sha256(str(PLAN_VERSION).encode())
    package = Path(__file__).resolve().parent
    for path in resources.shape_files() + sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compiled_plan() -> dict:
    """Return the compiled plan of the project's shapes: from the cache, else compiled now."""
    from finops_kg.release.compiled import cache_dir

    key = plan_key()
    cached = cache_dir() / f"shapes-{key}.json"
    try:
        return json.loads(cached.read_bytes())
    except (OSError, ValueError):
        pass
    from finops_kg.errors import FinopsKGError
    from finops_kg.graph.files import write_atomic
    from finops_kg.release.validate import load_shapes

    plan = compile_shapes(load_shapes())
    plan["key"] = key
    try:
        write_atomic(cached, json.dumps(plan).encode())
    except FinopsKGError:  # an unwritable cache only costs the compile time
        pass
    return plan


def compile_shapes(shapes: Any) -> dict:
    """Compile an rdflib shapes graph into a plan of SPARQL checks (a JSON-ready dict)."""
    return _Compiler(shapes).plan()


class _Compiler:
    def __init__(self, graph: Any) -> None:
        from rdflib import BNode, Literal, URIRef
        from rdflib.collection import Collection

        self.g, self.BNode, self.Literal, self.URIRef = graph, BNode, Literal, URIRef
        self.Collection = Collection
        self.counter = itertools.count()
        self.focuses: dict[str, int] = {}  # each distinct focus query, numbered

    # -- reading the shapes graph ------------------------------------------------------------

    def sh(self, name: str) -> Any:
        return self.URIRef(SH + name)

    def values(self, node: Any, name: str) -> list:
        return sorted(self.g.objects(node, self.sh(name)), key=str)

    def one(self, node: Any, name: str) -> Any:
        found = self.values(node, name)
        if len(found) > 1:
            raise Unsupported(f"more than one sh:{name}")
        return found[0] if found else None

    def items(self, node: Any) -> list:
        return list(self.Collection(self.g, node))

    def ident(self, node: Any) -> str:
        return f"_:{node}" if isinstance(node, self.BNode) else str(node)

    def show(self, node: Any) -> str:
        return "(blank node)" if isinstance(node, self.BNode) else shorten(str(node))

    def term(self, node: Any) -> str:
        if isinstance(node, self.BNode):
            raise Unsupported("a blank node as a constant")
        if isinstance(node, self.Literal) and node.datatype is None and node.language is None:
            return _string(str(node))
        return node.n3()

    def fresh(self, stem: str) -> str:
        return f"?_{stem}{next(self.counter)}"

    def deactivated(self, shape: Any) -> bool:
        return self.true(shape, "deactivated")

    # -- the plan ----------------------------------------------------------------------------

    def plan(self) -> dict:
        checks, fallback = [], []
        for shape in self.target_shapes():
            try:
                checks.extend(self.unit(shape))
            except Unsupported as why:
                fallback.append({"shape": self.ident(shape), "show": self.show(shape),
                                 "reason": str(why), "ntriples": self.closure_ntriples(shape)})
        namespaces = sorted([prefix, str(ns)] for prefix, ns in self.g.namespaces())
        return {"version": PLAN_VERSION, "checks": checks, "fallback": fallback,
                "focus": sorted(self.focuses, key=self.focuses.__getitem__),
                "namespaces": namespaces,
                "shapes": self.g.serialize(format="nt", encoding="utf-8").decode()}

    def target_shapes(self) -> list:
        found = set()
        for name in _TARGETS:
            found.update(self.g.subjects(self.sh(name), None))
        for cls in (self.URIRef(RDFS + "Class"), self.URIRef(OWL + "Class")):
            for shape in self.g.subjects(self.URIRef(RDF + "type"), cls):
                types = set(self.g.objects(shape, self.URIRef(RDF + "type")))
                if types & {self.sh("NodeShape"), self.sh("PropertyShape")}:
                    found.add(shape)
        return sorted((s for s in found if not self.deactivated(s)), key=self.ident)

    def unit(self, shape: Any) -> list[dict]:
        return self.shape_checks(shape, self.focus(shape))

    def focus(self, shape: Any) -> str:
        parts = []
        for cls in self.values(shape, "targetClass"):
            parts.append(f"{{ ?this {_CLASS_PATH} {self.term(cls)} }}")
        types = set(self.g.objects(shape, self.URIRef(RDF + "type")))
        if types & {self.URIRef(RDFS + "Class"), self.URIRef(OWL + "Class")}:
            parts.append(f"{{ ?this {_CLASS_PATH} {self.term(shape)} }}")
        for node in self.values(shape, "targetNode"):
            parts.append(f"{{ BIND ({self.term(node)} AS ?this) }}")
        # ?_t is the same in every branch, so that shapes with the same targets share one focus.
        for prop in self.values(shape, "targetSubjectsOf"):
            parts.append(f"{{ ?this {self.term(prop)} ?_t }}")
        for prop in self.values(shape, "targetObjectsOf"):
            parts.append(f"{{ ?_t {self.term(prop)} ?this }}")
        for target in self.values(shape, "target"):
            select = self.g.value(target, self.sh("select"))
            if select is None:
                raise Unsupported("a target other than a SPARQL-based target")
            parts.append(select_target(str(select), self.prefixes(target)))
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def prefixes(self, node: Any) -> dict[str, str]:
        """Return the prefixes a SPARQL node declares, as pySHACL collects them.

        pySHACL also lets a query use the prefixes bound in the data graph; for the project's
        graphs those are the project's prefixes, which fill in what sh:prefixes does not say.
        """
        onts = set(self.g.subjects(self.URIRef(RDF + "type"), self.URIRef(OWL + "Ontology")))
        every = {d for o in onts for d in self.g.objects(o, self.sh("declare"))}
        declared: dict[str, str] = {}
        for holder in self.values(node, "prefixes"):
            own = set(self.g.objects(holder, self.sh("declare")))
            for declaration in (own if own and holder in onts else every | own):
                prefix = self.g.value(declaration, self.sh("prefix"))
                namespace = self.g.value(declaration, self.sh("namespace"))
                if prefix is None or namespace is None:
                    raise Unsupported("an incomplete sh:declare")
                declared[str(prefix)] = str(namespace)
        return {**PREFIXES, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "sh": SH,
                **declared}

    # -- paths -------------------------------------------------------------------------------

    def path(self, node: Any) -> str:
        if isinstance(node, self.URIRef):
            return f"<{node}>"
        if (node, self.URIRef(RDF + "first"), None) in self.g:
            members = self.items(node)
            if len(members) < 2:
                raise Unsupported("a sequence path of fewer than two steps")
            return "(" + "/".join(self.path(m) for m in members) + ")"
        for name, template in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"),
                               ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
            inner = self.g.value(node, self.sh(name))
            if inner is not None:
                return "(" + template.format(self.path(inner)) + ")"
        alternatives = self.g.value(node, self.sh("alternativePath"))
        if alternatives is not None:
            return "(" + "|".join(self.path(m) for m in self.items(alternatives)) + ")"
        raise Unsupported("a path that cannot be read")

    def show_path(self, node: Any) -> str:
        inverse = self.g.value(node, self.sh("inversePath"))
        return "^" + self.show(inverse) if inverse is not None else self.show(node)

    # -- top-level checks --------------------------------------------------------------------

    def shape_checks(self, shape: Any, real_focus: str) -> list[dict]:
        if self.deactivated(shape):
            return []
        self.known_only(shape)
        focus = FOCUS
        path_node = self.one(shape, "path")
        path = self.path(path_node) if path_node is not None else None
        if path is not None:
            pairs = f"{{ SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value }} }}"
        else:
            pairs = f"{focus} BIND (?this AS ?value)"
        candidates = f"{{ SELECT DISTINCT ?value WHERE {{ {pairs} }} }}"
        base = {
            "shape": self.ident(shape), "shape_show": self.show(shape),
            "focus": self.focuses.setdefault(real_focus, len(self.focuses)),
            "severity": str(self.one(shape, "severity") or self.sh("Violation")),
            "messages": self.messages(shape),
            "path": None if path_node is None else {
                "id": self.ident(path_node), "show": self.show_path(path_node)},
        }
        checks: list[dict] = []

        def add(query: str, mode: str, **extra: Any) -> None:
            checks.append({**base, "query": query, "mode": mode, **extra})

        # A check's node_test tells, for one focus node ?this, whether the check may report it:
        # run over every focus node, it finds the few that the check itself then examines.
        flags, components, passing = [], [], []
        value = "?this" if path is None else "?value"
        for component, ok in self.value_tests(shape):
            flags.append(f"BIND (!COALESCE({ok('?value')}, false) AS ?f{len(flags)})")
            components.append(component)
            passing.append(f"COALESCE({ok(value)}, false)")
        if flags:
            names = " ".join(f"?f{i}" for i in range(len(flags)))
            test = " || ".join(f"?f{i}" for i in range(len(flags)))
            failing = f"!({' && '.join(passing)})"
            add(f"SELECT ?this ?value {names} WHERE {{ {pairs} {' '.join(flags)} "
                f"FILTER ({test}) }}", "flags", components=components,
                node_test=failing if path is None else
                f"EXISTS {{ ?this {path} ?value FILTER ({failing}) }}")
        for cls in self.values(shape, "class"):
            instance = f"{_CLASS_PATH} {self.term(cls)}"
            add(f"SELECT ?this ?value WHERE {{ {pairs} {ANTI} {{ ?value {instance} }} }}", "fixed",
                components=[SH + "ClassConstraintComponent"],
                node_test=(f"NOT EXISTS {{ ?this {instance} }}" if path is None else
                           f"EXISTS {{ ?this {path} ?value FILTER NOT EXISTS "
                           f"{{ ?value {instance} }} }}"))
        if path is not None:
            checks.extend({**base, **check} for check in self.count_checks(shape, focus, path))
        for value in self.values(shape, "hasValue"):
            term = self.term(value)
            if path is not None:
                query = f"SELECT ?this WHERE {{ {focus} {ANTI} {{ ?this {path} {term} }} }}"
                node_test = f"NOT EXISTS {{ ?this {path} {term} }}"
            else:
                query = f"SELECT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {term})) }}"
                node_test = f"!sameTerm(?this, {term})"
            add(query, "fixed", components=[SH + "HasValueConstraintComponent"], value="none",
                node_test=node_test)
        if path is not None and self.true(shape, "uniqueLang"):
            add(f"SELECT ?this ?lang WHERE {{ {focus} ?this {path} ?v "
                f"FILTER (isLiteral(?v) && LANG(?v) != \"\") BIND (LCASE(LANG(?v)) AS ?lang) }} "
                f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)", "fixed",
                components=[SH + "UniqueLangConstraintComponent"], value="none")
        for name, component in (("or", "OrConstraintComponent"), ("and", "AndConstraintComponent"),
                                ("xone", "XoneConstraintComponent"),
                                ("not", "NotConstraintComponent"),
                                ("node", "NodeConstraintComponent")):
            for argument in self.values(shape, name):
                fail = self.logic_fail(name, argument, "?value", candidates)
                if fail is None:
                    continue
                extra = {}
                holds = self.logic_holds(name, argument, value)
                if holds is not None:
                    extra["node_test"] = f"!({holds})" if path is None else (
                        f"EXISTS {{ ?this {path} ?value FILTER (!({holds})) }}")
                add(f"SELECT ?this ?value WHERE {{ {pairs} {fail} }}", "fixed",
                    components=[SH + component], **extra)
        qualified = self.values(shape, "qualifiedValueShape")
        if qualified:
            if path is None:
                raise Unsupported("a qualified value shape on a node shape")
            for inner in qualified:
                query = self.qualified_query(shape, inner, focus, path, pairs, candidates)
                if query is not None:
                    add(query, "qualified", value="none",
                        min=self.integer(shape, "qualifiedMinCount"),
                        max=self.integer(shape, "qualifiedMaxCount"),
                        components=[SH + "QualifiedMinCountConstraintComponent",
                                    SH + "QualifiedMaxCountConstraintComponent"])
        for constraint in self.values(shape, "sparql"):
            checks.extend(self.sparql_check(base, shape, constraint, focus, path))
        for child in self.values(shape, "property"):
            if path is None:
                child_focus = real_focus
            else:
                parent = self.fresh("p")
                child_focus = (f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS {parent}) "
                               f"WHERE {{ {real_focus} }} }} {parent} {path} ?this }} }}")
            checks.extend(self.shape_checks(child, child_focus))
        return checks

    def count_checks(self, shape: Any, focus: str, path: str) -> list[dict]:
        low, high = self.integer(shape, "minCount"), self.integer(shape, "maxCount")
        checks = []
        if low is not None and low > 0:
            if low == 1:
                check = {"query": f"SELECT ?this WHERE {{ {focus} {ANTI} {{ ?this {path} ?v }} }}",
                         "node_test": f"NOT EXISTS {{ ?this {path} ?v }}"}
            else:
                check = {"query": f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} "
                                  f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {low})"}
            checks.append({**check, "mode": "fixed", "value": "none",
                           "components": [SH + "MinCountConstraintComponent"]})
        if high == 0:
            check = {"query": f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v }}",
                     "node_test": f"EXISTS {{ ?this {path} ?v }}"}
        elif high == 1:  # a join costs less than grouping every focus node's values
            two = f"?this {path} ?v . ?this {path} ?w FILTER (!sameTerm(?v, ?w))"
            check = {"query": f"SELECT DISTINCT ?this WHERE {{ {focus} {two} }}",
                     "node_test": f"EXISTS {{ {two} }}"}
        elif high is not None:
            check = {"query": f"SELECT ?this WHERE {{ {focus} ?this {path} ?v }} "
                              f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {high})"}
        if high is not None:
            checks.append({**check, "mode": "fixed", "value": "none",
                           "components": [SH + "MaxCountConstraintComponent"]})
        return checks

    def qualified_query(self, shape: Any, inner: Any, focus: str, path: str, pairs: str,
                        candidates: str) -> str | None:
        low = self.integer(shape, "qualifiedMinCount")
        high = self.integer(shape, "qualifiedMaxCount")
        if low is None and high is None:
            raise Unsupported("a qualified value shape without a count")
        conforming = [pairs]
        fail = self.fail(inner, "?value", candidates)
        if fail is not None:
            conforming.append(f"MINUS {{ {fail} }}")
        if self.true(shape, "qualifiedValueShapesDisjoint"):
            for sibling in self.siblings(shape, inner):
                sibling_fail = self.fail(sibling, "?value", candidates)
                if sibling_fail is None:  # every value conforms to the sibling: none counts
                    conforming.append("FILTER (false)")
                else:
                    conforming.append(sibling_fail)
        tests = []
        if low is not None:
            tests.append(f"?n < {low}")
        if high is not None:
            tests.append(f"?n > {high}")
        return (f"SELECT ?this ?n WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?ok) AS ?n) WHERE "
                f"{{ {focus} OPTIONAL {{ {{ SELECT ?this (?value AS ?ok) WHERE "
                f"{{ {' '.join(conforming)} }} }} }} }} GROUP BY ?this }} "
                f"FILTER ({' || '.join(tests)}) }}")

    def siblings(self, shape: Any, inner: Any) -> list:
        found = set()
        for parent in self.g.subjects(self.sh("property"), shape):
            for other in self.g.objects(parent, self.sh("property")):
                found.update(self.g.objects(other, self.sh("qualifiedValueShape")))
        found.discard(inner)
        return sorted(found, key=self.ident)

    def sparql_check(self, base: dict, shape: Any, constraint: Any, focus: str,
                     path: str | None) -> list[dict]:
        if self.deactivated(constraint):
            return []
        select = self.values(constraint, "select")
        if len(select) != 1:
            raise Unsupported("a SPARQL constraint needs exactly one sh:select")
        if FOCUS in str(select[0]) or ANTI in str(select[0]):
            raise Unsupported(f"the query contains {FOCUS} or {ANTI}, which the compiler uses")
        iri = None if isinstance(shape, self.BNode) else str(shape)
        rewritten = rewrite_constraint(str(select[0]), self.prefixes(constraint), focus,
                                       path=path, shape=iri)
        return [{**base, "query": rewritten.query, "mode": "sparql",
                 "components": [SH + "SPARQLConstraintComponent"],
                 "projected": rewritten.projected, "node_shape": path is None,
                 "constraint": self.ident(constraint),
                 "constraint_messages": self.messages(constraint)}]

    # -- value tests and nested shapes -------------------------------------------------------

    def value_tests(self, shape: Any) -> list[tuple[str, Callable[[str], str]]]:
        """Return (component, test) for the value-by-value constraints; test(v) is true when
        the value passes (it may raise an error, which counts as failing)."""
        tests: list[tuple[str, Callable[[str], str]]] = []
        datatype = self.one(shape, "datatype")
        if datatype is not None:
            tests.append((SH + "DatatypeConstraintComponent", self.datatype_test(datatype)))
        kind = self.one(shape, "nodeKind")
        if kind is not None:
            template = _NODE_KINDS.get(str(kind).replace(SH, ""))
            if template is None:
                raise Unsupported(f"sh:nodeKind {kind}")
            tests.append((SH + "NodeKindConstraintComponent",
                          lambda v, t=template: t.format(v=v)))
        for name, op in _RANGE.items():
            for bound in self.values(shape, name):
                component = SH + name[0].upper() + name[1:] + "ConstraintComponent"
                tests.append((component, self.range_test(op, bound)))
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            for bound in self.values(shape, name):
                component = SH + name[0].upper() + name[1:] + "ConstraintComponent"
                tests.append((component, lambda v, op=op, n=int(bound):
                              f"(!isBlank({v}) && STRLEN(STR({v})) {op} {n})"))
        patterns = self.values(shape, "pattern")
        if patterns:
            flags = self.one(shape, "flags")
            for pattern in patterns:
                arguments = _string(str(pattern)) + (f", {_string(str(flags))}" if flags else "")
                tests.append((SH + "PatternConstraintComponent",
                              lambda v, a=arguments: f"(!isBlank({v}) && REGEX(STR({v}), {a}))"))
        for languages in self.values(shape, "languageIn"):
            tests.append((SH + "LanguageInConstraintComponent",
                          self.language_test([str(x).lower() for x in self.items(languages)])))
        for members in self.values(shape, "in"):
            terms = [self.term(x) for x in self.items(members)]
            tests.append((SH + "InConstraintComponent", lambda v, t=terms: "(" + (
                " || ".join(f"sameTerm({v}, {x})" for x in t) or "false") + ")"))
        return tests

    def datatype_test(self, datatype: Any) -> Callable[[str], str]:
        iri = str(datatype)
        if iri == RDF + "langString":
            return lambda v: f"(isLiteral({v}) && LANG({v}) != \"\")"
        if iri == XSD + "string":
            return lambda v: f"(isLiteral({v}) && LANG({v}) = \"\" && DATATYPE({v}) = <{iri}>)"
        if iri == RDFS + "Literal":
            return lambda v: f"isLiteral({v})"
        if iri in CHECKED_DATATYPES:
            return lambda v: (f"(isLiteral({v}) && DATATYPE({v}) = <{iri}> "
                              f"&& isLiteral(<{iri}>({v})))")
        return lambda v: f"(isLiteral({v}) && DATATYPE({v}) = <{iri}>)"

    def range_test(self, op: str, bound: Any) -> Callable[[str], str]:
        if not isinstance(bound, self.Literal):
            raise Unsupported("a range bound that is not a literal")
        text = bound.n3()
        # pySHACL never compares a string with a non-string: such a value fails.
        if isinstance(bound.value, str):
            return lambda v: (f"(isLiteral({v}) && (DATATYPE({v}) = <{XSD}string> || "
                              f"LANG({v}) != \"\") && {v} {op} {text})")
        return lambda v: f"(isLiteral({v}) && {v} {op} {text})"

    def language_test(self, languages: list[str]) -> Callable[[str], str]:
        if "*" in languages:
            return lambda v: f"(isLiteral({v}) && LANG({v}) != \"\")"
        listed = ", ".join(_string(x) for x in languages) or '""'
        return lambda v: (f"(isLiteral({v}) && LANG({v}) != \"\" && (LCASE(LANG({v})) IN ({listed}) "
                          f"|| LCASE(STRBEFORE(CONCAT(LANG({v}), \"-\"), \"-\")) IN ({listed})))")

    def logic_fail(self, name: str, argument: Any, var: str, candidates: str) -> str | None:
        """Return a subquery binding var to the candidates that fail the logical constraint."""
        if name in ("not", "node"):
            inner = self.fail(argument, var, candidates)
            if name == "node":
                return inner
            if inner is None:  # every candidate conforms to the negated shape: all fail
                return candidates
            return f"{{ SELECT DISTINCT {var} WHERE {{ {candidates} MINUS {{ {inner} }} }} }}"
        members = [self.fail(m, var, candidates) for m in self.items(argument)]
        if name == "or":
            if not members or any(m is None for m in members):
                return None if members else candidates
            return f"{{ SELECT DISTINCT {var} WHERE {{ {' '.join(members)} }} }}"
        if name == "and":
            failing = [m for m in members if m is not None]
            if not failing:
                return None
            return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(failing)} }} }}"
        passes, options = [], []
        for member in members:
            if member is None:
                passes.append("1")
                continue
            flag = self.fresh("x")
            options.append(f"OPTIONAL {{ {member} BIND (1 AS {flag}) }}")
            passes.append(f"IF(BOUND({flag}), 0, 1)")
        total = " + ".join(passes) or "0"
        return (f"{{ SELECT DISTINCT {var} WHERE {{ {candidates} {' '.join(options)} "
                f"FILTER (({total}) != 1) }} }}")

    def logic_holds(self, name: str, argument: Any, var: str) -> str | None:
        """Return an expression true when var passes the logical constraint, or None."""
        if name in ("not", "node"):
            inner = self.conforms(argument, var)
            return None if inner is None else inner if name == "node" else f"!({inner})"
        members = [self.conforms(member, var) for member in self.items(argument)]
        if any(member is None for member in members):
            return None
        if name == "and":
            return " && ".join(f"({m})" for m in members) or "true"
        if name == "or":
            return " || ".join(f"({m})" for m in members) or "false"
        return "(" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1" if members \
            else "false"

    def conforms(self, shape: Any, var: str) -> str | None:
        """Return an expression true when var conforms to a nested shape, without errors, or
        None when the shape uses what such an expression does not say (then the check that
        needs it examines every focus node)."""
        if self.deactivated(shape):
            return "true"
        self.known_only(shape)
        if self.values(shape, "sparql") or self.values(shape, "qualifiedValueShape") or \
                self.true(shape, "uniqueLang"):
            return None
        path_node = self.one(shape, "path")
        value = var if path_node is None else self.fresh("c")
        per_value = [f"COALESCE({ok(value)}, false)" for _, ok in self.value_tests(shape)]
        per_value += [f"EXISTS {{ {value} {_CLASS_PATH} {self.term(c)} }}"
                      for c in self.values(shape, "class")]
        for name in ("or", "and", "xone", "not", "node"):
            for argument in self.values(shape, name):
                per_value.append(self.logic_holds(name, argument, value))
        per_value += [self.conforms(child, value) for child in self.values(shape, "property")]
        if any(part is None for part in per_value):
            return None
        if path_node is None:
            if self.values(shape, "minCount") or self.values(shape, "maxCount"):
                return None
            parts = per_value + [f"sameTerm({var}, {self.term(v)})"
                                 for v in self.values(shape, "hasValue")]
            return " && ".join(f"({p})" for p in parts) or "true"
        path = self.path(path_node)
        parts = []
        if per_value:
            parts.append(f"NOT EXISTS {{ {var} {path} {value} FILTER (!("
                         + " && ".join(f"({p})" for p in per_value) + ")) }")
        low, high = self.integer(shape, "minCount"), self.integer(shape, "maxCount")
        one, two = self.fresh("c"), self.fresh("c")
        if low is not None and low > 1 or high is not None and high > 1:
            return None
        if low == 1:
            parts.append(f"EXISTS {{ {var} {path} {one} }}")
        if high == 0:
            parts.append(f"NOT EXISTS {{ {var} {path} {one} }}")
        elif high == 1:
            parts.append(f"NOT EXISTS {{ {var} {path} {one} . {var} {path} {two} "
                         f"FILTER (!sameTerm({one}, {two})) }}")
        parts += [f"EXISTS {{ {var} {path} {self.term(v)} }}"
                  for v in self.values(shape, "hasValue")]
        return " && ".join(f"({p})" for p in parts) or "true"

    def fail(self, shape: Any, var: str, candidates: str) -> str | None:
        """Return a subquery binding var to the candidates that do not conform to a nested
        shape, or None when none can fail. candidates binds var, each node once."""
        if self.deactivated(shape):
            return None
        self.known_only(shape)
        if self.values(shape, "sparql"):
            raise Unsupported("a SPARQL constraint in a nested shape")
        path_node = self.one(shape, "path")
        parts = []
        if path_node is not None:
            path = self.path(path_node)
            value = self.fresh("v")
            values = f"{candidates} {var} {path} {value} ."
            value_candidates = f"{{ SELECT DISTINCT {value} WHERE {{ {values} }} }}"
        else:
            path, value, values, value_candidates = None, var, candidates, candidates
        tests = [test for _, test in self.value_tests(shape)]
        if tests:
            passing = " && ".join(f"COALESCE({test(value)}, false)" for test in tests)
            parts.append(f"{{ {values} FILTER (!({passing})) }}")
        for cls in self.values(shape, "class"):
            parts.append(f"{{ {values} MINUS {{ {value} {_CLASS_PATH} {self.term(cls)} }} }}")
        if path is not None:
            other = self.fresh("c")
            low, high = self.integer(shape, "minCount"), self.integer(shape, "maxCount")
            if low is not None and low == 1:
                parts.append(f"{{ {candidates} MINUS {{ {var} {path} {other} }} }}")
            elif low is not None and low > 1:
                parts.append(f"{{ SELECT {var} WHERE {{ {candidates} OPTIONAL {{ {var} {path} "
                             f"{other} }} }} GROUP BY {var} HAVING (COUNT(DISTINCT {other}) < {low}) }}")
            if high is not None:
                parts.append(f"{{ SELECT {var} WHERE {{ {candidates} {var} {path} {other} }} "
                             f"GROUP BY {var} HAVING (COUNT(DISTINCT {other}) > {high}) }}")
            for has in self.values(shape, "hasValue"):
                parts.append(f"{{ {candidates} MINUS {{ {var} {path} {self.term(has)} }} }}")
            if self.true(shape, "uniqueLang"):
                lang = self.fresh("l")
                parts.append(f"{{ SELECT {var} WHERE {{ {candidates} {var} {path} {other} "
                             f"FILTER (isLiteral({other}) && LANG({other}) != \"\") "
                             f"BIND (LCASE(LANG({other})) AS {lang}) }} GROUP BY {var} {lang} "
                             f"HAVING (COUNT(DISTINCT {other}) > 1) }}")
            for inner in self.values(shape, "qualifiedValueShape"):
                parts.append(self.qualified_fail(shape, inner, var, candidates, path))
        else:
            for has in self.values(shape, "hasValue"):
                parts.append(f"{{ {candidates} FILTER (!sameTerm({var}, {self.term(has)})) }}")
            if self.values(shape, "qualifiedValueShape"):
                raise Unsupported("a qualified value shape on a node shape")
        for name in ("or", "and", "xone", "not", "node"):
            for argument in self.values(shape, name):
                failing = self.logic_fail(name, argument, value, value_candidates)
                if failing is not None:
                    parts.append(f"{{ {values} {failing} }}")
        for child in self.values(shape, "property"):
            failing = self.fail(child, value, value_candidates)
            if failing is not None:
                parts.append(f"{{ {values} {failing} }}")
        if not parts:
            return None
        return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(parts)} }} }}"

    def qualified_fail(self, shape: Any, inner: Any, var: str, candidates: str, path: str) -> str:
        low = self.integer(shape, "qualifiedMinCount")
        high = self.integer(shape, "qualifiedMaxCount")
        if self.true(shape, "qualifiedValueShapesDisjoint"):
            raise Unsupported("disjoint qualified value shapes in a nested shape")
        value = self.fresh("q")
        value_candidates = f"{{ SELECT DISTINCT {value} WHERE {{ {candidates} {var} {path} {value} }} }}"
        conforming = [f"{var} {path} {value} ."]
        fail = self.fail(inner, value, value_candidates)
        if fail is not None:
            conforming.append(f"MINUS {{ {fail} }}")
        count = self.fresh("n")
        tests = ([f"{count} < {low}"] if low is not None else []) + (
            [f"{count} > {high}"] if high is not None else [])
        if not tests:
            raise Unsupported("a qualified value shape without a count")
        return (f"{{ SELECT {var} WHERE {{ {{ SELECT {var} (COUNT(DISTINCT {value}) AS {count}) "
                f"WHERE {{ {candidates} OPTIONAL {{ {' '.join(conforming)} }} }} GROUP BY {var} }} "
                f"FILTER ({' || '.join(tests)}) }} }}")

    # -- small readers -----------------------------------------------------------------------

    def known_only(self, shape: Any) -> None:
        for predicate in sorted(set(self.g.predicates(shape, None))):
            text = str(predicate)
            if text.startswith(SH) and text not in _KNOWN:
                raise Unsupported(f"sh:{text[len(SH):]} is not compiled")

    def integer(self, shape: Any, name: str) -> int | None:
        value = self.one(shape, name)
        if value is None:
            return None
        if not isinstance(value, self.Literal) or not isinstance(value.value, int):
            raise Unsupported(f"sh:{name} is not an integer")
        return int(value.value)

    def true(self, shape: Any, name: str) -> bool:
        return any(isinstance(v, self.Literal) and v.value is True for v in self.values(shape, name))

    def messages(self, node: Any) -> list[list[str | None]]:
        out = []
        for message in self.values(node, "message"):
            datatype = str(message.datatype) if getattr(message, "datatype", None) else None
            out.append([str(message), getattr(message, "language", None), datatype])
        return out

    def closure_ntriples(self, shape: Any) -> str:
        """Return the triples a shape needs to be validated on its own, as N-Triples."""
        from rdflib import Graph

        out, seen, todo = Graph(), set(), [shape]
        onts = set(self.g.subjects(self.URIRef(RDF + "type"), self.URIRef(OWL + "Ontology")))
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for _, predicate, obj in self.g.triples((node, None, None)):
                out.add((node, predicate, obj))
                if isinstance(obj, self.BNode) or obj in onts or (
                        isinstance(obj, self.URIRef) and str(predicate).startswith(SH)
                        and (obj, None, None) in self.g and str(predicate) != SH + "path"):
                    todo.append(obj)
        return out.serialize(format="nt", encoding="utf-8").decode()


def _string(text: str) -> str:
    """Return text as a SPARQL string literal."""
    return json.dumps(text, ensure_ascii=False)
