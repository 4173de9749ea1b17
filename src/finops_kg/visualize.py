"""Pictures of the Framework: the capability × persona matrix, the domain tree and ego views.

matplotlib draws them (an optional dependency: the `viz` extra). Every figure is deterministic:
the same graph gives the same SVG bytes, because the SVG ids are salted and dates left out.
"""

from __future__ import annotations

import difflib
import io
import textwrap
from pathlib import Path

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from finops_kg.errors import FinopsKGError
from finops_kg.namespace import FO
from finops_kg.network import to_networkx

KINDS = ("matrix", "network", "domains", "persona", "capability")
FORMATS = {"matrix": (".svg", ".png"), "domains": (".svg", ".png"), "network": (".html",),
           "persona": (".svg", ".png", ".mmd"), "capability": (".svg", ".png", ".mmd")}
# One colour per domain, in the Framework's order; colour-blind-safe (Okabe–Ito).
DOMAIN_COLOURS = {"Understand Usage & Cost": "#0072B2", "Quantify Business Value": "#E69F00",
                  "Optimize Usage & Cost": "#009E73", "Manage the FinOps Practice": "#CC79A7"}
A4_LANDSCAPE = (11.69, 8.27)


class VizError(FinopsKGError):
    """A picture cannot be drawn as asked: an unknown kind, name or file type."""


def check_output(kind: str, path: Path) -> None:
    """Refuse an unknown kind, or an output file whose type the kind cannot be drawn in."""
    if kind not in KINDS:
        raise VizError(f"unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}")
    if path.suffix.lower() not in FORMATS[kind]:
        raise VizError(f"{path}: {kind} is drawn as {' or '.join(FORMATS[kind])}")


def resolve(graph: Graph, name: str, cls: URIRef) -> URIRef:
    """Return the individual of cls that name (label, former name or slug) names, or suggest."""
    names: dict[str, URIRef] = {}
    for individual in graph.subjects(FO.inEdition, None):
        if not _is_a(graph, individual, cls):
            continue
        names[str(individual).rsplit("/", 1)[-1]] = individual
        for label in [*graph.objects(individual, SKOS.prefLabel),
                      *graph.objects(individual, SKOS.altLabel)]:
            names[str(label).casefold()] = individual
    found = names.get(name.casefold()) or names.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name.casefold(), list(names), n=3, cutoff=0.5)
    hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
    kind = str(cls).rsplit("#", 1)[-1].lower()
    raise VizError(f"no {kind} is called {name!r}{hint}")


def _is_a(graph: Graph, individual: URIRef, cls: URIRef) -> bool:
    # Personas are asserted as core or allied; the superclass is only entailed.
    classes = (FO.CorePersona, FO.AlliedPersona) if cls == FO.Persona else (cls,)
    return any((individual, RDF.type, c) in graph for c in classes)


def _figure_bytes(figure, suffix: str) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    if suffix == ".png":
        figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    else:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return buffer.getvalue()


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise VizError("pictures need matplotlib: pip install 'finops-kg[viz]'") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "finops-kg"  # stable ids: byte-identical SVG
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable and smaller
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    import matplotlib.pyplot as plt

    return plt


def matrix(graph: Graph, suffix: str = ".svg") -> bytes:
    """Draw the capability × persona heatmap: rows grouped by domain, core personas first."""
    return _figure_bytes(matrix_figure(graph), suffix)


def matrix_figure(graph: Graph):
    """Return the matplotlib figure of the capability × persona heatmap."""
    plt = _matplotlib()
    network = to_networkx(graph, "capability-persona")
    nodes = dict(network.nodes(data=True))
    order = list(DOMAIN_COLOURS)
    capabilities = sorted((n for n, d in nodes.items() if d["type"] == "Capability"),
                          key=lambda n: (order.index(nodes[n]["domain"])
                                         if nodes[n]["domain"] in order else 9, nodes[n]["label"]))
    personas = sorted((n for n, d in nodes.items() if d["type"] != "Capability"),
                      key=lambda n: (nodes[n]["type"] != "CorePersona", nodes[n]["label"]))
    counts = [[sum(d["weight"] for d in network.get_edge_data(c, p, default={}).values())
               for p in personas] for c in capabilities]

    figure, axes = plt.subplots(figsize=A4_LANDSCAPE)
    image = axes.imshow(counts, cmap="Blues", aspect="auto", vmin=0)
    for row, values in enumerate(counts):
        for column, value in enumerate(values):
            if value:
                colour = "white" if value > max(map(max, counts)) * 0.6 else "black"
                axes.text(column, row, str(value), ha="center", va="center", fontsize=7,
                          color=colour)
    axes.set_xticks(range(len(personas)),
                    [nodes[p]["label"] for p in personas], rotation=90, fontsize=8)
    axes.set_yticks(range(len(capabilities)), [nodes[c]["label"] for c in capabilities],
                    fontsize=8)
    for tick, capability in zip(axes.get_yticklabels(), capabilities):
        tick.set_color(DOMAIN_COLOURS.get(nodes[capability]["domain"], "black"))
    core = sum(nodes[p]["type"] == "CorePersona" for p in personas)
    axes.axvline(core - 0.5, color="grey", linewidth=1.5)
    axes.set_title("FinOps Framework: functional activities per capability and persona", fontsize=11)
    from matplotlib.patches import Patch

    handles = [Patch(color=colour, label=domain) for domain, colour in DOMAIN_COLOURS.items()]
    axes.legend(handles=handles, title="Domain (row label colour)", fontsize=7, title_fontsize=8,
                loc="upper left", bbox_to_anchor=(1.12, 1.0))
    figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02).set_label("activities", fontsize=8)
    figure.text(0.01, 0.01, "Core personas left of the grey line, allied right. Adapted from the "
                "FinOps Framework (FinOps Foundation, CC BY 4.0).", fontsize=6, color="grey")
    figure.tight_layout()
    return figure


def domains(graph: Graph, suffix: str = ".svg") -> bytes:
    """Draw the domain → capability hierarchy as a tree, one column per domain."""
    plt = _matplotlib()
    network = to_networkx(graph, "domain-capability")
    nodes = dict(network.nodes(data=True))
    figure, axes = plt.subplots(figsize=A4_LANDSCAPE)
    axes.axis("off")
    ordered = [d for d in DOMAIN_COLOURS if any(n["label"] == d for n in nodes.values())]
    for column, domain_label in enumerate(ordered):
        domain = next(n for n, d in nodes.items() if d["label"] == domain_label)
        colour = DOMAIN_COLOURS[domain_label]
        x = column / len(ordered) + 0.02
        axes.text(x, 0.95, domain_label, fontsize=10, weight="bold", color="white",
                  bbox={"facecolor": colour, "edgecolor": colour, "boxstyle": "round"},
                  transform=axes.transAxes, va="top")
        children = sorted(network.successors(domain), key=lambda n: nodes[n]["label"])
        for row, capability in enumerate(children):
            y = 0.85 - row * 0.09
            axes.plot([x + 0.01, x + 0.01, x + 0.025], [0.91, y, y], color=colour,
                      transform=axes.transAxes, linewidth=1)
            # Wrapped so that the longest names stay inside their column.
            axes.text(x + 0.03, y, textwrap.fill(nodes[capability]["label"], 24), fontsize=8.5,
                      va="center", transform=axes.transAxes)
    axes.set_title("FinOps Framework: domains and their capabilities", fontsize=12)
    figure.text(0.01, 0.01, "Adapted from the FinOps Framework (FinOps Foundation, CC BY 4.0).",
                fontsize=6, color="grey")
    return _figure_bytes(figure, suffix)


def ego(graph: Graph, kind: str, name: str, suffix: str = ".svg") -> bytes:
    """Draw one persona or capability with its neighbours in the capability-persona view."""
    centre = str(resolve(graph, name, FO.Persona if kind == "persona" else FO.Capability))
    network = to_networkx(graph, "capability-persona")
    neighbours = sorted(set(network.successors(centre)) | set(network.predecessors(centre)),
                        key=lambda n: network.nodes[n]["label"])
    ego_network = nx.MultiDiGraph(view=f"{kind} {network.nodes[centre]['label']}")
    ego_network.add_node(centre, **network.nodes[centre])
    for neighbour in neighbours:
        ego_network.add_node(neighbour, **network.nodes[neighbour])
        source, target = (centre, neighbour) if kind == "capability" else (neighbour, centre)
        for key, data in network.get_edge_data(source, target).items():
            ego_network.add_edge(source, target, key=key, **data)
    if suffix == ".mmd":
        from finops_kg.network import write_mermaid

        return write_mermaid(ego_network)
    return _draw_ego(ego_network, centre, suffix)


def _draw_ego(network: nx.MultiDiGraph, centre: str, suffix: str) -> bytes:
    import math

    plt = _matplotlib()
    others = [n for n in network.nodes if n != centre]
    positions = {centre: (0.0, 0.0)}
    for index, node in enumerate(others):
        angle = 2 * math.pi * index / max(len(others), 1)
        positions[node] = (math.cos(angle), math.sin(angle))
    figure, axes = plt.subplots(figsize=A4_LANDSCAPE)
    axes.axis("off")
    heaviest = max((d["weight"] for _, _, d in network.edges(data=True)), default=1)
    for source, target, data in network.edges(data=True):
        (x1, y1), (x2, y2) = positions[source], positions[target]
        axes.plot([x1, x2], [y1, y2], color="#888888", zorder=1,
                  linewidth=1 + 5 * data["weight"] / heaviest)
        axes.text((x1 + x2) / 2, (y1 + y2) / 2, str(data["weight"]), fontsize=7,
                  ha="center", va="center", zorder=3,
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for node, (x, y) in positions.items():
        data = network.nodes[node]
        colour = DOMAIN_COLOURS.get(data["domain"], "#555555" if "Persona" in data["type"]
                                    else "#999999")
        axes.text(x, y, data["label"], fontsize=9 if node != centre else 12, ha="center",
                  va="center", color="white", zorder=4,
                  bbox={"facecolor": colour, "edgecolor": colour, "boxstyle": "round"})
    axes.set_xlim(-1.5, 1.5)
    axes.set_ylim(-1.3, 1.3)
    axes.set_title(f"{network.nodes[centre]['label']}: activities per "
                   f"{'persona' if network.nodes[centre]['type'] == 'Capability' else 'capability'}",
                   fontsize=12)
    figure.text(0.01, 0.01, "Adapted from the FinOps Framework (FinOps Foundation, CC BY 4.0).",
                fontsize=6, color="grey")
    return _figure_bytes(figure, suffix)


def draw(kind: str, graph: Graph, out: Path, name: str | None = None,
         editions: dict[str, Graph] | None = None) -> bytes:
    """Return the picture of one kind in the format out's extension names."""
    check_output(kind, out)
    suffix = out.suffix.lower()
    if kind == "matrix":
        return matrix(graph, suffix)
    if kind == "domains":
        return domains(graph, suffix)
    if kind == "network":
        from finops_kg.explorer import explorer_html

        return explorer_html(editions or {"2026": graph})
    if not name:
        raise VizError(f"viz {kind} needs the name of a {kind}, such as "
                       f"{'Finance' if kind == 'persona' else 'Allocation'}")
    return ego(graph, kind, name, suffix)
