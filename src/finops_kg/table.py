"""Aligned plain-text tables, for output that a person reads."""

from __future__ import annotations

from typing import Sequence


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return rows under headers, columns padded to width; numeric columns align right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    numeric = [bool(rows) and all(isinstance(row[i], int) for row in rows)
               for i in range(len(headers))]

    def line(cells: Sequence[object]) -> str:
        padded = [str(cell).rjust(width) if right else str(cell).ljust(width)
                  for cell, width, right in zip(cells, widths, numeric)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)]) + "\n"
