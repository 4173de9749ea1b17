"""A made-up enterprise for the scale benchmark: org chart, people, roles, persona mapping and assessments.

The company is generated from a seed, so the same seed and size always give the same bytes. It
follows the vocabulary of the Acme example (data/examples/acme) and of what `assess import`
writes (finops_kg.assess.rdf): W3C ORG units and memberships, FOAF people, org:Role roles in a
SKOS scheme, an SSSOM set mapping the Framework's personas to the roles, and fo:Assessment events
whose fo:CapabilityAssessment parts give five fo:LensScore values and a target score. Everything
is written as N-Triples, line by line, without rdflib, so that ten million triples take seconds.

The shape of the company:
- one org:FormalOrganization; divisions of about ten departments, departments of about ten teams;
  every unit is org:unitOf the company (which lists it with org:hasUnit), and each team and
  department org:subOrganizationOf the unit above it; a FinOps Office beside the divisions;
- 8 to 18 people per team (13 on average), three per department, seven per division and a FinOps
  Office of one lead and an analyst per 50 teams; each person holds one org:Membership;
- each team keeps a scope of four capabilities and, every quarter from 2023-Q1 to 2026-Q4, assesses
  one of them in turn (the continuous assessment the Framework's maturity guidance describes), so
  each capability is reassessed yearly; each division assesses six capabilities every quarter;
  a quarter of the teams weight the lenses, and a fifth of the capability assessments cite
  evidence. Scores start low and drift up, with the odd step back;
- the number of teams follows the size asked for: about 1,500 teams give a million triples.

Faults, when asked for, are seeded one per assessment, each of a kind that the shapes report with
exactly one result, so that validation must find exactly as many as were seeded.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

BASE = "https://example.org/enterprise/"
DEF = BASE + "def#"
ID = "https://w3id.org/finops-kg/id/"
FO = "https://w3id.org/finops-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS_DATE = "<http://purl.org/dc/terms/date>"
PROV_ASSOCIATED = "<http://www.w3.org/ns/prov#wasAssociatedWith>"

LENSES = ("knowledge", "process", "metrics", "adoption", "automation")
WEIGHT_PROFILES = ((30, 25, 20, 20, 5), (20, 20, 20, 20, 20), (25, 25, 20, 20, 10),
                   (35, 25, 20, 15, 5))
QUARTER_ENDS = tuple(datetime.date(year, month, day) for year in range(2023, 2027)
                     for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)))
TEAM_SCOPE = 4      # capabilities each team keeps in its assessment scope
DIVISION_SCOPE = 6  # capabilities each division assesses every quarter

# The 2026 edition's 22 capabilities (Onboarding Workloads left it after 2025); the foundational
# ones come first and are picked more often.
CAPABILITIES = (
    "allocation", "reporting-analytics", "usage-optimization", "rate-optimization",
    "anomaly-management", "data-ingestion", "budgeting", "forecasting", "planning-estimating",
    "unit-economics", "kpis-benchmarking", "finops-education-enablement",
    "finops-practice-operations", "governance-policy-risk", "invoicing-chargeback",
    "licensing-saas", "architecting-workload-placement", "automation-tools-services",
    "sustainability", "executive-strategy-alignment",
    "finops-assessment", "intersecting-disciplines")

# (key, label, where it is held, persona, SSSOM predicate); our own role catalogue.
ROLES = (
    ("SoftwareEngineer", "Software Engineer", "team", "engineering", "skos:narrowMatch"),
    ("SeniorSoftwareEngineer", "Senior Software Engineer", "team", "engineering",
     "skos:narrowMatch"),
    ("PlatformEngineer", "Platform Engineer", "team", "engineering", "skos:narrowMatch"),
    ("SiteReliabilityEngineer", "Site Reliability Engineer", "team", "engineering",
     "skos:narrowMatch"),
    ("DataEngineer", "Data Engineer", "team", "engineering", "skos:narrowMatch"),
    ("DataScientist", "Data Scientist", "team", "engineering", "skos:narrowMatch"),
    ("TestEngineer", "Test Engineer", "team", None, None),
    ("SecurityEngineer", "Security Engineer", "team", "security", "skos:relatedMatch"),
    ("EngineeringManager", "Engineering Manager", "lead", "engineering", "skos:narrowMatch"),
    ("ProductOwner", "Product Owner", "team", "product", "skos:narrowMatch"),
    ("HeadOfEngineering", "Head of Engineering", "department", "leadership", "skos:narrowMatch"),
    ("FinanceBusinessPartner", "Finance Business Partner", "department", "finance",
     "skos:narrowMatch"),
    ("CloudCostAnalyst", "Cloud Cost Analyst", "department", "finops-practitioner",
     "skos:narrowMatch"),
    ("DivisionDirector", "Division Director", "division", "leadership", "skos:narrowMatch"),
    ("DivisionalController", "Divisional Controller", "division", "finance", "skos:narrowMatch"),
    ("VendorManager", "Vendor Manager", "division", "procurement", "skos:narrowMatch"),
    ("SoftwareAssetManager", "Software Asset Manager", "division", "itam", "skos:narrowMatch"),
    ("ITFinancialManager", "IT Financial Manager", "division", "itfm", "skos:narrowMatch"),
    ("ServiceManager", "Service Manager", "division", "itsm-itil", "skos:narrowMatch"),
    ("SustainabilityLead", "Sustainability Lead", "division", "sustainability",
     "skos:narrowMatch"),
    ("FinOpsLead", "FinOps Lead", "office", "finops-practitioner", "skos:narrowMatch"),
    ("FinOpsAnalyst", "FinOps Analyst", "office", "finops-practitioner", "skos:narrowMatch"),
)
TEAM_MIX = ("SoftwareEngineer", "SoftwareEngineer", "SoftwareEngineer", "SeniorSoftwareEngineer",
            "SeniorSoftwareEngineer", "PlatformEngineer", "SiteReliabilityEngineer",
            "DataEngineer", "DataScientist", "TestEngineer", "SecurityEngineer")

FIRST = ("Ada", "Bo", "Cai", "Dana", "Emil", "Farah", "Gil", "Hana", "Ivo", "Jana", "Kofi", "Lea",
         "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sami", "Tove", "Uma", "Vik", "Wren",
         "Xena", "Yuki", "Zeno", "Arlo", "Bea", "Cyd", "Dev")
LAST = ("Abara", "Brandt", "Castell", "Dorsey", "Ekwue", "Falk", "Grau", "Hollis", "Ilić",
        "Jensen", "Kaur", "Lindqvist", "Moreau", "Novak", "Oduya", "Petrov", "Quiroga", "Rossi",
        "Sato", "Tamm", "Ulloa", "Varga", "Weiss", "Xu", "Yilmaz", "Zorić")

# Each kind of fault, and what the shapes say about it (one result each).
FAULT_KINDS = ("score-out-of-range", "target-out-of-range", "weights-not-100",
               "missing-lens-score", "unknown-capability")


def iri(value: str) -> str:
    """Return an IRI as an N-Triples term."""
    return f"<{value}>"


def text(value: str, language: str | None = "en") -> str:
    """Return a string literal as an N-Triples term (our strings need no escapes but quotes)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    """Return a typed literal as an N-Triples term."""
    return f'"{value}"^^<{XSD}{datatype}>'


@dataclass
class Company:
    """The units and people of the company, enough to write every file."""

    teams: int
    departments: int
    divisions: int
    people: list[tuple[str, str, str, str]] = field(default_factory=list)  # iri, name, unit, role
    leads: dict[int, str] = field(default_factory=dict)       # team -> its lead's IRI
    analysts: list[str] = field(default_factory=list)          # the FinOps Office's assessors
    directors: dict[int, str] = field(default_factory=dict)   # division -> its director's IRI


def unit_iri(kind: str, index: int) -> str:
    """Return the IRI of a unit: kind is team, department or division."""
    return f"{BASE}unit/{kind}-{index:05d}"


ORGANIZATION = BASE + "org"
FINOPS_OFFICE = BASE + "unit/finops-office"


def shape(teams: int) -> Company:
    """Return the company's outline for a number of teams: ten teams a department, ten
    departments a division."""
    departments = max(1, -(-teams // 10))
    return Company(teams, departments, max(1, -(-departments // 10)))


def department_of(team: int) -> int:
    return team // 10


def division_of_department(department: int) -> int:
    return department // 10


def organization_lines(company: Company) -> Iterator[str]:
    """Yield the org chart as N-Triples lines."""
    org = iri(ORGANIZATION)
    yield f"{org} {RDF_TYPE} <{ORG}FormalOrganization> ."
    yield f"{org} <{SKOS}prefLabel> {text('Enterprise Holdings')} ."

    def unit(node: str, label: str, parent: str | None) -> Iterator[str]:
        yield f"{node} {RDF_TYPE} <{ORG}OrganizationalUnit> ."
        yield f"{node} <{SKOS}prefLabel> {text(label)} ."
        yield f"{node} <{ORG}unitOf> {org} ."
        yield f"{org} <{ORG}hasUnit> {node} ."
        if parent is not None:
            yield f"{node} <{ORG}subOrganizationOf> {parent} ."

    yield from unit(iri(FINOPS_OFFICE), "FinOps Office", None)
    for division in range(company.divisions):
        yield from unit(iri(unit_iri("division", division)), f"Division {division + 1}", None)
    for department in range(company.departments):
        yield from unit(iri(unit_iri("department", department)), f"Department {department + 1}",
                        iri(unit_iri("division", division_of_department(department))))
    for team in range(company.teams):
        yield from unit(iri(unit_iri("team", team)), f"Team {team + 1}",
                        iri(unit_iri("department", department_of(team))))


def staff(company: Company, rng: random.Random) -> None:
    """Fill the company's people: who holds which role in which unit."""
    count = 0

    def hire(unit: str, role: str) -> str:
        nonlocal count
        count += 1
        person = f"{BASE}person/p{count:07d}"
        company.people.append((person, f"{rng.choice(FIRST)} {rng.choice(LAST)}", unit, role))
        return person

    hire(FINOPS_OFFICE, "FinOpsLead")
    company.analysts = [hire(FINOPS_OFFICE, "FinOpsAnalyst")
                        for _ in range(max(1, company.teams // 50))]
    for division in range(company.divisions):
        unit = unit_iri("division", division)
        company.directors[division] = hire(unit, "DivisionDirector")
        for role in ("DivisionalController", "VendorManager", "SoftwareAssetManager",
                     "ITFinancialManager", "ServiceManager", "SustainabilityLead"):
            hire(unit, role)
    for department in range(company.departments):
        unit = unit_iri("department", department)
        for role in ("HeadOfEngineering", "FinanceBusinessPartner", "CloudCostAnalyst"):
            hire(unit, role)
    for team in range(company.teams):
        unit = unit_iri("team", team)
        company.leads[team] = hire(unit, "EngineeringManager")
        hire(unit, "ProductOwner")
        for _ in range(rng.randint(6, 16)):
            hire(unit, rng.choice(TEAM_MIX))


def people_lines(company: Company) -> Iterator[str]:
    """Yield the people and their memberships as N-Triples lines."""
    for person, name, unit, role in company.people:
        node = iri(person)
        membership = iri(person.replace("/person/", "/membership/"))
        yield f"{node} {RDF_TYPE} <{FOAF}Person> ."
        yield f"{node} <{FOAF}name> {text(name, None)} ."
        yield f"{membership} {RDF_TYPE} <{ORG}Membership> ."
        yield f"{membership} <{ORG}member> {node} ."
        yield f"{membership} <{ORG}organization> {iri(unit)} ."
        yield f"{membership} <{ORG}role> <{DEF}{role}> ."


def roles_lines() -> Iterator[str]:
    """Yield the role catalogue as N-Triples lines: org:Role and skos:Concept in one scheme."""
    scheme = f"<{DEF}Roles>"
    yield f"{scheme} {RDF_TYPE} <{SKOS}ConceptScheme> ."
    yield f"{scheme} <{SKOS}prefLabel> {text('Enterprise Holdings job roles')} ."
    for key, label, held, _, _ in ROLES:
        node = f"<{DEF}{key}>"
        yield f"{node} {RDF_TYPE} <{ORG}Role> ."
        yield f"{node} {RDF_TYPE} <{SKOS}Concept> ."
        yield f"{node} <{SKOS}prefLabel> {text(label)} ."
        yield f"{node} <{SKOS}definition> {text(f'A {label} role, held in a {held} unit.')} ."
        yield f"{node} <{SKOS}inScheme> {scheme} ."


def sssom_text() -> str:
    """Return the SSSOM set that maps the Framework's personas to the company's roles."""
    header = f"""#curie_map:
#  fid: {ID}
#  ent: {DEF}
#  skos: {SKOS}
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: {BASE}mappings/roles.sssom.tsv
#mapping_set_version: "2026-12-01"
#mapping_set_title: "FinOps Framework personas to the benchmark company's job roles"
#license: https://creativecommons.org/licenses/by/4.0/
#mapping_date: "2026-12-01"
#subject_source: fid:dataset/2026
#object_source: ent:Roles
"""
    columns = ("subject_id", "predicate_id", "object_id", "object_label",
               "mapping_justification", "confidence")
    rows = ["\t".join(columns)]
    for key, label, _, persona, predicate in ROLES:
        if persona is not None:
            rows.append("\t".join((f"fid:persona/{persona}", predicate, f"ent:{key}", label,
                                   "semapv:ManualMappingCuration", "0.8")))
    return header + "\n".join(rows) + "\n"


@dataclass
class Assessed:
    """One unit's assessment history: its scope, and the current scores and target of each."""

    unit: str
    scope: tuple[str, ...]
    per_quarter: int
    weights: tuple[int, ...] | None
    people: tuple[str, ...]
    scores: dict[str, list[int]] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)


def _pick_scope(rng: random.Random, size: int) -> tuple[str, ...]:
    # Foundational capabilities first: weight the catalogue's order, then keep the choice sorted.
    weights = [1.0 / (1 + i / 4) for i in range(len(CAPABILITIES))]
    chosen: list[str] = []
    while len(chosen) < size:
        pick = rng.choices(CAPABILITIES, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return tuple(chosen)


def assessed_units(company: Company, rng: random.Random) -> list[Assessed]:
    """Return who is assessed, in which capabilities, with which weights and by whom."""
    units = []
    for team in range(company.teams):
        units.append(Assessed(
            unit_iri("team", team), _pick_scope(rng, TEAM_SCOPE), 1,
            rng.choice(WEIGHT_PROFILES) if rng.random() < 0.25 else None,
            (company.leads[team], rng.choice(company.analysts))))
    for division in range(company.divisions):
        units.append(Assessed(
            unit_iri("division", division), _pick_scope(rng, DIVISION_SCOPE), DIVISION_SCOPE,
            WEIGHT_PROFILES[0], (company.directors[division], company.analysts[0])))
    return units


def assessment_lines(units: list[Assessed], quarter: int, rng: random.Random,
                     faults: dict[tuple[int, int], str]) -> Iterator[str]:
    """Yield one quarter's assessments of every assessed unit as N-Triples lines."""
    day = QUARTER_ENDS[quarter]
    date = typed(day.isoformat(), "date")
    integer = f"<{XSD}integer>"
    for index, unit in enumerate(units):
        fault = faults.get((index, quarter))
        key = unit.unit.rsplit("/", 1)[-1]
        node = f"{BASE}assessment/{key}/{day.isoformat()}"
        event = iri(node)
        unit_node = iri(unit.unit)
        yield f"{event} {RDF_TYPE} <{FO}Assessment> ."
        yield f"{event} <{FO}assessedUnit> {unit_node} ."
        yield f"{event} {DCTERMS_DATE} {date} ."
        for person in unit.people:
            yield f"{event} {PROV_ASSOCIATED} {iri(person)} ."
        weights = unit.weights
        if fault == "weights-not-100" and weights is None:
            weights = WEIGHT_PROFILES[0]
        if weights is not None:
            for lens, weight in zip(LENSES, weights):
                if fault == "weights-not-100" and lens == "knowledge":
                    weight -= 5
                part = iri(f"{node}/weight/{lens}")
                yield f"{event} <{FO}lensWeight> {part} ."
                yield f"{part} {RDF_TYPE} <{FO}LensWeight> ."
                yield f"{part} <{FO}lens> <{ID}assessment-lens/{lens}> ."
                yield f"{part} <{FO}weight> {typed(f'{weight}.0', 'decimal')} ."
        start = (quarter * unit.per_quarter) % len(unit.scope)
        for slot in range(unit.per_quarter):
            capability = unit.scope[(start + slot) % len(unit.scope)]
            scores = unit.scores.get(capability)
            if scores is None:
                scores = unit.scores[capability] = [rng.randint(0, 2) for _ in LENSES]
                unit.targets[capability] = rng.randint(8, 16)
            else:
                for lens in range(len(LENSES)):
                    roll = rng.random()
                    if roll < 0.35 and scores[lens] < 4:
                        scores[lens] += 1
                    elif roll > 0.96 and scores[lens] > 0:
                        scores[lens] -= 1
                if sum(scores) >= unit.targets[capability] and unit.targets[capability] < 20:
                    unit.targets[capability] = min(20, unit.targets[capability] + 2)
            first = slot == 0
            assessed = capability
            if fault == "unknown-capability" and first:
                assessed = "cost-telepathy"
            part = f"{node}/{assessed}"
            row = iri(part)
            yield f"{row} {RDF_TYPE} <{FO}CapabilityAssessment> ."
            yield f"{row} <{FO}partOfAssessment> {event} ."
            yield f"{row} <{FO}assessedUnit> {unit_node} ."
            yield f"{row} <{FO}assessedCapability> <{ID}capability/{assessed}> ."
            yield f"{row} {DCTERMS_DATE} {date} ."
            for lens, score in zip(LENSES, scores):
                if fault == "missing-lens-score" and first and lens == "automation":
                    continue
                if fault == "score-out-of-range" and first and lens == "metrics":
                    score = 5
                lens_node = iri(f"{part}/{lens}")
                yield f"{row} <{FO}hasLensScore> {lens_node} ."
                yield f"{lens_node} {RDF_TYPE} <{FO}LensScore> ."
                yield f"{lens_node} <{FO}lens> <{ID}assessment-lens/{lens}> ."
                yield f"{lens_node} <{FO}score> \"{score}\"^^{integer} ."
            target = 21 if fault == "target-out-of-range" and first else unit.targets[capability]
            yield f"{row} <{FO}targetScore> \"{target}\"^^{integer} ."
            roll = rng.random()
            if roll < 0.1:
                yield f"{row} <{FO}evidence> <{BASE}wiki/{key}/{capability}> ."
            elif roll < 0.2:
                yield f"{row} <{FO}evidence> {text(f'Quarterly review notes, {capability}.')} ."


def seeded_faults(units: int, count: int) -> dict[tuple[int, int], str]:
    """Return where the faults go: (assessed unit, quarter) -> kind, spread over the company."""
    return {((i * 7919) % units, (i * 5) % len(QUARTER_ENDS)): FAULT_KINDS[i % len(FAULT_KINDS)]
            for i in range(count)}


@dataclass
class Written:
    """What generate wrote: the files in load order, the triples of each, and the company."""

    files: list[Path]
    triples: dict[str, int]
    teams: int
    people: int
    assessments: int
    faults: int

    @property
    def total(self) -> int:
        """Return the number of triples in every RDF file."""
        return sum(self.triples.values())


def _write(path: Path, lines: Iterator[str]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 65536:
                out.write("\n".join(chunk) + "\n")
                count += len(chunk)
                chunk.clear()
        if chunk:
            out.write("\n".join(chunk) + "\n")
            count += len(chunk)
    return count


def _company_lines(teams: int, seed: int, faults: int,
                   sink: Callable[[str, Iterator[str]], int]) -> tuple[Company, int]:
    rng = random.Random(seed)
    company = shape(teams)
    staff(company, rng)
    sink("organization.nt", organization_lines(company))
    sink("roles.nt", roles_lines())
    sink("people.nt", people_lines(company))
    units = assessed_units(company, rng)
    where = seeded_faults(len(units), faults)
    for year in range(4):
        sink(f"assessments-{QUARTER_ENDS[4 * year].year}.nt",
             (line for quarter in range(4 * year, 4 * year + 4)
              for line in assessment_lines(units, quarter, rng, where)))
    events = sum(len(QUARTER_ENDS) for _ in units)
    return company, events


def triples_per_team(seed: int) -> float:
    """Return the triples a team adds, measured on a company of 200 teams (without writing)."""
    total = 0

    def count(_: str, lines: Iterator[str]) -> int:
        nonlocal total
        n = sum(1 for _ in lines)
        total += n
        return n

    _company_lines(200, seed, 0, count)
    return total / 200


def teams_for(size: int, seed: int) -> int:
    """Return the number of teams that gives about size triples."""
    return max(1, round(size / triples_per_team(seed)))


def generate(folder: Path, size: int, seed: int = 2026, faults: int = 0) -> Written:
    """Write a company of about size triples into folder: N-Triples files and an SSSOM set."""
    folder.mkdir(parents=True, exist_ok=True)
    teams = teams_for(size, seed)
    counts: dict[str, int] = {}
    files: list[Path] = []

    def sink(name: str, lines: Iterator[str]) -> int:
        path = folder / name
        counts[name] = _write(path, lines)
        files.append(path)
        return counts[name]

    company, events = _company_lines(teams, seed, faults, sink)
    mapping = folder / "roles.sssom.tsv"
    mapping.write_text(sssom_text(), encoding="utf-8")
    files.insert(3, mapping)
    return Written(files, counts, teams, len(company.people), events, faults)
