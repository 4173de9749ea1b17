"""Time every export and picture, the whole site, and the explorer's first render in Chromium.

    .venv/bin/python benchmarks/bench_viz.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from finops_kg.graph import resources
from finops_kg.views.export import EXPORT_FORMATS, export
from finops_kg.release.dataset import load
from finops_kg.views.pictures import draw

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def median_s(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    graph = load("2026")
    editions = {e: load(e) for e in resources.available_editions()}
    print(f"{'output':<40} {'median s':>9}")
    for fmt in EXPORT_FORMATS:
        print(f"{'export --format ' + fmt:<40} {median_s(lambda: export(fmt), args.runs):>9.3f}")
    pictures = [("matrix", "m.svg", None), ("matrix", "m.png", None), ("domains", "d.svg", None),
                ("persona", "p.svg", "Finance"), ("capability", "c.mmd", "Allocation"),
                ("network", "n.html", None)]
    for kind, out, name in pictures:
        seconds = median_s(lambda: draw(kind, graph, Path(out), name, editions), args.runs)
        print(f"{'viz ' + kind + ' ' + Path(out).suffix:<40} {seconds:>9.3f}")
    with tempfile.TemporaryDirectory() as folder:
        from finops_kg.views.site import build_site_with_pictures

        seconds = median_s(lambda: build_site_with_pictures(Path(folder) / "site"), 1)
        print(f"{'site (whole, with pictures)':<40} {seconds:>9.3f}")
        explorer = Path(folder) / "explorer.html"
        explorer.write_bytes(draw("network", graph, explorer, None, editions))
        print(f"{'explorer first render in Chromium':<40} {first_render(explorer):>9.3f}")


def first_render(path: Path) -> float:
    """Seconds from navigation start to the explorer's first drawn frame (Performance API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        times = []
        for _ in range(3):
            page = browser.new_page()
            page.goto(path.as_uri())
            page.wait_for_function("window.__explorerReady !== undefined")
            times.append(page.evaluate("window.__explorerReady") / 1000)
            page.close()
        browser.close()
    print(f"  first render over 3 loads: {', '.join(f'{t:.3f}' for t in times)} s", file=sys.stderr)
    return statistics.median(times)


if __name__ == "__main__":
    main()
