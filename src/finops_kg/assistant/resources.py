"""The MCP resources: cards as finops://KIND/SLUG, the ontology as Turtle, and the licence.

A card's URI mirrors its IRI: fid:capability/allocation is finops://capability/allocation, and
finops://capability/allocation?edition=2025 is its card in the 2025 edition. The main elements
of the server's edition are listed one by one, so a client can offer them to pick from; every
kind is also a URI template.
"""

from __future__ import annotations

import difflib
from typing import Any

from finops_kg.answer.card import card
from finops_kg.assistant.backend import Backend
from finops_kg.assistant.sdk import FunctionResource, MCPServer, ResourceNotFoundError
from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.iris import PREFIXES

FID = PREFIXES["fid"]
SCHEME = "finops://"
# the kinds of element whose cards are resources, by the first segment of their IRIs
KINDS = ("capability", "persona", "persona-group", "domain", "principle", "kpi", "metric",
         "technology-category", "phase", "maturity-level", "intersecting-discipline",
         "assessment-lens")
LISTED = ("capability", "persona", "domain", "principle", "technology-category", "phase",
          "maturity-level")  # listed one by one; the KPIs (88) and the rest by template only
MAX_CARD_CHARS = 80_000

LICENCE_TEXT = """# Licence and attribution

{rights}

- Licence of the adapted Framework content: [CC BY 4.0]({licence})
- Adapted from: <{adapted}>, by the FinOps Foundation

## What finops-kg changed

- Every definition and every statement text (activities, maturity characteristics, measures of
  success) is written in finops-kg's own words; names, numbers, formulas, relations and URLs are
  kept as the FinOps Foundation publishes them.
- The content is restructured as RDF: an OWL ontology, one named graph per edition, with the
  OWL 2 RL entailments of the ontology added.
- Some statements are finops-kg's own and are marked so in every answer: entailed statements
  (an activity addressed to a persona group counts for each member), numbers split into metric,
  comparator, value and unit, counts, the records of what changed between editions, and the
  crosswalks to other frameworks (curated SSSOM mapping sets).

## Using the answers

Each answer of this server lists the IRIs it rests on, their finops.org pages (dcterms:source),
the edition, and which of its statements are derived rather than official. When you reuse an
answer, keep the attribution above and link the finops.org pages it cites.
"""


def card_uri(iri: str) -> str | None:
    """Return the finops:// URI of an element's card, or None for an IRI that has none."""
    if not iri.startswith(FID):
        return None
    kind, _, slug = iri[len(FID):].partition("/")
    return f"{SCHEME}{kind}/{slug}" if kind in KINDS and slug and "/" not in slug else None


def read_card(b: Backend, kind: str, slug: str, edition: str | None) -> str:
    """Return the Markdown card of fid:KIND/SLUG, or fail naming the closest cards."""
    try:
        shown = card(f"{FID}{kind}/{slug}", edition or b.edition)
    except FinopsKGError as error:
        known = [uri for uri in map(card_uri, b.elements(edition or b.edition))
                 if uri and uri.startswith(f"{SCHEME}{kind}/")]
        close = difflib.get_close_matches(f"{SCHEME}{kind}/{slug}", known, n=3, cutoff=0.8)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        raise ResourceNotFoundError(f"{SCHEME}{kind}/{slug}: {error}{hint}") from None
    text = shown.markdown()
    if len(text) > MAX_CARD_CHARS:
        text = text[:MAX_CARD_CHARS] + "\n\n… (cut: call the show tool for the card in pages)\n"
    return text


def register(server: MCPServer, b: Backend) -> None:
    """Add the card templates, the listed cards, the ontology and the licence to the server."""
    for kind in KINDS:
        _template(server, b, kind)
    for element, row in sorted(b.elements().items(), key=lambda item: item[0]):
        uri = card_uri(element)
        if uri and uri[len(SCHEME):].split("/", 1)[0] in LISTED and row.get("name"):
            kind, slug = uri[len(SCHEME):].split("/", 1)
            server.add_resource(FunctionResource.from_function(
                fn=_reader(b, kind, slug), uri=uri, name=f"{kind}/{slug}",
                title=f"{row['name']} ({kind.replace('-', ' ')})",
                description=f"The card of {row['name']}: definition, relations, citations "
                            f"(edition {b.edition}).",
                mime_type="text/markdown"))

    @server.resource(f"{SCHEME}ontology", name="ontology", title="The finops-kg ontology",
                     description="The OWL ontology (classes and properties) as Turtle.",
                     mime_type="text/turtle")
    def ontology() -> str:
        core = next(p for p in resources.ontology_files() if p.name == "finops-kg.ttl")
        return core.read_text(encoding="utf-8")

    @server.resource(f"{SCHEME}licence", name="licence", title="Licence and attribution",
                     description="The CC BY 4.0 attribution of the adapted FinOps Framework "
                                 "content, what finops-kg changed, and how to cite answers.",
                     mime_type="text/markdown")
    def licence() -> str:
        stated = b.licence()
        return LICENCE_TEXT.format(rights=stated.rights, licence=stated.licence,
                                   adapted=stated.adapted_from)


def _template(server: MCPServer, b: Backend, kind: str) -> None:
    def read(slug: str, edition: str | None = None) -> str:
        return read_card(b, kind, slug, edition)

    server.resource(f"{SCHEME}{kind}/{{slug}}{{?edition}}", name=f"{kind}-card",
                    title=f"Card of a {kind.replace('-', ' ')}",
                    description=f"The card of fid:{kind}/SLUG as Markdown; ?edition=2025 for "
                                "another edition.",
                    mime_type="text/markdown")(read)


def _reader(b: Backend, kind: str, slug: str) -> Any:
    def read() -> str:
        return read_card(b, kind, slug, None)

    return read
