"""Look up units and people by name in a store (a workspace), so a workbook may name them instead of giving IRIs."""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Any

_UNITS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?unit ?name WHERE {
  GRAPH ?g {
    VALUES ?type { org:Organization org:FormalOrganization org:OrganizationalUnit fo:Scope }
    ?unit a ?type .
    OPTIONAL { VALUES ?label { skos:prefLabel skos:altLabel rdfs:label foaf:name }
               ?unit ?label ?name }
  }
}
"""

_ROLES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?role ?name WHERE {
  GRAPH ?g { ?role a org:Role . VALUES ?label { skos:prefLabel rdfs:label } ?role ?label ?name }
}
ORDER BY ?role ?label ?name
"""

_PEOPLE = """
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?person ?name WHERE { GRAPH ?g { ?person foaf:name ?name } }
ORDER BY ?person ?name
"""


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


class Directory:
    """The names of the units and the people of a store, each with the IRIs it stands for."""

    def __init__(self, store: Any) -> None:
        self._units: dict[str, set[str]] = defaultdict(set)
        self._unit_names: dict[str, str] = {}
        iris = set()
        for row in store.query(_UNITS):
            iris.add(row["unit"].value)
            if row["name"] is not None:
                name = row["name"].value
                self._units[_normal(name)].add(row["unit"].value)
                self._unit_names.setdefault(_normal(name), name)
        self.unit_iris = frozenset(iris)  # every unit, with a name or without
        self._people: dict[str, dict[str, str]] = defaultdict(dict)
        for row in store.query(_PEOPLE):
            self._people[_normal(row["name"].value)].setdefault(row["person"].value,
                                                                row["name"].value)
        self._roles: dict[str, dict[str, Any]] = defaultdict(dict)
        for row in store.query(_ROLES):
            self._roles[_normal(row["name"].value)].setdefault(row["role"].value, row["name"])

    def units(self, name: str) -> list[str]:
        """Return the IRIs of the units (organisations, org units, scopes) that have this name."""
        return sorted(self._units.get(_normal(name), ()))

    def close_units(self, name: str) -> list[str]:
        """Return up to three unit names that look like the given one."""
        return [self._unit_names[m] for m in
                difflib.get_close_matches(_normal(name), self._unit_names, n=3, cutoff=0.75)]

    def people(self, name: str) -> list[tuple[str, str]]:
        """Return the IRI and the name as stored of each person whose foaf:name is this name."""
        return sorted(self._people.get(_normal(name), {}).items())

    def roles(self, name: str) -> list[tuple[str, Any]]:
        """Return the IRI and the label (the literal as stored) of each org:Role with this name."""
        return sorted(self._roles.get(_normal(name), {}).items(), key=lambda item: item[0])
