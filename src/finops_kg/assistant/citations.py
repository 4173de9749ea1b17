"""What every answer rests on: IRIs, finops.org pages, the edition, and what is not official.

An assistant should be able to say where each fact comes from. Each answer therefore lists the
IRIs of the elements and statements it shows, their finops.org pages (dcterms:source), the
edition, whether everything in it is the FinOps Foundation's own statement or some of it is
derived by finops-kg (or comes from the organisation's own workspace), and the CC BY 4.0
attribution of the adapted content.
"""

from __future__ import annotations

from typing import Any

from finops_kg.assistant.backend import Backend
from finops_kg.graph.iris import edition_iri, shorten

# Why a statement is not the FinOps Foundation's own, for answers that the cards do not give.
QUERY_ROWS = ("computed by a finops-kg SPARQL query over the edition's graph, whose OWL 2 RL "
              "entailments are included; names, numbers and links are as published")
WORKSPACE = ("your organisation's own data from the workspace (assessments, units, roles, "
             "people and mapping sets), joined to the Framework by finops-kg; not the "
             "FinOps Foundation's")
CATALOGUE = "the query catalogue is finops-kg's own; it states nothing about the Framework"
MAX_CITED = 200  # IRIs listed in one answer's citations at most


class Citations:
    """Collects what one answer cites, then gives it as JSON and as a Markdown footer."""

    def __init__(self, backend: Backend, edition: str) -> None:
        self.backend = backend
        self.edition = edition
        self.iris: list[str] = []
        self.derived: list[dict[str, str]] = []
        self.urls: list[str] = []

    def add(self, *iris: str | None) -> None:
        """Cite the elements or statements with these IRIs (None and repeats are skipped)."""
        for value in iris:
            if value and value.startswith(("http://", "https://", "urn:")) and \
                    value not in self.iris:
                self.iris.append(value)

    def url(self, *urls: str | None) -> None:
        """Cite these pages directly (a card's own finops.org pages and permalinks)."""
        for value in urls:
            if value and value not in self.urls:
                self.urls.append(value)

    def derive(self, statement: str, why: str) -> None:
        """Say that a statement of the answer is derived, and why; once per statement and why."""
        entry = {"statement": statement, "why": why}
        if entry not in self.derived:
            self.derived.append(entry)

    def sources(self) -> list[str]:
        """Return the finops.org pages of the cited IRIs, then the pages cited directly."""
        found = list(self.urls)
        for value in self.iris:
            page = self.backend.source(value, self.edition)
            if page and page not in found:
                found.append(page)
        return found

    def to_dict(self) -> dict[str, Any]:
        """Return the citations as the tools' output schema has them."""
        licence = self.backend.licence(self.edition)
        return {"edition": self.edition, "edition_iri": edition_iri(self.edition),
                "official": not self.derived, "derived": list(self.derived),
                "iris": self.iris[:MAX_CITED], "sources": self.sources(),
                "attribution": licence.rights, "licence": licence.licence}

    def markdown(self) -> str:
        """Return the citations as the footer of a Markdown answer."""
        data = self.to_dict()
        kind = ("official statements of the FinOps Foundation" if data["official"]
                else "includes statements that are not the Foundation's (below)")
        lines = ["---", f"**Citations** · FinOps Framework {self.edition} "
                 f"(`{shorten(data['edition_iri'])}`) · {kind}"]
        for entry in data["derived"]:
            lines.append(f"- *Not official:* {entry['statement']}: {entry['why']}.")
        if data["sources"]:
            lines.append("- Sources: " + ", ".join(f"<{u}>" for u in data["sources"]))
        if data["iris"]:
            more = len(self.iris) - len(data["iris"])
            lines.append("- IRIs: " + ", ".join(f"`{shorten(i)}`" for i in data["iris"])
                         + (f" and {more} more" if more > 0 else ""))
        lines.append(f"- {data['attribution']} Licence: <{data['licence']}>.")
        return "\n".join(lines) + "\n"
