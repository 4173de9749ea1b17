"""Reading a workspace: its published generation, read-only, with the query dataset of finops-kg.

A query on a workspace sees what a query with `--data` sees: its default graph is the union of the
ontology and the edition's graph, which in a workspace holds the user's graphs too; every graph,
the user's own included, is a named graph. The store itself keeps its default graph empty, and
the view gives each query that default graph unless the query names its own dataset (FROM, FROM
NAMED) or the caller does (the Protocol's default-graph-uri and named-graph-uri).
"""

from __future__ import annotations

import re
from typing import IO, Any

import pyoxigraph
from pyoxigraph import NamedNode

from finops_kg.graph.iris import ONTOLOGY_IRI, edition_iri
from finops_kg.workspace.folder import Folder
from finops_kg.workspace.metadata import Info, read_info

# Strings, IRIs and comments, which may contain the word FROM without meaning it.
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>'
    r'|#[^\n]*')
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


def names_its_dataset(text: str) -> bool:
    """Return True when a query has FROM or FROM NAMED, which then define its dataset."""
    return bool(_FROM.search(_NOT_KEYWORDS.sub(" ", text)))


class DatasetView:
    """A read-only generation of a workspace, queried with the workspace's default graph.

    Everything but query goes to the pyoxigraph Store, which `store` also gives. The view holds
    the generation's reader lock, so no writer removes the generation while the view is in use.
    """

    def __init__(self, store: Any, info: Info, edition: str | None, generation: str,
                 lock: IO[str] | None = None) -> None:
        self._store = store
        self.info = info
        self.edition = edition or info.edition
        self.generation = generation
        self.default_graph = [NamedNode(ONTOLOGY_IRI), NamedNode(edition_iri(self.edition))]
        self._lock = lock

    @property
    def store(self) -> Any:
        """Return the pyoxigraph Store of the generation."""
        return self._store

    def query(self, text: str, **options: Any) -> Any:
        """Run a SPARQL query; without a dataset of its own it gets the workspace's default graph."""
        if not ({"default_graph", "use_default_graph_as_union"} & set(options)
                or names_its_dataset(text)):
            options["default_graph"] = self.default_graph
        return self.store.query(text, **options)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet: no store to ask
            raise AttributeError(name)
        return getattr(self.store, name)


class WritingView(DatasetView):
    """The generation a change is writing, as the readers of its files see it.

    It reaches the store through the change's writer, never holding it itself: a failed change
    lets go of the store, which closes it, and removes its folder, however long an error's
    traceback keeps this view.
    """

    def __init__(self, writer: Any, info: Info) -> None:
        super().__init__(None, info, None, "")
        self._writer = writer

    @property
    def store(self) -> Any:
        """Return the store being written, or None once the change has ended."""
        return self._writer.store


class Reader:
    """Keeps the published generation open, and opens the next one once a writer publishes it."""

    def __init__(self, folder: Folder, edition: str | None = None) -> None:
        self.folder = folder
        self.edition = edition
        self._view: DatasetView | None = None

    def current(self) -> DatasetView:
        """Return the view of the generation HEAD names now (reading one small file to know).

        A view of an older generation stays usable for as long as its holder keeps it.
        """
        if self._view is None or self.folder.head() != self._view.generation:
            name, lock = self.folder.open_for_reading()
            store = pyoxigraph.Store.read_only(str(self.folder.generation(name)))
            self._view = DatasetView(store, read_info(store), self.edition, name, lock)
        return self._view

    def close(self) -> None:
        """Let go of the generation; writers remove it once no view of it is left."""
        self._view = None
