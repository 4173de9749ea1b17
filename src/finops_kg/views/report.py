"""The assessment report: offline HTML pages of SVG charts, drawn from catalogue query rows.

The index shows every unit's totals and the roll-up through the organisation, and links to one
page per unit with its lens scores, progress, lens profile, changes and who should act. A page
per unit keeps each page small enough for a browser at 14,000 teams, where one page was 500 MB.

Every number on a page is a value of a row of one of REPORT_QUERIES, and each mark carries its
row in data- attributes (data-query, data-unit, data-capability, data-lens, data-value), so a test
can check the pages against the queries, and a reader can trace a bar to the query that gave it.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from finops_kg.views.style import DARK, LENS_COLOURS, NEUTRAL, SCORE_COLOURS, text_colour

REPORT_QUERIES = ("lens-scores", "assessment-heatmap", "progress-to-target", "score-trend",
                  "weakest-lenses", "org-rollup", "who-should-act")
LENSES = ("knowledge", "process", "metrics", "adoption", "automation")
LENS_IRI = "https://w3id.org/finops-kg/id/assessment-lens/"
INDEX = "index.html"
UNIT_PAGE = re.compile(r"unit-[A-Za-z0-9._-]+\.html")  # the name of every unit's page
TITLE = "FinOps assessment report"
_PER_UNIT = ("progress-to-target", "weakest-lenses", "score-trend", "who-should-act")

Rows = Sequence[Mapping[str, str]]
Section = tuple[str, str, str, Callable[[], Iterable[str]]]  # heading, query, note, its charts


def report_pages(tables: Mapping[str, Rows], labels: Mapping[str, str],
                 title: str = TITLE) -> dict[str, Iterator[bytes]]:
    """Return the report's pages for the rows of REPORT_QUERIES, with labels for their IRIs:
    file name -> the page's bytes, made one chart at a time as they are written.

    Made as they are written, the pages take one chart's memory: joined in memory, the pieces of
    a 500 MB page, the joined text and its UTF-8 bytes took about six times the page.
    """
    namer = _Namer(labels)
    latest = _latest_lens_scores(tables["lens-scores"])
    per_unit = {name: _by_unit(tables[name]) for name in _PER_UNIT}
    units = sorted(set(latest).union(*per_unit.values()), key=namer)
    files = unit_page_names(units)
    index: list[Section] = [
        ("Units", "lens-scores", "Each unit's own page shows its charts.",
         lambda: [_unit_links(units, files, namer)]),
        ("Totals by unit and capability", "assessment-heatmap",
         "The total of the five lenses (0 to 20) of each unit's latest assessment.",
         lambda: [_totals_grid(tables["assessment-heatmap"], namer, files)]),
        ("Roll-up through the organisation", "org-rollup",
         "Totals of each unit and every unit below it.",
         lambda: [_rollup_table(tables["org-rollup"], namer, files)]),
    ]
    pages = {INDEX: _page(title, "", index)}
    for unit in units:
        pages[files[unit]] = _page(f"{namer(unit)}: {title}", _back_link(title),
                                   _unit_sections(unit, latest.get(unit, {}), per_unit, namer))
    return pages


def unit_page_names(units: Iterable[str]) -> dict[str, str]:
    """Return the file name of each unit's page: its IRI's last segment, made safe, with a hash
    of the IRI where two units would share a name."""
    named = {unit: re.sub(r"[^A-Za-z0-9._-]+", "-", _last_segment(unit)).strip(".-") or "unit"
             for unit in units}
    counts: dict[str, int] = defaultdict(int)
    for name in named.values():
        counts[name.lower()] += 1  # apart on a file system that ignores case
    return {unit: f"unit-{name}.html" if counts[name.lower()] == 1 else
            f"unit-{name}-{hashlib.sha256(unit.encode()).hexdigest()[:10]}.html"
            for unit, name in named.items()}


def _unit_sections(unit: str, latest: dict[str, dict[str, int]],
                   per_unit: Mapping[str, Mapping[str, list[Mapping[str, str]]]],
                   namer: _Namer) -> list[Section]:
    def rows(query: str) -> list[Mapping[str, str]]:
        return per_unit[query].get(unit, [])

    return [
        ("Scores by capability and lens", "lens-scores",
         "The latest score (0 to 4) of each lens.",
         lambda: [_heatmap(unit, latest, namer) if latest else _empty()]),
        ("Lens make-up of each capability", "lens-scores",
         "Each bar is one capability's total, split by lens.",
         lambda: [_stacked_bars(unit, latest, namer)] if latest else []),
        ("Progress to target", "progress-to-target",
         "Weighted progress towards the target score; the formula is inferred from the "
         "Foundation's example table (see the query's description).",
         lambda: [_progress_bars(rows("progress-to-target"), namer)]),
        ("Lens profile", "weakest-lenses",
         "The average score of each lens over the unit's capabilities; weakest lenses in bold.",
         lambda: [_radar(unit, rows("weakest-lenses"), namer)] if rows("weakest-lenses")
         else [_empty()]),
        ("Change since the previous assessment", "score-trend",
         "Change of each lens and of the total since the unit's previous assessment.",
         lambda: [_change_grid(rows("score-trend"), namer)]),
        ("Who should act", "who-should-act",
         "For the unit's weakest capabilities: the personas that act in them, the unit's roles "
         "mapped to those personas and the people in those roles.",
         lambda: [_who_table(rows("who-should-act"), namer)]),
    ]


def _page(title: str, before: str, sections: list[Section]) -> Iterator[bytes]:
    head, tail = _PAGE.split("{body}")
    yield head.format(title=_e(title), style=_STYLE).encode("utf-8") + before.encode("utf-8")
    for index, (heading, query, note, parts) in enumerate(sections):
        yield (("\n" if index else "") + f'<section id="{query}-{index}"><h2>{_e(heading)}</h2>'
               f'<p class="note">{_e(note)} <span class="source">Query: <code>{query}</code>'
               "</span></p>\n").encode("utf-8")
        for number, part in enumerate(parts()):
            yield (("\n" if number else "") + part).encode("utf-8")
        yield b"</section>"
    yield tail.encode("utf-8")


def _back_link(title: str) -> str:
    return f'<p><a href="{INDEX}">← {_e(title)}: all units</a></p>\n'


def _unit_links(units: Sequence[str], files: Mapping[str, str], namer: _Namer) -> str:
    if not units:
        return '<p class="empty">No unit has a lens-scored assessment in this data.</p>'
    return '<ul class="units">' + "".join(
        f'<li><a href="{files[unit]}">{_e(namer(unit))}</a></li>' for unit in units) + "</ul>"


class _Namer:
    """Names IRIs by their labels, or by their last segment when they have none."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels

    def __call__(self, iri: str) -> str:
        return self.labels.get(iri) or _last_segment(iri)


def _last_segment(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _latest_lens_scores(rows: Rows) -> dict[str, dict[str, dict[str, int]]]:
    """Return unit -> capability -> lens -> score of each unit and capability's latest date."""
    latest: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["unit"], row["capability"])
        latest[key] = max(latest.get(key, ""), row["date"])
    scores: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        if row["date"] == latest[(row["unit"], row["capability"])]:
            scores[row["unit"]][row["capability"]][_lens(row["lens"])] = int(row["score"])
    return scores


def _lens(iri: str) -> str:
    return iri.removeprefix(LENS_IRI)


def _by_unit(rows: Rows) -> dict[str, list[Mapping[str, str]]]:
    groups: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        groups[row["unit"]].append(row)
    return groups


def _linked(unit: str, files: Mapping[str, str], namer: _Namer, length: int | None = None) -> str:
    """Return the unit's name, as a link to its page when it has one."""
    name = _e(namer(unit) if length is None else _clip(namer(unit), length))
    return f'<a href="{files[unit]}">{name}</a>' if unit in files else name


def _data(query: str, **values: str) -> str:
    attributes = " ".join(f'data-{name}="{_e(value)}"' for name, value in values.items())
    return f'data-query="{query}" {attributes}'


def _heatmap(unit: str, capabilities: dict[str, dict[str, int]], namer: _Namer) -> str:
    names = sorted(capabilities, key=namer)
    cell, left, top = 36, 230, 84
    width, height = left + cell * len(LENSES) + 70, top + cell * len(names) + 10
    parts = [f'<text x="{left}" y="18" class="caption">{_e(namer(unit))}</text>']
    for column, lens in enumerate(LENSES):
        x = left + column * cell + cell / 2
        parts.append(f'<text x="{x - 4}" y="{top - 6}" class="axis" text-anchor="start" '
                     f'transform="rotate(-40 {x - 4} {top - 6})">{lens.capitalize()}</text>')
    for row, capability in enumerate(names):
        y = top + row * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" class="axis" '
                     f'text-anchor="end">{_e(_clip(namer(capability), 34))}</text>')
        for column, lens in enumerate(LENSES):
            score = capabilities[capability].get(lens)
            if score is None:
                continue
            colour = SCORE_COLOURS[score]
            x = left + column * cell
            parts.append(
                f'<g {_data("lens-scores", unit=unit, capability=capability, lens=LENS_IRI + lens, value=str(score))}>'
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{colour}">'
                f'<title>{_e(namer(capability))}, {lens}: {score}</title></rect>'
                f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                f'fill="{text_colour(colour)}">{score}</text></g>')
    return _svg(width, height, parts, f"Lens scores of {namer(unit)}")


def _totals_grid(rows: Rows, namer: _Namer, files: Mapping[str, str]) -> str:
    if not rows:
        return _empty()
    units = {unit: place for place, unit in
             enumerate(sorted({row["unit"] for row in rows}, key=namer))}
    capabilities = {capability: place for place, capability in
                    enumerate(sorted({row["capability"] for row in rows}, key=namer))}
    cell, left, top = 34, 200, 140
    width, height = left + cell * len(capabilities) + 10, top + cell * len(units) + 10
    parts = []
    for column, capability in enumerate(capabilities):
        x = left + column * cell + cell / 2
        parts.append(f'<text x="{x}" y="{top - 8}" class="axis" text-anchor="start" '
                     f'transform="rotate(-60 {x} {top - 8})">{_e(_clip(namer(capability), 28))}</text>')
    for row_index, unit in enumerate(units):
        y = top + row_index * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" class="axis" '
                     f'text-anchor="end">{_linked(unit, files, namer, 30)}</text>')
    for row in rows:
        x = left + capabilities[row["capability"]] * cell
        y = top + units[row["unit"]] * cell
        colour = SCORE_COLOURS[min(4, int(row["total"]) // 5)]
        parts.append(
            f'<g {_data("assessment-heatmap", unit=row["unit"], capability=row["capability"], value=row["total"])}>'
            f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{colour}">'
            f'<title>{_e(namer(row["unit"]))}, {_e(namer(row["capability"]))}: '
            f'{row["total"]} of 20 ({row["percent"]} %) on {row["date"]}</title></rect>'
            f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
            f'fill="{text_colour(colour)}">{row["total"]}</text></g>')
    return _svg(width, height, parts, "Totals by unit and capability")


def _stacked_bars(unit: str, capabilities: dict[str, dict[str, int]], namer: _Namer) -> str:
    names = sorted(capabilities, key=namer)
    scale, left, bar, top = 14, 230, 22, 40
    width, height = left + 20 * scale + 60, top + bar * len(names) + 40
    parts = [f'<text x="{left}" y="18" class="caption">{_e(namer(unit))}</text>']
    for row, capability in enumerate(names):
        y = top + row * bar
        parts.append(f'<text x="{left - 6}" y="{y + 15}" class="axis" text-anchor="end">'
                     f'{_e(_clip(namer(capability), 34))}</text>')
        x = left
        for lens in LENSES:
            score = capabilities[capability].get(lens, 0)
            if score:
                parts.append(
                    f'<rect {_data("lens-scores", unit=unit, capability=capability, lens=LENS_IRI + lens, value=str(score))} '
                    f'x="{x}" y="{y}" width="{score * scale}" height="{bar - 4}" '
                    f'fill="{LENS_COLOURS[lens]}"><title>{lens}: {score}</title></rect>')
            x += score * scale
        parts.append(f'<text x="{x + 4}" y="{y + 14}" class="axis">'
                     f'{sum(capabilities[capability].values())}</text>')
    legend_y = top + bar * len(names) + 16
    for index, lens in enumerate(LENSES):
        x = left + index * 80
        parts.append(f'<rect x="{x}" y="{legend_y}" width="10" height="10" '
                     f'fill="{LENS_COLOURS[lens]}"/><text x="{x + 14}" y="{legend_y + 9}" '
                     f'class="axis">{lens}</text>')
    return _svg(width, height, parts, f"Lens make-up of {namer(unit)}'s capabilities")


def _progress_bars(rows: Rows, namer: _Namer) -> str:
    if not rows:
        return _empty()
    ordered = sorted(rows, key=lambda r: (namer(r["unit"]), namer(r["capability"])))
    scale, left, bar, top = 3, 330, 22, 10
    width, height = left + 100 * scale + 170, top + bar * len(ordered) + 10
    parts = []
    for index, row in enumerate(ordered):
        y = top + index * bar
        progress = float(row["progress"])
        label = f'{namer(row["unit"])}: {namer(row["capability"])}'
        parts.append(f'<text x="{left - 6}" y="{y + 15}" class="axis" text-anchor="end">'
                     f'{_e(_clip(label, 52))}</text>'
                     f'<rect x="{left}" y="{y}" width="{100 * scale}" height="{bar - 4}" '
                     f'fill="#eaeef2"/>'
                     f'<rect {_data("progress-to-target", unit=row["unit"], capability=row["capability"], value=row["progress"])} '
                     f'x="{left}" y="{y}" width="{progress * scale:.1f}" height="{bar - 4}" '
                     f'fill="{LENS_COLOURS["process"] if progress >= 100 else NEUTRAL}">'
                     f'<title>{row["progress"]} %</title></rect>'
                     f'<text x="{left + 100 * scale + 6}" y="{y + 14}" class="axis">'
                     f'{row["progress"]} % · {row["total"]} of target {row["target"]} '
                     f'({_signed(row["relativeToTarget"])})</text>')
    return _svg(width, height, parts, "Progress to target")


def _radar(unit: str, rows: Sequence[Mapping[str, str]], namer: _Namer) -> str:
    size, radius = 260, 90
    centre = size / 2
    averages = {_lens(row["lens"]): row for row in rows}

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(LENSES)
        return (centre + radius * value / 4 * math.cos(angle),
                centre + 10 + radius * value / 4 * math.sin(angle))

    parts = [f'<text x="8" y="16" class="caption">{_e(_clip(namer(unit), 40))}</text>']
    for ring in (1, 2, 3, 4):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                               (point(i, ring) for i in range(len(LENSES))))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#d0d7de"/>')
    shape = []
    for index, lens in enumerate(LENSES):
        x, y = point(index, 4.6)
        row = averages.get(lens)
        weight = ' font-weight="bold"' if row and row["weakest"] == "true" else ""
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" class="axis" text-anchor="middle"{weight}>'
                     f'{lens}</text>')
        if row:
            value = float(row["average"])
            px, py = point(index, value)
            shape.append(f"{px:.1f},{py:.1f}")
            parts.append(f'<circle {_data("weakest-lenses", unit=unit, lens=row["lens"], value=row["average"])} '
                         f'cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{DARK}">'
                         f'<title>{lens}: average {row["average"]}, lowest {row["lowest"]}</title>'
                         f'</circle>')
    parts.insert(1, f'<polygon points="{" ".join(shape)}" fill="{LENS_COLOURS["knowledge"]}" '
                    f'fill-opacity="0.35" stroke="{LENS_COLOURS["knowledge"]}"/>')
    return _svg(size, size + 20, parts, f"Lens profile of {namer(unit)}", inline=True)


def _change_grid(rows: Rows, namer: _Namer) -> str:
    header = ["Unit", "Capability", "From", "To", *(lens.capitalize() for lens in LENSES),
              "Total", "Change"]
    body = []
    for row in sorted(rows, key=lambda r: (namer(r["unit"]), namer(r["capability"]))):
        cells = [_e(namer(row["unit"])), _e(namer(row["capability"])), row["previousDate"],
                 row["date"]]
        cells += [_delta("score-trend", row, lens, row[lens]) for lens in LENSES]
        cells += [f'{row["previousTotal"]} → {row["total"]}',
                  _delta("score-trend", row, "change", row["change"])]
        body.append(cells)
    return _table(header, body)


def _delta(query: str, row: Mapping[str, str], field: str, value: str) -> str:
    number = int(value)
    kind = "up" if number > 0 else "down" if number < 0 else "same"
    return (f'<span class="{kind}" {_data(query, unit=row["unit"], capability=row["capability"], field=field, value=value)}>'
            f"{_signed(value)}</span>")


def _rollup_table(rows: Rows, namer: _Namer, files: Mapping[str, str]) -> str:
    header = ["Unit (and the units below it)", "Capability", "Units assessed", "Average total",
              "Lowest", "Highest"]
    body = [[_linked(row["unit"], files, namer), _e(namer(row["capability"])), row["units"],
             f'<span {_data("org-rollup", unit=row["unit"], capability=row["capability"], value=row["average"])}>'
             f'{row["average"]}</span>', row["lowest"], row["highest"]]
            for row in sorted(rows, key=lambda r: (namer(r["unit"]), namer(r["capability"])))]
    return _table(header, body)


def _who_table(rows: Rows, namer: _Namer) -> str:
    header = ["Unit", "Capability", "Below target", "Persona", "Role", "Person", "Activities"]
    body = [[_e(namer(row["unit"])), _e(namer(row["capability"])),
             f'<span {_data("who-should-act", unit=row["unit"], capability=row["capability"], value=row["relativeToTarget"])}>'
             f'{_signed(row["relativeToTarget"])}</span>',
             _e(namer(row["persona"])), _e(namer(row["role"])),
             _e(row.get("personName") or namer(row["person"])), row["activities"]]
            for row in rows]
    return _table(header, body)


def _table(header: Iterable[str], body: Sequence[Sequence[str]]) -> str:
    if not body:
        return _empty()
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    rows = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
                     for cells in body)
    return f'<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'


def _svg(width: float, height: float, parts: list[str], label: str, inline: bool = False) -> str:
    kind = "chart small" if inline else "chart"
    return (f'<svg class="{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{_e(label)}" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">\n' + "\n".join(parts) + "\n</svg>")


def _empty() -> str:
    return '<p class="empty">No rows: the query found nothing in this data.</p>'


def _signed(value: str) -> str:
    return f"+{value}" if not value.startswith("-") and value not in ("0", "0.0") else value


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; color: #24292f; margin: 2rem auto; max-width: 1100px; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
.note { color: #57606a; } code { font-size: 0.9em; }
svg.chart { display: block; margin: 0.8rem 0; max-width: 100%; height: auto; }
svg.small { display: inline-block; margin: 0.3rem; }
svg text { font: 11px system-ui, sans-serif; }
svg text.axis, svg text.caption { fill: #24292f; }
svg text.caption { font-weight: 600; font-size: 12px; }
table { border-collapse: collapse; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.25rem 0.6rem; text-align: left; }
.up { color: #1a7f37; font-weight: 600; } .down { color: #cf222e; font-weight: 600; }
.empty { font-style: italic; color: #57606a; }
ul.units { columns: 16rem; padding-left: 1.2rem; } svg a { fill: #0969da; }
footer { margin-top: 3rem; color: #57606a; font-size: 0.9em; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<p class="note">Made by finops-kg from your assessments and the FinOps Framework. Every chart
shows the rows of the catalogue query named under its heading.</p>
{body}
<footer>The FinOps Framework by the FinOps Foundation, licensed under CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/); finops-kg adapted its text. Your assessments are
your own data.</footer>
</body>
</html>
"""
