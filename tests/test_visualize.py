"""Pictures: readable, deterministic, and refusing what they cannot draw."""

from __future__ import annotations

from pathlib import Path

import pytest

from finops_kg.visualize import VizError, check_output, draw, matrix, matrix_figure


def test_matrix_labels_do_not_overlap_at_a4_landscape(framework):
    figure = matrix_figure(framework)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    assert tuple(round(x, 2) for x in figure.get_size_inches()) == (11.69, 8.27)
    for labels in (axes.get_xticklabels(), axes.get_yticklabels()):
        boxes = [label.get_window_extent(renderer) for label in labels]
        assert len(boxes) > 5
        for first, second in zip(boxes, boxes[1:]):
            assert not first.overlaps(second), "tick labels overlap"
    assert axes.get_legend() is not None


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
