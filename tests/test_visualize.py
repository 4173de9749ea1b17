"""Pictures: readable, deterministic, and refusing what they cannot draw."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from finops_kg.views.explorer import explorer_html
from finops_kg.views.network import to_networkx
from finops_kg.views.pictures import (VizError, check_output, domains_figure, draw, ego_figure,
                                      matrix, matrix_figure)


def _overlaps(figure) -> list[str]:
    """What is wrong with a figure's text: pairs of labels whose boxes overlap, labels that run
    off the page, a missing legend. A label's box includes its background patch; a legend is one
    box."""
    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox

    figure.draw_without_rendering()  # lays out the text and its boxes; paints nothing
    renderer = figure.canvas.get_renderer()
    legends = [*figure.legends, *(a.get_legend() for a in figure.axes if a.get_legend())]
    boxes = [("legend", legend.get_window_extent(renderer)) for legend in legends]
    texts = list(figure.texts)
    for axes in figure.axes:
        texts += [*axes.texts, axes.title]
        if axes.axison:
            texts += [*axes.get_xticklabels(), *axes.get_yticklabels(),
                      axes.xaxis.label, axes.yaxis.label]
    for text in texts:
        if text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            if text.get_bbox_patch() is not None:
                box = Bbox.union([box, text.get_bbox_patch().get_window_extent(renderer)])
            boxes.append((text.get_text(), box))
    page = figure.bbox
    problems = [f"{name!r} runs off the page" for name, box in boxes
                if not (page.x0 <= box.x0 and box.x1 <= page.x1
                        and page.y0 <= box.y0 and box.y1 <= page.y1)]
    problems += [f"{a!r} overlaps {b!r}" for i, (a, first) in enumerate(boxes)
                 for b, second in boxes[i + 1:] if first.overlaps(second)]
    if not legends:
        problems.append("no legend")
    plt.close(figure)
    return problems


def test_matrix_labels_do_not_overlap_at_a4_landscape(framework):
    figure = matrix_figure(framework)
    assert tuple(round(x, 2) for x in figure.get_size_inches()) == (11.69, 8.27)
    assert len(figure.axes[0].get_yticklabels()) > 5
    assert _overlaps(figure) == []


def test_domain_tree_labels_do_not_overlap(framework):
    assert _overlaps(domains_figure(framework)) == []


def test_no_ego_picture_has_overlapping_labels(framework):
    network = to_networkx(framework, "capability-persona")
    centres = [("capability" if data["type"] == "Capability" else "persona", data["label"])
               for _, data in sorted(network.nodes(data=True))]
    assert len(centres) >= 33  # 22 capabilities, 6 core and 5 allied personas
    problems = [f"{kind} {label}: {problem}" for kind, label in centres
                for problem in _overlaps(ego_figure(framework, kind, label, network))]
    assert problems == []


def test_the_explorer_and_the_pictures_colour_each_domain_alike(framework):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    html = explorer_html({"2026": framework})
    island = re.search(rb'id="explorer-data">(.*?)</script>', html, re.S)
    data = json.loads(island.group(1))
    explorer = {domain["label"]: domain["colour"].lower() for domain in data["domains"]}
    domain_of = {node["label"]: node["domain"] for node in data["editions"]["2026"]["nodes"]
                 if node["type"] == "Capability"}
    assert len(explorer) == 4 and len(domain_of) == 22

    def fills(figure) -> dict[str, str]:
        """Each label with its colour: its box's if it is drawn on one, else its own."""
        texts = [*figure.axes[0].texts, *figure.axes[0].get_yticklabels()]
        found = {t.get_text(): to_hex(t.get_bbox_patch().get_facecolor() if t.get_bbox_patch()
                                      else t.get_color()) for t in texts}
        plt.close(figure)
        return found

    matrix_rows = fills(matrix_figure(framework))
    assert {label: matrix_rows[label] for label in domain_of} == \
        {label: explorer[domain] for label, domain in domain_of.items()}
    headers = fills(domains_figure(framework))
    assert {label: headers[label] for label in explorer} == explorer
    finance = fills(ego_figure(framework, "persona", "Finance"))
    assert {label: finance[label] for label in domain_of} == \
        {label: explorer[domain] for label, domain in domain_of.items()}


def test_matrix_svg_is_deterministic_and_carries_its_labels(framework):
    first, second = matrix(framework), matrix(framework)
    assert first == second
    text = first.decode()
    assert "Allocation" in text and "FinOps Practitioner" in text and "CC BY 4.0" in text


@pytest.mark.parametrize(("kind", "out", "name", "magic"), [
    ("matrix", "m.png", None, b"\x89PNG"), ("domains", "d.svg", None, b"<?xml"),
    ("persona", "p.svg", "Finance", b"<?xml"), ("capability", "c.mmd", "Allocation", b"flowchart"),
])
def test_each_kind_draws_in_its_formats(framework, kind, out, name, magic):
    assert draw(kind, framework, Path(out), name).startswith(magic)


def test_an_ego_view_shows_the_neighbours_with_their_counts(framework):
    mermaid = draw("capability", framework, Path("c.mmd"), "Allocation").decode()
    assert '["FinOps Practitioner"]' in mermaid and "-->|6|" in mermaid


@pytest.mark.parametrize(("call", "message"), [
    (lambda g: check_output("pie", Path("x.svg")), "unknown kind 'pie'; the kinds are: matrix"),
    (lambda g: check_output("matrix", Path("x.html")), "matrix is drawn as .svg or .png"),
    (lambda g: draw("persona", g, Path("p.svg"), "Finanse"), "close matches: 'finance'"),
    (lambda g: draw("capability", g, Path("c.svg")), "needs the name of a capability"),
])
def test_bad_requests_name_the_choices(framework, call, message):
    with pytest.raises(VizError, match=message):
        call(framework)
