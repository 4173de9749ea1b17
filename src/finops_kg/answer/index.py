"""The search index of one edition: built from the compiled dataset, kept beside it in the cache.

Each document is one text of one element in one field (a name, a job title, a definition, an
activity's sentence, a formula, a crosswalk target's name...). BM25 (bm25s) scores the documents
on Snowball stems; the field weights and the grouping of documents into elements are applied in
search.py. Building takes a second and happens once per dataset and index code; loading reads a
few small files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from finops_kg.answer.kinds import SENTENCE_NAMED, kind_of
from finops_kg.answer.rq import iri, select
from finops_kg.graph import resources
from finops_kg.graph.iris import FO_IRI, edition_iri
from finops_kg.release.compiled import cache_dir, dataset_key, open_dataset

INDEX_CODE = ("index.py", "kinds.py", "text.py")  # the modules whose change rebuilds it


@dataclass(frozen=True)
class Element:
    """One element that search can report, with what a hit shows about it."""

    iri: str
    type: str
    name: str
    source: str | None = None
    capability: str | None = None
    capability_name: str | None = None
    persona: str | None = None
    persona_name: str | None = None


@dataclass
class SearchIndex:
    """The elements, documents and BM25 scores of one edition, with the words for typo repair."""

    edition: str
    elements: list[Element]
    doc_element: list[int]  # per document: the index of its element
    doc_field: list[str]
    doc_text: list[str]
    retriever: Any  # a bm25s.BM25 over the documents' stems
    surface: dict[str, str]  # every indexed word (normalised) -> its stem

    @cached_property
    def positions(self) -> dict[str, int]:
        """Return the position of each element by IRI."""
        return {element.iri: i for i, element in enumerate(self.elements)}

    @cached_property
    def exact_names(self) -> dict[str, set[int]]:
        """Return the elements by each of their names, former names and job titles, normalised."""
        from finops_kg.answer.text import words

        names: dict[str, set[int]] = {}
        for element, field, text in zip(self.doc_element, self.doc_field, self.doc_text):
            if field in ("name", "alt", "role"):
                names.setdefault(" ".join(words(text)).lower(), set()).add(element)
        return names

    @cached_property
    def role_heads(self) -> frozenset[str]:
        """Return the words that end a typical job title, such as analyst, architect or cfo."""
        from finops_kg.answer.text import words

        return frozenset(words(text)[-1] for field, text in zip(self.doc_field, self.doc_text)
                         if field == "role" and words(text))


@lru_cache(maxsize=1)
def index_key() -> str:
    """Return the key of the search indexes: the dataset's key, this code's and its queries'.

    Computed once per process, as the dataset's key is: the sources do not change under a run.
    """
    import bm25s

    digest = hashlib.sha256(dataset_key().encode())
    digest.update(bm25s.__version__.encode())
    here = Path(__file__).resolve().parent
    for path in [here / name for name in INDEX_CODE] + sorted(
            (resources.resource_root() / "queries" / "search").glob("*.rq")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_index(store: Any, edition: str) -> SearchIndex:
    """Read the edition's elements and texts from the dataset and index them with BM25."""
    import bm25s

    from finops_kg.answer.text import stem, tokens, words

    graph = iri(edition_iri(edition))
    found: dict[str, dict[str, str]] = {}
    classes: dict[str, set[str]] = {}
    for row in select(store, "search", "elements", edition=graph):
        found.setdefault(row["element"], row)
        classes.setdefault(row["element"], set()).add(row["class"].removeprefix(FO_IRI))
    elements, position = [], {}
    for element_iri in sorted(found):
        kind = kind_of(classes[element_iri])
        if kind is None:  # a record that only serves another element, such as an edition name
            continue
        row = found[element_iri]
        position[element_iri] = len(elements)
        elements.append(Element(element_iri, kind, row["name"], row.get("source"),
                                row.get("capability"), row.get("capabilityName"),
                                row.get("persona"), row.get("personaName")))
    doc_element, doc_field, doc_text, corpus = [], [], [], []
    surface: dict[str, str] = {}
    for row in select(store, "search", "texts", edition=graph):
        if row["element"] not in position:
            continue
        stems = tokens(row["text"])
        if not stems:  # nothing but stopwords, such as a data source named "IT"
            continue
        doc_element.append(position[row["element"]])
        kind = elements[position[row["element"]]].type
        # a change record's or a target's name is a sentence: it weighs as a statement does
        sentence = row["field"] == "name" and kind in SENTENCE_NAMED
        doc_field.append("statement" if sentence else row["field"])
        doc_text.append(row["text"])
        corpus.append(stems)
        for word in words(row["text"]):
            if word not in surface and len(word) > 2 and not word.isdigit():
                surface[word] = stem(word)
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(corpus, show_progress=False)
    return SearchIndex(edition, elements, doc_element, doc_field, doc_text, retriever, surface)


def save_index(index: SearchIndex, folder: Path) -> None:
    """Write the index into folder: the BM25 arrays and a JSON file of elements and documents."""
    index.retriever.save(str(folder / "bm25"), show_progress=False)
    document = {"edition": index.edition, "elements": [asdict(e) for e in index.elements],
                "doc_element": index.doc_element, "doc_field": index.doc_field,
                "doc_text": index.doc_text, "surface": index.surface}
    (folder / "index.json").write_text(json.dumps(document, ensure_ascii=False),
                                       encoding="utf-8")


def read_index(folder: Path) -> SearchIndex:
    """Read an index that save_index wrote."""
    import bm25s

    document = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
    return SearchIndex(document["edition"], [Element(**e) for e in document["elements"]],
                       document["doc_element"], document["doc_field"], document["doc_text"],
                       retriever, document["surface"])


def index_folder(edition: str) -> Path:
    """Return the cache folder of one edition's index."""
    return cache_dir() / f"search-{edition}-{index_key()}"


def index_is_ready(edition: str) -> bool:
    """Return True if the edition's index is in memory or in the cache, so loading is quick."""
    resources.check_edition(edition)
    return (edition, index_key()) in _loaded or (index_folder(edition) / "index.json").is_file()


def forget_loaded() -> None:
    """Forget the indexes loaded in this process, so that the next search reads or builds anew."""
    _loaded.clear()


def load_index(edition: str) -> SearchIndex:
    """Return the edition's index: read from the cache, or built and written there first."""
    resources.check_edition(edition)
    key = (edition, index_key())
    if key not in _loaded:
        _loaded[key] = _load(edition)
    return _loaded[key]


_loaded: dict[tuple[str, str], SearchIndex] = {}  # by (edition, index key): a few editions


def _load(edition: str) -> SearchIndex:
    folder = index_folder(edition)
    if (folder / "index.json").is_file():
        return read_index(folder)
    index = build_index(open_dataset(), edition)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError:  # an unwritable cache only costs time: keep the index in memory
        return index
    try:
        save_index(index, building)
        os.replace(building, folder)
    except OSError:  # another process wrote it first, or the disk is full: use what we built
        shutil.rmtree(building, ignore_errors=True)
    return index
