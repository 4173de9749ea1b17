"""Pictures of the Framework: the capability × persona matrix, the domain tree and ego views.

matplotlib draws them (an optional dependency: the `viz` extra). Every figure is deterministic:
the same graph gives the same SVG bytes, because the SVG ids are salted and dates left out.
"""

from __future__ import annotations

import difflib
import io
import textwrap
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from finops_kg.errors import FinopsKGError
from finops_kg.graph.formats import FORMATS as FILE_FORMATS
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.graph.namespace import FO
from finops_kg.views.explorer import explorer_html
from finops_kg.views.network import to_networkx, write_mermaid
from finops_kg.views.style import DARK, DOMAIN_COLOURS, LIGHT, NEUTRAL, domain_colours, text_colour

KINDS = ("matrix", "network", "domains", "persona", "capability")
# The formats of graph.formats that each kind is drawn in, the default first.
KIND_FORMATS = {"matrix": ("svg", "png"), "domains": ("svg", "png"), "network": ("html",),
                "persona": ("svg", "png", "mermaid"), "capability": ("svg", "png", "mermaid")}
# A file's suffix picks the format: each format's own extension, so .mmd and not .md for Mermaid.
FORMATS = {kind: tuple(FILE_FORMATS[name].extension for name in names)
           for kind, names in KIND_FORMATS.items()}
A4_LANDSCAPE = (11.69, 8.27)


class VizError(FinopsKGError):
    """A picture cannot be drawn as asked: an unknown kind, name or file type."""


def check_output(kind: str, path: Path) -> str:
    """Return the format path's suffix names; refuse an unknown kind or a format it is not in."""
    if kind not in KINDS:
        raise VizError(f"unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}")
    suffixes = FORMATS[kind]
    if path.suffix.lower() not in suffixes:
        raise VizError(f"{path}: {kind} is drawn as {' or '.join(suffixes)}")
    return KIND_FORMATS[kind][suffixes.index(path.suffix.lower())]


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


def _figure_bytes(figure, format: str) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    if format == "png":
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


def matrix(graph: Graph, format: str = "svg") -> bytes:
    """Draw the capability × persona heatmap (svg or png): rows by domain, core personas first."""
    return _figure_bytes(matrix_figure(graph), format)


def matrix_figure(graph: Graph):
    """Return the matplotlib figure of the capability × persona heatmap."""
    plt = _matplotlib()
    network = to_networkx(graph, "capability-persona")
    nodes = dict(network.nodes(data=True))
    capabilities = sorted((n for n, d in nodes.items() if d["type"] == "Capability"),
                          key=lambda n: _node_order(nodes[n]))
    personas = sorted((n for n, d in nodes.items() if d["type"] != "Capability"),
                      key=lambda n: _node_order(nodes[n]))
    colours = domain_colours(nodes[c]["domain"] for c in capabilities if nodes[c]["domain"])
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
        # A filled box rather than coloured text: orange or pink letters on white are hard to read.
        background = colours.get(nodes[capability]["domain"], NEUTRAL)
        tick.set_color(text_colour(background))
        tick.set_bbox({"facecolor": background, "edgecolor": background, "pad": 1.5})
    core = sum(nodes[p]["type"] == "CorePersona" for p in personas)
    axes.axvline(core - 0.5, color="grey", linewidth=1.5)
    axes.set_title("FinOps Framework: functional activities per capability and persona", fontsize=11)
    axes.legend(handles=_domain_handles(colours), title="Domain (row label colour)", fontsize=7,
                title_fontsize=8, loc="upper left", bbox_to_anchor=(1.12, 1.0))
    figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02).set_label("activities", fontsize=8)
    figure.tight_layout(rect=(0, 0.03, 1, 1))  # the bottom strip is the footnote's
    _footnote(figure, "Core personas left of the grey line, allied right. ")
    return figure


def domains(graph: Graph, format: str = "svg") -> bytes:
    """Draw the domain → capability hierarchy (svg or png) as a tree, one column per domain."""
    return _figure_bytes(domains_figure(graph), format)


def domains_figure(graph: Graph):
    """Return the matplotlib figure of the domain tree, one column per domain."""
    plt = _matplotlib()
    network = to_networkx(graph, "domain-capability")
    nodes = dict(network.nodes(data=True))
    by_label = {d["label"]: n for n, d in nodes.items() if d["type"] == "Domain"}
    colours = domain_colours(by_label)
    children = {label: sorted(network.successors(by_label[label]), key=lambda n: nodes[n]["label"])
                for label in colours}
    # Rows share the height under the headers; each gets enough room for a label of two lines.
    step = min(0.09, 0.72 / max((len(c) for c in children.values()), default=1))
    figure, axes = plt.subplots(figsize=A4_LANDSCAPE)
    axes.axis("off")
    for column, (domain_label, colour) in enumerate(colours.items()):
        x = column / len(colours) + 0.02
        axes.text(x, 0.95, domain_label, fontsize=10, weight="bold", color=text_colour(colour),
                  bbox={"facecolor": colour, "edgecolor": colour, "boxstyle": "round"},
                  transform=axes.transAxes, va="top")
        for row, capability in enumerate(children[domain_label]):
            y = 0.85 - row * step
            axes.plot([x + 0.01, x + 0.01, x + 0.025], [0.91, y, y], color=colour,
                      transform=axes.transAxes, linewidth=1)
            # Wrapped so that the longest names stay inside their column.
            axes.text(x + 0.03, y, textwrap.fill(nodes[capability]["label"], 24), fontsize=8.5,
                      va="center", transform=axes.transAxes)
    axes.set_title("FinOps Framework: domains and their capabilities", fontsize=12)
    axes.legend(handles=_domain_handles(colours), title="Domain (its colour in every picture)",
                fontsize=8, title_fontsize=9, loc="lower right", frameon=False)
    _footnote(figure)
    return figure


def ego(graph: Graph, kind: str, name: str, format: str = "svg") -> bytes:
    """Draw one persona or capability with its neighbours (svg, png or mermaid)."""
    if format == "mermaid":
        return write_mermaid(_ego_network(graph, kind, name, to_networkx(graph)))
    return _figure_bytes(ego_figure(graph, kind, name), format)


def ego_figure(graph: Graph, kind: str, name: str, network: nx.MultiDiGraph | None = None):
    """Return the matplotlib figure of one persona or capability and its neighbours.

    network is the capability-persona view of graph, for callers that draw many."""
    ego_network = _ego_network(graph, kind, name, network or to_networkx(graph))
    return _draw_ego(ego_network, ego_network.graph["centre"])


def _ego_network(graph: Graph, kind: str, name: str,
                 network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    centre = str(resolve(graph, name, FO.Persona if kind == "persona" else FO.Capability))
    neighbours = sorted(set(network.successors(centre)) | set(network.predecessors(centre)),
                        key=lambda n: network.nodes[n]["label"])
    ego_network = nx.MultiDiGraph(view=f"{kind} {network.nodes[centre]['label']}", centre=centre)
    ego_network.add_node(centre, **network.nodes[centre])
    for neighbour in neighbours:
        ego_network.add_node(neighbour, **network.nodes[neighbour])
        source, target = (centre, neighbour) if kind == "capability" else (neighbour, centre)
        for key, data in network.get_edge_data(source, target).items():
            ego_network.add_edge(source, target, key=key, **data)
    return ego_network


def _draw_ego(network: nx.MultiDiGraph, centre: str):
    """Draw the centre between two columns of neighbours, each joined to it by one line.

    Labels in a column, aligned on the side facing the centre, cannot overlap however long the
    names are; the counts sit on the lines near the columns, where the lines are as far apart
    as the rows."""
    plt = _matplotlib()
    width, height = A4_LANDSCAPE
    figure = plt.figure(figsize=A4_LANDSCAPE)
    axes = figure.add_axes((0, 0, 1, 1))  # data coordinates are inches on the page
    axes.set_xlim(0, width)
    axes.set_ylim(0, height)
    axes.axis("off")
    nodes = dict(network.nodes(data=True))
    others = sorted((n for n in nodes if n != centre), key=lambda n: _node_order(nodes[n]))
    colours = domain_colours(d["domain"] for d in nodes.values() if d["domain"])
    totals = {n: [0, 0] for n in others}  # activities, and how many of them are direct
    for source, target, data in network.edges(data=True):
        total = totals[target if source == centre else source]
        total[0] += data["weight"]
        total[1] += data["direct"]
    heaviest = max((weight for weight, _ in totals.values()), default=1)

    middle, centre_y = width / 2, height / 2 + 0.2  # the legend takes the bottom of the page
    half = -(-len(others) // 2)
    step = min(0.62, 5.8 / max(half - 1, 1))
    for side, column in ((-1, others[:half]), (1, others[half:])):
        x = middle + side * 2.15
        end = x - side * 0.1  # lines stop just short of the label's box
        along = 0.45 / abs(middle - end)  # where on the line its count sits
        for row, node in enumerate(column):
            y = centre_y + step * ((len(column) - 1) / 2 - row)
            weight, direct = totals[node]
            axes.plot([middle, end], [centre_y, y], color=NEUTRAL, zorder=1,
                      linewidth=1 + 5 * weight / heaviest, linestyle="-" if direct else "--")
            axes.text(end + (middle - end) * along, y + (centre_y - y) * along, str(weight),
                      fontsize=8, ha="center", va="center", zorder=3,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 2})
            _node_label(axes, x, y, nodes[node], colours, "right" if side < 0 else "left", 9)
    _node_label(axes, middle, centre_y, nodes[centre], colours, "center", 12, wrap=20)
    kind = "persona" if nodes[centre]["type"] == "Capability" else "capability"
    title = f"{nodes[centre]['label']}: activities per {kind}"
    axes.text(middle, height - 0.45, title + ("" if others else " (none in this edition)"),
              fontsize=13, ha="center", va="center")
    _ego_legend(figure, axes, nodes.values(), colours,
                through_group=any(direct == 0 for _, direct in totals.values()))
    _footnote(figure)
    return figure


def _ego_legend(figure, axes, nodes: Iterable[dict], colours: dict[str, str],
                through_group: bool) -> None:
    """Explain the colours, boxes and lines of an ego picture, as the explorer's legend does."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    nodes = list(nodes)
    handles = _domain_handles({label: colour for label, colour in colours.items()
                               if any(d["domain"] == label for d in nodes)})
    types = {d["type"] for d in nodes}
    if "CorePersona" in types:
        handles.append(Patch(facecolor=DARK, edgecolor=DARK, label="core persona"))
    if "AlliedPersona" in types:
        handles.append(Patch(facecolor=LIGHT, edgecolor=DARK, linestyle="--",
                             label="allied persona"))
    handles.append(Line2D([], [], color=NEUTRAL, linewidth=4,
                          label="activities (line width and number)"))
    if through_group:
        handles.append(Line2D([], [], color=NEUTRAL, linewidth=2, linestyle="--",
                              label="only through a persona group"))
    # One row while it fits across the page, else two (matplotlib fills the columns first).
    columns = len(handles) if len(handles) <= 5 else -(-len(handles) // 2)
    axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.035),
                bbox_transform=figure.transFigure, ncol=columns, fontsize=8, frameon=False)


def _node_label(axes, x: float, y: float, data: dict, colours: dict[str, str], align: str,
                fontsize: float, wrap: int = 0) -> None:
    """Write a node's label in a box styled as the explorer draws the node."""
    if data["type"] == "Capability":
        fill = edge = colours.get(data["domain"], NEUTRAL)
    else:
        fill, edge = (DARK, DARK) if data["type"] == "CorePersona" else (LIGHT, DARK)
    label = textwrap.fill(data["label"], wrap) if wrap else data["label"]
    axes.text(x, y, label, fontsize=fontsize, ha=align, va="center", color=text_colour(fill),
              zorder=4, multialignment="center",
              bbox={"facecolor": fill, "edgecolor": edge, "boxstyle": "round",
                    "linestyle": "-" if fill != LIGHT else "--"})


def _node_order(data: dict) -> tuple:
    """Capabilities by domain in the Framework's order, then core personas before allied ones."""
    domains = list(DOMAIN_COLOURS)
    rank = (domains.index(data["domain"]) if data["domain"] in domains else len(domains),
            data["domain"])
    return (("Capability", "CorePersona", "AlliedPersona").index(data["type"]), rank,
            data["label"])


def _domain_handles(colours: dict[str, str]) -> list:
    from matplotlib.patches import Patch

    return [Patch(facecolor=colour, edgecolor=colour, label=label)
            for label, colour in colours.items()]


def _footnote(figure, before: str = "") -> None:
    figure.text(0.01, 0.01, before + "Adapted from the FinOps Framework (FinOps Foundation, "
                "CC BY 4.0).", fontsize=6, color="grey")


def draw(kind: str, graph: Graph, out: Path, name: str | None = None,
         editions: dict[str, Graph] | None = None) -> bytes:
    """Return the picture of one kind in the format out's extension names."""
    format = check_output(kind, out)
    if kind == "matrix":
        return matrix(graph, format)
    if kind == "domains":
        return domains(graph, format)
    if kind == "network":
        return explorer_html(editions or {DEFAULT_EDITION: graph})
    if not name:
        raise VizError(f"viz {kind} needs the name of a {kind}, such as "
                       f"{'Finance' if kind == 'persona' else 'Allocation'}")
    return ego(graph, kind, name, format)
