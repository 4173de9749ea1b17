"""An org chart (unit,parent,name) and memberships (person,unit,role[,name]) from CSV into W3C ORG.

IRIs follow the Acme example under a base such as https://example.org/acme/: a unit key K is
<base>unit/K, a person <base>person/<slug>, a role named "FinOps Lead" <base>def#FinOpsLead, and
a membership <base>membership/<person> (or <base>membership/<person>/<unit>-<role> for someone
on several rows). A cell holding an IRI is used as it is. Units, people and roles already in the
workspace are found by IRI, key or name, so a membership file may name the units of an earlier
org chart. Every problem names the file, the line and the field; when there is one, nothing is
returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from pyoxigraph import Literal, NamedNode

from finops_kg.assess.cells import read_csv_rows
from finops_kg.assess.directory import Directory
from finops_kg.assess.iris import is_iri, slug, valid_iri
from finops_kg.errors import InputError
from finops_kg.graph.iris import PREFIXES

UNIT_HEADER = ("unit", "parent", "name")
MEMBER_HEADER = ("person", "unit", "role")
_ORG, _SKOS, _FOAF = PREFIXES["org"], PREFIXES["skos"], "http://xmlns.com/foaf/0.1/"
_TYPE = PREFIXES["rdf"] + "type"


class OrgError(InputError):
    """Org CSVs with bad rows: every problem, one per line; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        if len(problems) == 1:  # one line, as every other bad input is reported
            super().__init__(f"{problems[0]}; nothing was loaded")
            return
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__("\n".join([f"org CSV: {count}; nothing was loaded:", *problems]))


@dataclass(frozen=True)
class _Row:
    path: Path
    line: int
    fields: dict[str, str]

    def where(self, field: str | None = None) -> str:
        return f"{self.path}:{self.line}" + (f": {field}" if field else "")


def is_org_csv(path: Path) -> bool:
    """Return whether a CSV file's header is that of an org chart or of memberships."""
    try:
        rows = read_csv_rows(path)
    except InputError:
        return False
    header = tuple(h.strip().casefold() for h in rows[0]) if rows else ()
    return header == UNIT_HEADER or header[:3] == MEMBER_HEADER


def org_ntriples(paths: Sequence[Path], base: str | None = None,
                 directory: Directory | None = None) -> dict[Path, bytes]:
    """Return each CSV file's triples as sorted N-Triples, or raise OrgError listing every bad row.

    Org charts are read before membership files, whatever the order given, so that a membership
    may name a unit of a chart loaded in the same call.
    """
    problems: list[str] = []
    charts: dict[Path, list[_Row]] = {}
    members: dict[Path, list[_Row]] = {}
    for path in paths:
        rows = read_csv_rows(path)
        header = tuple(h.strip().casefold() for h in rows[0]) if rows else ()
        if header == UNIT_HEADER:
            charts[path] = _rows(path, rows, UNIT_HEADER, problems)
        elif header in (MEMBER_HEADER, MEMBER_HEADER + ("name",)):
            members[path] = _rows(path, rows, header, problems)
        else:
            problems.append(f"{path}:1: the header must be unit,parent,name (an org chart) or "
                            f"person,unit,role[,name] (memberships), not \"{','.join(rows[0]) if rows else ''}\"")
    if base is not None:
        if not valid_iri(base):
            raise InputError(f"--base \"{base}\": not an IRI; give a namespace such as "
                             "https://example.org/acme/")
        base = base if base.endswith(("/", "#")) else base + "/"
    builder = _Builder(base, directory, problems)
    output = {path: builder.chart(rows) for path, rows in charts.items()}
    output.update({path: builder.memberships(rows) for path, rows in members.items()})
    if problems:
        raise OrgError(sorted(problems, key=_position))
    return {path: output[path] for path in paths}


def _position(problem: str) -> tuple[str, int]:
    """Return a problem's file and line, so that problems read in the files' order."""
    match = re.match(r"(.*?):(\d+):", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)


def _rows(path: Path, rows: list[list[str]], header: tuple[str, ...],
          problems: list[str]) -> list[_Row]:
    found = []
    for line, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(f"{path}:{line}: {len(values)} fields, expected {len(header)} "
                            f"({','.join(header)})")
            continue
        found.append(_Row(path, line, {h: v.strip() for h, v in zip(header, values)}))
    return found


class _Builder:
    def __init__(self, base: str | None, directory: Directory | None, problems: list[str]) -> None:
        self.base = base
        self.directory = directory
        self.problems = problems
        self.units: dict[str, str] = {}  # key or IRI as written -> IRI, for this call's charts
        self.unit_names: dict[str, set[str]] = {}

    def minted(self, row: _Row, field: str, path: str) -> str | None:
        if self.base is None:
            self.problems.append(f"{row.where(field)}: \"{row.fields[field]}\" is not an IRI; give "
                                 "--base, the namespace under which to name it")
            return None
        return self.base + path

    def key(self, value: str) -> str:
        return value if is_iri(value) else value.casefold()

    def identifier(self, row: _Row, field: str, kind: str) -> str | None:
        value = row.fields[field]
        if is_iri(value):
            if not valid_iri(value):
                self.problems.append(f"{row.where(field)}: \"{value}\" is not a valid IRI")
                return None
            return value
        return self.minted(row, field, f"{kind}/{slug(value)}")

    def chart(self, rows: list[_Row]) -> bytes:
        triples: list[tuple] = []
        seen: dict[str, int] = {}
        parents: dict[str, tuple[_Row, str]] = {}
        for row in rows:
            if not row.fields["unit"]:
                self.problems.append(f"{row.where('unit')}: empty; give the unit's key or IRI")
                continue
            if not row.fields["name"]:
                self.problems.append(f"{row.where('name')}: empty; give the unit's name")
            iri = self.identifier(row, "unit", "unit")
            if iri is None:
                continue
            if iri in seen:
                self.problems.append(f"{row.where('unit')}: \"{row.fields['unit']}\" is already on "
                                     f"line {seen[iri]}")
                continue
            seen[iri] = row.line
            self.units[self.key(row.fields["unit"])] = iri
            self.unit_names.setdefault(" ".join(row.fields["name"].split()).casefold(), set()).add(iri)
            triples.append((NamedNode(iri), NamedNode(_TYPE), NamedNode(_ORG + "OrganizationalUnit")))
            if row.fields["name"]:
                triples.append((NamedNode(iri), NamedNode(_SKOS + "prefLabel"),
                                Literal(row.fields["name"])))
            if row.fields["parent"]:
                parents[iri] = (row, row.fields["parent"])
        for iri, (row, parent) in parents.items():
            found = self.unit(row, "parent", parent)
            if found is None:
                continue
            if found == iri:
                self.problems.append(f"{row.where('parent')}: a unit cannot be its own parent")
                continue
            triples.append((NamedNode(iri), NamedNode(_ORG + "subOrganizationOf"), NamedNode(found)))
        self.cycles(parents)
        return _ntriples(triples)

    def cycles(self, parents: dict[str, tuple[_Row, str]]) -> None:
        links = {iri: self.units.get(self.key(parent)) for iri, (_, parent) in parents.items()}
        for start, (row, _) in parents.items():
            node, visited = links.get(start), {start}
            while node is not None and node not in visited:
                visited.add(node)
                node = links.get(node)
            if node == start and links.get(start) != start:
                self.problems.append(f"{row.where('parent')}: the parents go round in a circle "
                                     f"back to \"{row.fields['unit']}\"")

    def unit(self, row: _Row, field: str, value: str) -> str | None:
        """Return the IRI of a unit named by key, IRI or name, here or in the workspace."""
        if self.key(value) in self.units:
            return self.units[self.key(value)]
        known = self.directory.unit_iris if self.directory else frozenset()
        if is_iri(value) and value in known:
            return value
        if not is_iri(value) and self.base is not None and f"{self.base}unit/{slug(value)}" in known:
            return f"{self.base}unit/{slug(value)}"
        by_name = set(self.unit_names.get(" ".join(value.split()).casefold(), set()))
        if self.directory is not None:
            by_name |= set(self.directory.units(value))
        if len(by_name) == 1:
            return by_name.pop()
        if by_name:
            self.problems.append(f"{row.where(field)}: the name \"{value}\" is shared by "
                                 f"{len(by_name)} units; give the key or IRI of the one meant")
        else:
            self.problems.append(f"{row.where(field)}: unknown unit \"{value}\": it is neither in an "
                                 "org chart of this import nor in the workspace")
        return None

    def memberships(self, rows: list[_Row]) -> bytes:
        triples: list[tuple] = []
        count: dict[str, int] = {}
        for row in rows:
            count[self.key(row.fields["person"])] = count.get(self.key(row.fields["person"]), 0) + 1
        for row in rows:
            empty = [f for f in MEMBER_HEADER if not row.fields[f]]
            for field in empty:
                self.problems.append(f"{row.where(field)}: empty")
            if empty:
                continue
            named = row.fields.get("name") or (None if is_iri(row.fields["person"])
                                               else row.fields["person"])
            person = self.identifier(row, "person", "person")
            unit = self.unit(row, "unit", row.fields["unit"])
            role = self.role(row)
            if person is None or unit is None or role is None:
                continue
            key = slug(row.fields["person"]) if not is_iri(row.fields["person"]) else None
            if key is None:
                key = slug(person.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
            suffix = "" if count[self.key(row.fields["person"])] == 1 else \
                f"/{slug(unit.rstrip('/#').rsplit('/', 1)[-1])}-{slug(row.fields['role'])}"
            if self.base is None:
                self.problems.append(f"{row.where()}: give --base, the namespace under which to "
                                     "name the membership")
                continue
            membership = f"{self.base}membership/{key}{suffix}"
            p, m = NamedNode(person), NamedNode(membership)
            triples += [(p, NamedNode(_TYPE), NamedNode(_FOAF + "Person")),
                        (m, NamedNode(_TYPE), NamedNode(_ORG + "Membership")),
                        (m, NamedNode(_ORG + "member"), p),
                        (m, NamedNode(_ORG + "organization"), NamedNode(unit)),
                        (m, NamedNode(_ORG + "role"), NamedNode(role[0]))]
            if named:
                triples.append((p, NamedNode(_FOAF + "name"), Literal(named)))
            if role[1] is not None:
                triples += [(NamedNode(role[0]), NamedNode(_TYPE), NamedNode(_ORG + "Role")),
                            (NamedNode(role[0]), NamedNode(_SKOS + "prefLabel"), role[1])]
        return _ntriples(triples)

    def role(self, row: _Row) -> tuple[str, Any] | None:
        """Return a role's IRI and, for a role given by name, the label to state with it.

        A role the workspace knows keeps its own label (the same literal), so that loading the
        file again, after its first load added the role, states the same triples.
        """
        value = row.fields["role"]
        if is_iri(value):
            if valid_iri(value):
                return value, None
            self.problems.append(f"{row.where('role')}: \"{value}\" is not a valid IRI")
            return None
        found = self.directory.roles(value) if self.directory else []
        if len(found) == 1:
            return found[0]
        if found:
            self.problems.append(f"{row.where('role')}: the name \"{value}\" is shared by "
                                 f"{len(found)} roles; give the IRI of the one meant")
            return None
        camel = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", value) if w)
        iri = self.minted(row, "role", f"def#{camel or slug(value)}")
        return (iri, Literal(value)) if iri else None


def _ntriples(triples: list[tuple]) -> bytes:
    return "".join(sorted({f"{s} {p} {o} .\n" for s, p, o in triples})).encode("utf-8")
