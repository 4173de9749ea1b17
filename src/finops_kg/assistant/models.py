"""The JSON shapes of the tools' answers: each becomes a tool's output schema.

The SDK publishes each model as the tool's outputSchema and checks every structured answer
against it before it leaves the server, so a client can rely on the fields named here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    """A part of an answer: no field beyond those declared."""

    model_config = ConfigDict(extra="forbid")


class Derived(Shape):
    """A statement of the answer that the FinOps Foundation did not make, and why."""

    statement: str
    why: str


class Citations(Shape):
    """What the answer rests on."""

    edition: str = Field(description="the Framework edition the answer is about, such as 2026")
    edition_iri: str
    official: bool = Field(description="true when every statement is the FinOps Foundation's own; "
                                       "false when some are derived (see derived)")
    derived: list[Derived]
    iris: list[str] = Field(description="IRIs of the elements and statements the answer shows")
    sources: list[str] = Field(description="their finops.org pages (dcterms:source)")
    attribution: str = Field(description="the CC BY 4.0 attribution of the adapted content")
    licence: str


class PageInfo(Shape):
    """Where this page sits in the whole list."""

    total: int = Field(description="items in the whole answer")
    offset: int = Field(description="position of this page's first item, from 0")
    returned: int
    next_cursor: str | None = Field(description="pass it as cursor, with the same arguments, "
                                                "for the next page; null on the last page")


class Ref(Shape):
    """An element named by its IRI."""

    iri: str
    name: str
    source: str | None = Field(default=None, description="its finops.org page")


# -- search and show ---------------------------------------------------------------------------

class SearchHit(Shape):
    """One search result."""

    type: str
    iri: str
    name: str
    snippet: str = Field(description="the matching text, matched words marked **so**")
    field: str = Field(description="the field that matched best, such as name or role")
    source: str | None
    score: float
    edition: str
    capability: str | None = None
    capability_name: str | None = None
    persona: str | None = None
    persona_name: str | None = None


class SearchOutput(Shape):
    """The answer of search."""

    query: str
    type: str | None
    edition: str
    hits: list[SearchHit]
    citations: Citations


class SectionInfo(Shape):
    """One section of a card and the page it is on."""

    key: str
    title: str
    entries: int
    page: int = Field(description="the page (from 1) that holds the section")


class ShowOutput(Shape):
    """The answer of show: the card, as much of it as fits on this page."""

    card: dict[str, Any] = Field(description="the card as JSON: facts, relations of this page, "
                                             "derived statements and the card's citations")
    sections: list[SectionInfo]
    page: PageInfo
    citations: Citations


# -- who does what -----------------------------------------------------------------------------

class Activity(Shape):
    """A functional activity."""

    iri: str
    text: str
    via_group: str | None = Field(default=None, description="the group it is addressed to, when "
                                                            "it reaches the persona through it")


class WhoItem(Shape):
    """A persona, capability or activity in an answer of who_does_what.

    A persona comes with its activities in the capability; a capability with the persona's
    activity count and its domain; an activity with the group it reaches the persona through.
    """

    type: Literal["persona", "capability", "activity"]
    iri: str
    name: str
    source: str | None = None
    domain: Ref | None = None
    activities: list[Activity] = Field(default_factory=list)
    activity_count: int | None = None
    via_group: str | None = None
    derived: str | None = Field(default=None, description="why it is not official, if it is not")


class WhoOutput(Shape):
    """The answer of who_does_what."""

    edition: str
    capability: Ref | None
    persona: Ref | None
    items: list[WhoItem]
    page: PageInfo
    citations: Citations


# -- maturity ------------------------------------------------------------------------------------

class Statement(Shape):
    """A statement of the Framework, such as a maturity characteristic."""

    iri: str
    text: str


class Target(Shape):
    """A numeric maturity target."""

    iri: str
    metric: str
    metric_name: str
    comparator: str
    value: float
    unit: str
    every_level: bool = Field(description="true when the Framework ties it to no level")
    text: str


class Level(Shape):
    """What a capability looks like at one maturity level."""

    iri: str
    name: str
    rank: int
    characteristics: list[Statement]
    targets: list[Target]


class MaturityOutput(Shape):
    """The answer of maturity."""

    edition: str
    capability: Ref
    current: Ref | None
    target: Ref | None
    levels: list[Level]
    every_level: list[Target] = Field(description="numeric targets the Framework ties to no level")
    page: PageInfo
    citations: Citations


# -- KPIs, crosswalks, edition changes -------------------------------------------------------------

class KPI(Shape):
    """A KPI of the KPI library."""

    iri: str
    name: str
    source: str | None = None
    formula: str | None = Field(default=None, description="exactly as published")
    data_source: str | None = Field(default=None, description="the published data source that "
                                                              "matched, for a data_source question")


class KPIOutput(Shape):
    """The answer of kpis."""

    edition: str
    by: Literal["capability", "category", "data_source"]
    subject: Ref | None
    text: str | None
    items: list[KPI]
    page: PageInfo
    citations: Citations


class Crosswalk(Shape):
    """A term of another framework that a curated mapping set matches to the capability."""

    iri: str
    name: str
    notation: str | None
    vocabulary: str
    match: str = Field(description="the SKOS match, such as closeMatch")
    mapping_set: str


class CrosswalkOutput(Shape):
    """The answer of crosswalks."""

    capability: Ref
    items: list[Crosswalk]
    page: PageInfo
    citations: Citations


class Change(Shape):
    """A recorded change from one edition to the next."""

    iri: str
    summary: str
    change_type: str
    subject: Ref
    old_name: str | None
    new_name: str | None
    target: Ref | None
    confidence: str | None


class Content(Shape):
    """How much one edition says about a capability."""

    edition: str
    name: str
    domain: str | None
    activities: int
    personas: int
    characteristics: int
    measures: int
    areas: int
    kpis: int


class ChangesOutput(Shape):
    """The answer of edition_changes."""

    from_edition: str
    to_edition: str
    element: Ref | None
    items: list[Change]
    content: list[Content] = Field(description="for a capability: how much each edition says "
                                               "about it")
    page: PageInfo
    citations: Citations


# -- the catalogue, queries and SPARQL ----------------------------------------------------------

class QueryParameter(Shape):
    """A parameter of a catalogue query."""

    name: str
    type: str = Field(description="a class such as fo:Capability (give a name, CURIE or IRI), "
                                  "edition, string, integer or decimal")
    required: bool
    default: str | None
    example: str


class QueryInfo(Shape):
    """A catalogue query."""

    name: str
    title: str
    description: str
    parameters: list[QueryParameter]
    columns: list[str]
    workspace: bool = Field(description="true when it reads the organisation's own data")


class CatalogueOutput(Shape):
    """The answer of catalogue."""

    items: list[QueryInfo]
    page: PageInfo
    citations: Citations


Cell = str | int | float | bool | None


class QueryOutput(Shape):
    """The answer of run_query."""

    name: str
    edition: str
    parameters: dict[str, str]
    columns: list[str]
    rows: list[dict[str, Cell]]
    names: dict[str, str] = Field(description="the names of the IRIs in the rows")
    page: PageInfo
    citations: Citations


class SparqlOutput(Shape):
    """The answer of sparql."""

    kind: Literal["solutions", "boolean", "graph"]
    columns: list[str]
    rows: list[dict[str, Cell]]
    boolean: bool | None
    turtle: str | None = Field(description="a CONSTRUCT or DESCRIBE result, as Turtle")
    page: PageInfo
    citations: Citations


# -- the organisation's workspace ---------------------------------------------------------------

class Assessment(Shape):
    """The latest lens-scored assessment of a unit in a capability."""

    unit: Ref
    capability: Ref
    date: str
    total: float = Field(description="the sum of the five lens scores, 0 to 20")
    percent: float | None
    target: float | None
    relative_to_target: float | None = Field(description="negative while below the target")
    progress: float | None = Field(description="weighted progress to the target, in percent")


class WeakLens(Shape):
    """A lens with a unit's lowest average score."""

    unit: Ref
    lens: Ref
    capabilities: int
    average: float
    lowest: float


class Unassessed(Shape):
    """How many current capabilities a unit has not been assessed in."""

    unit: Ref
    capabilities: int


class StatusOutput(Shape):
    """The answer of assessment_status."""

    edition: str
    items: list[Assessment]
    weakest_lenses: list[WeakLens]
    unassessed: list[Unassessed]
    page: PageInfo
    citations: Citations


class Actor(Shape):
    """A person who should act on a unit's weakest capability, through a role and a persona."""

    unit: Ref
    capability: Ref
    relative_to_target: float
    persona: Ref
    role: Ref
    person: Ref
    activities: int = Field(description="the persona's activities in the capability")


class ActOutput(Shape):
    """The answer of who_should_act."""

    edition: str
    items: list[Actor]
    page: PageInfo
    citations: Citations
