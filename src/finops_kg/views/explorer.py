"""An interactive, offline HTML explorer of the capability-persona network of each edition.

The page is one self-contained file: the vendored Cytoscape.js and the page's own script are
inlined, and the data travels as a JSON island that the script parses (never evaluates). A
Content-Security-Policy that allows only those two scripts, by hash, and no connections keeps it
from reaching the network, so it works the same from file:// as from any web server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from string import Template

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from finops_kg.graph.labels import is_deprecated, label
from finops_kg.graph.namespace import FO
from finops_kg.views.network import to_networkx
from finops_kg.views.style import domain_colours

ASSETS = Path(__file__).resolve().parent / "assets"

# Inside a JSON string these characters could end the <script> element or open a comment;
# their \u escapes mean the same to JSON.parse.
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def explorer_html(editions: dict[str, Graph]) -> bytes:
    """Return a self-contained HTML page exploring each edition's capability-persona network."""
    if not editions:
        raise ValueError("the explorer needs at least one edition")
    data = {
        # Edition names are years, so the greatest string is the newest edition.
        "default": max(editions),
        "editions": {name: _edition_data(graph) for name, graph in sorted(editions.items())},
    }
    data["domains"] = _domain_colours(data["editions"].values())
    return _page(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


# ---------------------------------------------------------------------------
# The data of one edition: the network's nodes and edges with what the side panel shows
# ---------------------------------------------------------------------------

def _edition_data(graph: Graph) -> dict:
    network = to_networkx(graph, "capability-persona")
    activities = _activities(graph)
    nodes = [_node(graph, URIRef(key), attributes) for key, attributes in network.nodes(data=True)]
    edges = [{"source": source, "target": target, "weight": data["weight"],
              "direct": data["direct"], "viaGroup": data["via_group"],
              "activities": activities[(source, target)]}
             for source, target, data in network.edges(data=True)]
    return {"nodes": sorted(nodes, key=_ring_order), "edges": edges}


def _ring_order(node: dict) -> tuple:
    # The layout places nodes in this order: capabilities grouped by domain, then core personas
    # before allied ones.
    kinds = ("Capability", "CorePersona", "AlliedPersona")
    return kinds.index(node["type"]), node["domain"], node["label"], node["id"]


def _node(graph: Graph, subject: URIRef, attributes: dict) -> dict:
    node = {"id": str(subject), "label": attributes["label"], "type": attributes["type"],
            "domain": attributes["domain"],
            "definition": _text(graph, subject, SKOS.definition),
            "source": _text(graph, subject, DCTERMS.source)}
    if attributes["type"] == "Capability":
        node["maturity"] = _maturity(graph, subject)
        node["kpis"] = _kpis(graph, subject)
    return node


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    """The first value in sorted order, so that output never depends on rdflib's set order."""
    return min((str(value) for value in graph.objects(subject, predicate)), default="")


def _page_order(subject: URIRef) -> list:
    # Statement IRIs end in their number on the page (…/allocation/finance/10): numbers compare
    # as numbers, so 10 comes after 9.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(subject))]


def _activities(graph: Graph) -> dict[tuple[str, str], list[dict]]:
    """Each capability-persona pair's activities in page order; `group` names the heading they
    were addressed to when they reach the persona through a persona group."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for activity in sorted(graph.subjects(RDF.type, FO.FunctionalActivity), key=_page_order):
        capability = str(graph.value(activity, FO.activityOf))
        name = label(graph, activity)
        for persona in sorted(graph.objects(activity, FO.performedBy)):
            found[(capability, str(persona))].append({"label": name, "group": ""})
        for group in sorted(graph.objects(activity, FO.addressedTo)):
            group_label = label(graph, group)
            for member in sorted(graph.objects(group, FO.hasMember)):
                found[(capability, str(member))].append({"label": name, "group": group_label})
    return found


def _maturity(graph: Graph, capability: URIRef) -> list[dict]:
    """The capability's maturity characteristics, grouped by level from the lowest rank up."""
    by_level: dict[URIRef, list[URIRef]] = defaultdict(list)
    for characteristic in graph.subjects(FO.characterises, capability):
        if (characteristic, RDF.type, FO.MaturityCharacteristic) in graph:
            by_level[graph.value(characteristic, FO.atLevel)].append(characteristic)
    levels = sorted(by_level,
                    key=lambda level: (int(graph.value(level, FO.rank) or 0), str(level)))
    return [{"level": label(graph, level),
             "characteristics": [label(graph, c)
                                 for c in sorted(by_level[level], key=_page_order)]}
            for level in levels]


def _kpis(graph: Graph, capability: URIRef) -> list[dict]:
    kpis = [{"label": label(graph, kpi), "formula": _text(graph, kpi, FO.formula),
             "source": _text(graph, kpi, DCTERMS.source)}
            for kpi in graph.subjects(FO.measures, capability)
            if (kpi, RDF.type, FO.KPI) in graph
            and not is_deprecated(graph, kpi)]
    return sorted(kpis, key=lambda kpi: (kpi["label"], kpi["source"]))


def _domain_colours(editions: Iterable[dict]) -> list[dict]:
    """One colour per domain label across all editions, so a domain keeps its colour when the
    edition changes, and the same colour as in the pictures."""
    labels = {node["domain"] for edition in editions for node in edition["nodes"]
              if node["type"] == "Capability" and node["domain"]}
    return [{"label": name, "colour": colour} for name, colour in domain_colours(labels).items()]


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

def _page(data_json: str) -> bytes:
    library = _inline_script((ASSETS / "cytoscape" / "cytoscape.min.js").read_text("utf-8"))
    app = _inline_script((ASSETS / "explorer.js").read_text("utf-8"))
    vendored = json.loads((ASSETS / "cytoscape" / "VENDORED.json").read_text("utf-8"))
    template = Template((ASSETS / "explorer.html").read_text("utf-8"))
    return template.substitute(
        csp=_content_security_policy(library, app),
        css=(ASSETS / "explorer.css").read_text("utf-8"),
        data=data_json.translate(_JSON_IN_HTML),
        cytoscape=library, app=app,
        cytoscape_version=vendored["version"],
    ).encode("utf-8")


def _inline_script(code: str) -> str:
    # "</script" inside the code would end the element early; the vendored files must not hold it.
    if "</script" in code.lower():
        raise ValueError("a script to inline contains '</script'")
    return code


def _content_security_policy(*scripts: str) -> str:
    """Allow exactly the inlined scripts (by hash) and inline styles; no fetch, image or frame."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest())
                      .decode("ascii") + "'" for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "base-uri 'none'; form-action 'none'")
