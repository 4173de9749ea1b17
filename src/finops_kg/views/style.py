"""The one palette of the pictures and the explorer, so a domain has one colour everywhere."""

from __future__ import annotations

from collections.abc import Iterable

# The Framework's domains in its own order, each with an Okabe–Ito colour: distinguishable with
# the common kinds of colour blindness.
DOMAIN_COLOURS = {"Understand Usage & Cost": "#0072B2", "Quantify Business Value": "#E69F00",
                  "Optimize Usage & Cost": "#009E73", "Manage the FinOps Practice": "#CC79A7"}
# The rest of the Okabe–Ito set, for domains that are not among the Framework's four.
SPARE_COLOURS = ("#56B4E9", "#D55E00", "#F0E442")
# A node without a domain, and the lines between nodes: a grey that no domain uses.
NEUTRAL = "#8c959f"
# Core personas are filled with it, allied ones outlined (dashed); it is also the dark text colour.
DARK = "#24292f"
LIGHT = "#ffffff"
# The five assessment lenses in the assessment report: Okabe–Ito again, one colour per lens.
LENS_COLOURS = {"knowledge": "#0072B2", "process": "#009E73", "metrics": "#E69F00",
                "adoption": "#CC79A7", "automation": "#56B4E9"}
# Lens scores 0 to 4 (and totals in fifths of 20): a sequential blue scale, light to dark.
SCORE_COLOURS = ("#f6f8fa", "#c6dbef", "#9ecae1", "#4292c6", "#08519c")


def domain_colours(labels: Iterable[str]) -> dict[str, str]:
    """Map each domain label to its colour, the Framework's four first in the Framework's order."""
    present = set(labels)
    known = {label: colour for label, colour in DOMAIN_COLOURS.items() if label in present}
    # Others take the spare colours in label order, so the same labels always get the same colours.
    others = sorted(present - set(DOMAIN_COLOURS))
    return known | {label: SPARE_COLOURS[index % len(SPARE_COLOURS)]
                    for index, label in enumerate(others)}


def text_colour(background: str) -> str:
    """Return DARK or LIGHT, whichever contrasts more with a #rrggbb background (WCAG 2)."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    shade = luminance(background)
    return DARK if (shade + 0.05) / (luminance(DARK) + 0.05) > 1.05 / (shade + 0.05) else LIGHT
