"""Where the assistant's answers come from: the compiled dataset or a workspace, names cached.

Catalogue queries run here as `finops-kg query` runs them (parameters bound as RDF terms by
finops_kg.sparql.binding), but the names that parameters are resolved against, and the names
and finops.org pages of the elements an answer shows, are kept per store generation: an
assistant asks many small questions, and each would otherwise pay for them again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finops_kg.answer.card import ATTRIBUTION, LICENCE
from finops_kg.answer.rq import iri, select
from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.iris import DEFAULT_EDITION, edition_iri
from finops_kg.sparql.binding import LabelIndex, bind_parameters, graphs_read
from finops_kg.sparql.catalogue import find
from finops_kg.sparql.query import OxigraphRunner

Row = dict[str, str]


class AssistantError(FinopsKGError):
    """A question the server cannot answer as asked: the message says what to ask instead."""


@dataclass(frozen=True)
class Licence:
    """The attribution and licence that every answer about an edition ends with."""

    rights: str
    licence: str
    adapted_from: str


class Backend:
    """The stores the tools read: the compiled dataset always, a workspace when one is given."""

    def __init__(self, edition: str = DEFAULT_EDITION, workspace: str | Path | None = None) -> None:
        resources.check_edition(edition)
        self.edition = edition
        self.workspace_path = Path(workspace) if workspace is not None else None
        self._workspace: Any = None
        if self.workspace_path is not None:
            from finops_kg.workspace import Workspace

            # opened now, so that a folder that is no workspace stops the server before it starts;
            # its default graph is the edition the organisation's graphs joined when it was made
            self._workspace = Workspace.open(self.workspace_path, warn=True)
        self._framework: Any = None
        self._labels: dict[str, LabelIndex] = {}
        self._elements: dict[tuple[str, str], dict[str, Row]] = {}
        self._licences: dict[str, Licence] = {}
        self._lock = threading.Lock()

    # -- stores ------------------------------------------------------------------------------

    @property
    def has_workspace(self) -> bool:
        """Return True when the server answers about an organisation's own workspace too."""
        return self._workspace is not None

    def framework(self) -> Any:
        """Return the compiled dataset (every edition is a named graph of it)."""
        if self._framework is None:
            from finops_kg.release.compiled import open_dataset

            self._framework = open_dataset()
        return self._framework

    def organisation(self) -> Any:
        """Return the workspace's current generation, or fail when the server has none."""
        if self._workspace is None:
            raise AssistantError("this server reads no workspace: start it with "
                                 "finops-kg mcp --workspace DIR to ask about your assessments")
        return self._workspace.view()

    def default_edition(self, workspace: bool = False) -> str:
        """Return the edition a question is about by default.

        For a question about the organisation that is the workspace's own edition, which its
        graphs joined; else the server's.
        """
        if workspace and self.has_workspace:
            return self.organisation().edition
        return self.edition

    def store(self, workspace: bool = False) -> Any:
        """Return the workspace's store when asked for and there is one, else the dataset."""
        return self.organisation() if workspace and self.has_workspace else self.framework()

    @staticmethod
    def _key(store: Any) -> str:
        return f"{id(getattr(store, 'store', store))}:{getattr(store, 'generation', '')}"

    # -- catalogue queries -------------------------------------------------------------------

    def labels(self, store: Any) -> LabelIndex:
        """Return the names that parameters are resolved against, computed once per generation."""
        key = self._key(store)
        with self._lock:
            if key not in self._labels:
                self._labels[key] = OxigraphRunner(store).labels()
                _keep_newest(self._labels)
            return self._labels[key]

    def rows(self, name: str, *, workspace: bool = False, edition: str | None = None,
             **params: str) -> list[Row]:
        """Run the catalogue query name and return its rows as text; parameters are text values."""
        entry = find(name)
        if any(p.name == "edition" for p in entry.parameters):
            params.setdefault("edition", edition or self.default_edition(workspace))
        store = self.store(workspace)
        bindings = bind_parameters(entry, params, self.labels(store)) if entry.parameters else {}
        return OxigraphRunner(store).run(entry.text, bindings,
                                         graphs_read(entry.text, bindings)).to_text_dicts()

    def resolve(self, text: str, class_curie: str, parameter: str, *,
                workspace: bool = False) -> str:
        """Return the IRI of the individual of the class that text names, or fail with close names.

        text is a name (any case; former and alternative names count), a CURIE or an IRI.
        """
        store = self.store(workspace)
        return self.labels(store).resolve(text.strip(), class_curie, parameter).value

    # -- names, pages, licence -----------------------------------------------------------------

    def elements(self, edition: str | None = None, *, workspace: bool = False) -> dict[str, Row]:
        """Return, per IRI of the edition's graph, its name and its finops.org page."""
        edition = edition or self.default_edition(workspace)
        store = self.store(workspace)
        key = (self._key(store), edition)
        with self._lock:
            if key not in self._elements:
                rows = select(store, "assistant", "elements", edition=iri(edition_iri(edition)))
                self._elements[key] = {row["element"]: row for row in rows}
                _keep_newest(self._elements)
            return self._elements[key]

    def name(self, element: str, edition: str | None = None, *, workspace: bool = False) -> str:
        """Return the name of an element in the edition, else the end of its IRI."""
        row = self.elements(edition, workspace=workspace).get(element)
        if row and row.get("name"):
            return row["name"]
        return element.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def source(self, element: str, edition: str | None = None) -> str | None:
        """Return the finops.org page of an element (dcterms:source), if it has one."""
        row = self.elements(edition).get(element)
        return row.get("source") if row else None

    def licence(self, edition: str | None = None) -> Licence:
        """Return the rights statement and licence of the edition's dataset node."""
        edition = edition or self.edition
        with self._lock:
            if edition not in self._licences:
                rows = select(self.framework(), "assistant", "licence",
                              edition=iri(edition_iri(edition)))
                row = rows[0] if rows else {}
                self._licences[edition] = Licence(
                    row.get("rights", ATTRIBUTION), row.get("license", LICENCE),
                    row.get("derivedFrom", "https://www.finops.org/framework/"))
            return self._licences[edition]

    def check_edition(self, edition: str | int | None) -> str:
        """Return the edition asked for (the server's by default), or fail listing the editions."""
        if edition is None or not str(edition).strip():
            return self.edition
        try:
            resources.check_edition(str(edition).strip())
        except FinopsKGError as error:
            raise AssistantError(str(error)) from None
        return str(edition).strip()


def _keep_newest(cache: dict[Any, Any], size: int = 6) -> None:
    # each workspace load publishes a new generation: a long-running server forgets old ones
    while len(cache) > size:
        del cache[next(iter(cache))]


__all__ = ["AssistantError", "Backend", "Licence", "Row"]
