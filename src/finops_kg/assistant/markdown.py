"""An answer as the tools give it: Markdown for the assistant to read, JSON for a program."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finops_kg.assistant.citations import Citations
from finops_kg.assistant.paging import Page
from finops_kg.graph.iris import shorten


@dataclass(frozen=True)
class Answer:
    """A tool's answer: its Markdown text and its structured content."""

    text: str
    data: dict[str, Any]


def finish(lines: list[str], data: dict[str, Any], cited: Citations,
           page: Page[Any] | None = None) -> Answer:
    """Return the answer: the lines, a note on the next page if there is one, the citations."""
    if page is not None:
        data["page"] = page.to_dict()
        lines = lines + [""] + paging_note(page)
    data["citations"] = cited.to_dict()
    return Answer("\n".join(lines).rstrip() + "\n\n" + cited.markdown(), data)


def paging_note(page: Page[Any]) -> list[str]:
    """Return the line that says which items the page holds and how to get the next ones."""
    if not page.items:
        return []
    shown = f"Items {page.offset + 1}–{page.offset + len(page.items)} of {page.total}."
    if page.next_cursor:
        return [f"*{shown} More: call again with the same arguments and "
                f"cursor=\"{page.next_cursor}\".*"]
    return [f"*{shown}*"] if page.total > len(page.items) else []


def link(name: str, iri: str | None = None, source: str | None = None) -> str:
    """Return a name as Markdown, linked to its finops.org page, with its CURIE."""
    shown = f"[{name}]({source})" if source else name
    return f"{shown} `{shorten(iri)}`" if iri else shown


def cell(value: Any) -> str:
    """Return a value as one table cell: no pipes, no line breaks."""
    if value is None:
        return ""
    text = shorten(value) if isinstance(value, str) and value.startswith("https://w3id.org/") \
        else str(value)
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def number(text: str | None) -> float | int | None:
    """Return a query's numeric cell as an int when it is whole, else a float; None if empty."""
    if text is None or text == "":
        return None
    value = float(text)
    return int(value) if value.is_integer() else value
