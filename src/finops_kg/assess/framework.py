"""The Framework terms a workbook uses, read from the compiled dataset: capabilities, lenses, levels."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph

from finops_kg.assess.layout import LENS_KEYS, lens_iri
from finops_kg.graph.iris import edition_iri
from finops_kg.graph.resources import check_edition
from finops_kg.release.compiled import open_dataset


@dataclass(frozen=True)
class Capability:
    """One capability of an edition, with what the Framework sheet shows of it."""

    iri: str
    name: str
    domain: str
    definition: str
    source: str
    alt_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lens:
    """One assessment lens with its definition and the names of its steps for scores 0 to 4."""

    key: str
    iri: str
    name: str
    definition: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Terms:
    """What a workbook of one edition may name: its capabilities, the lenses and the levels."""

    edition: str
    capabilities: tuple[Capability, ...]  # by domain name, then capability name
    lenses: tuple[Lens, ...]  # in the Foundation's order
    levels: tuple[tuple[str, str], ...]  # (name, IRI) of each maturity level, by rank

    def find_capability(self, name: str) -> Capability | None:
        """Return the capability named so (its name or an alternative name, any case), or None."""
        key = _normal(name)
        for capability in self.capabilities:
            if key in {_normal(n) for n in (capability.name, *capability.alt_names)}:
                return capability
        return None

    def close_capabilities(self, name: str) -> list[str]:
        """Return up to three capability names that look like the given one."""
        names = {_normal(c.name): c.name for c in self.capabilities}
        return [names[m] for m in difflib.get_close_matches(_normal(name), names, n=3, cutoff=0.75)]

    def find_level(self, name: str) -> str | None:
        """Return the IRI of the maturity level named so (any case), or None."""
        return next((iri for label, iri in self.levels if _normal(label) == _normal(name)), None)

    def level_name(self, iri: str) -> str:
        """Return the name of a maturity level from its IRI."""
        return next(label for label, level in self.levels if level == iri)


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


_CAPABILITIES = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?edition ?capability ?name ?domainName ?definition ?source
       (GROUP_CONCAT(DISTINCT STR(?alt); SEPARATOR="\\u001f") AS ?alts)
WHERE {
  GRAPH ?edition {
    ?capability a fo:Capability ; fo:inDomain ?domain ; skos:prefLabel ?name .
    ?domain skos:prefLabel ?domainName .
    OPTIONAL { ?capability skos:definition ?definition }
    OPTIONAL { ?capability dcterms:source ?source }
    OPTIONAL { ?capability skos:altLabel ?alt }
  }
}
GROUP BY ?edition ?capability ?name ?domainName ?definition ?source
"""

# The lenses are the method's, not an edition's: they are read from whichever graph has them.
_LENS_STEPS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?lens ?lensName ?definition ?score ?stepName
WHERE {
  GRAPH ?g {
    ?lens a fo:AssessmentLens ; skos:prefLabel ?lensName .
    OPTIONAL { ?lens skos:definition ?definition }
    ?step a fo:LensScoreStep ; fo:lens ?lens ; fo:score ?score ; skos:prefLabel ?stepName .
  }
}
"""

_LEVELS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?level ?name ?rank
WHERE { GRAPH ?g { ?level a fo:MaturityLevel ; skos:prefLabel ?name ; fo:rank ?rank } }
"""


@lru_cache(maxsize=4)
def framework_terms(edition: str) -> Terms:
    """Return the capabilities of an edition, the five lenses and the maturity levels."""
    check_edition(edition)
    store = open_dataset()
    capabilities = []
    for row in store.query(_CAPABILITIES, substitutions={
            pyoxigraph.Variable("edition"): pyoxigraph.NamedNode(edition_iri(edition))}):
        alts = row["alts"].value if row["alts"] is not None else ""
        capabilities.append(Capability(
            iri=row["capability"].value, name=row["name"].value, domain=row["domainName"].value,
            definition=row["definition"].value if row["definition"] is not None else "",
            source=row["source"].value if row["source"] is not None else "",
            alt_names=tuple(sorted(a for a in alts.split("\x1f") if a))))
    capabilities.sort(key=lambda c: (c.domain, c.name, c.iri))
    return Terms(edition, tuple(capabilities), _lenses(store), _levels(store))


def _lenses(store: pyoxigraph.Store) -> tuple[Lens, ...]:
    found: dict[str, dict] = {}
    for row in store.query(_LENS_STEPS):
        lens = found.setdefault(row["lens"].value, {
            "name": row["lensName"].value, "steps": {},
            "definition": row["definition"].value if row["definition"] is not None else ""})
        lens["steps"][int(row["score"].value)] = row["stepName"].value
    lenses = []
    for key in LENS_KEYS:
        lens = found[lens_iri(key)]
        lenses.append(Lens(key, lens_iri(key), lens["name"], lens["definition"],
                           tuple(lens["steps"][score] for score in range(5))))
    return tuple(lenses)


def _levels(store: pyoxigraph.Store) -> tuple[tuple[str, str], ...]:
    rows = {(int(r["rank"].value), r["name"].value, r["level"].value) for r in store.query(_LEVELS)}
    return tuple((name, iri) for _, name, iri in sorted(rows))
