"""Ranked search over the Framework: BM25 on stems, weighted by field, forgiving of typos.

An element's score is the weighted sum, over its fields, of its documents' BM25 scores (the
best document of a field counts fully, the next ones less, so five matching job titles beat one
but not by five times). A capability also gains from its activities, maturity characteristics,
measures of success, areas and targets, so that a practitioner's question about the work finds
the capability the work belongs to. A query word that the index does not know is replaced by
the closest indexed words (rapidfuzz), so "alocation" finds Allocation.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass
from typing import Any

from finops_kg.answer.index import SearchIndex, load_index
from finops_kg.answer.kinds import CHILD_TYPES, element_type
from finops_kg.answer.text import STOPWORDS, snippet, stem, words
from finops_kg.errors import FinopsKGError
from finops_kg.graph.iris import DEFAULT_EDITION

# How much a match in each field counts: a name above other names and job titles, above
# definitions and statements, above formulas, data sources and crosswalk targets.
FIELD_WEIGHTS = {"name": 3.0, "alt": 2.0, "role": 2.0, "definition": 1.0, "statement": 1.0,
                 "data-source": 0.7, "formula": 0.5, "crosswalk": 0.5}
DECAY = (1.0, 0.5, 0.25, 0.125)  # the best documents of one field, then fewer
CHILD_WEIGHT = 0.6  # how much a capability gains from its statements' scores
CHILD_DECAY = (1.0, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1)
EXACT_NAME = 2.0  # the factor for an element whose name, former name or job title is the query
COVERAGE_POWER = 2.0  # how strongly the share of the query's words matched counts
JOB_TITLE_WORDS = 4  # a query this short that ends like a job title is read as one
JOB_TITLE_BOOST = 3.0  # then personas count this much more
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for a misspelt word to stand for an indexed one
FUZZY_TIE = 0.5  # words as close as the closest one stand for the misspelt word too
FUZZY_MIN_LENGTH = 4

MAX_QUERY_CHARS = 2000  # a longer text is cut here: search stays fast whatever it is given
MAX_QUERY_WORDS = 32
MAX_LIMIT = 100


class SearchError(FinopsKGError):
    """A search cannot run: an empty text or a limit out of range."""


@dataclass(frozen=True)
class Hit:
    """One search result: what was found, why (field and snippet), where from, and how well."""

    type: str
    iri: str
    name: str
    snippet: str  # the matching text, matched words marked **so**
    field: str  # the field that matched best, such as name, role or activity
    source: str | None  # the finops.org page (dcterms:source)
    score: float
    edition: str
    capability: str | None = None  # for a statement: the capability it belongs to
    capability_name: str | None = None
    persona: str | None = None  # for an activity: the persona or group it is for
    persona_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the hit as a JSON-ready dict."""
        return asdict(self)


def search(text: str, type: str | None = None, edition: str | None = None,
           limit: int = 10) -> list[Hit]:
    """Return the elements that best match text, best first, at most limit of them.

    text is a name, a job title or a question in any words; type keeps one kind of element
    (kinds.TYPES, or a short form such as "characteristic"); edition defaults to the current
    one; limit is 1 to MAX_LIMIT. Raises SearchError for an empty text or a limit out of
    range, UnknownTypeError and UnknownEditionError for a type or edition that does not exist
    (all FinopsKGError). A text whose words the index does not know gives no hits.
    """
    kind = check_search(text, type, limit)
    index = load_index(edition or DEFAULT_EDITION)
    return rank(index, text[:MAX_QUERY_CHARS], kind, limit)


def check_search(text: str, type: str | None, limit: int) -> str | None:
    """Return the type that type means (None for any), or fail as search would on bad input."""
    if not text or not text.strip():
        raise SearchError("the search text is empty: give a name, a job title or a question")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    return element_type(type) if type else None


def query_slots(index: SearchIndex, text: str) -> list[frozenset[str]]:
    """Return, per query word, the indexed stems that stand for it: its own stem if indexed,
    else the stems of the closest indexed words; words with neither are left out."""
    vocabulary = index.retriever.vocab_dict
    slots: list[frozenset[str]] = []
    unknown = []
    for word in dict.fromkeys(w for w in words(text) if w not in STOPWORDS):
        if len(slots) + len(unknown) >= MAX_QUERY_WORDS:
            break
        if stem(word) in vocabulary:
            slots.append(frozenset({stem(word)}))
        elif len(word) >= FUZZY_MIN_LENGTH and not word.isdigit():
            unknown.append(word)
    if unknown:
        from rapidfuzz import fuzz, process

        choices = list(index.surface)
        for word in unknown:
            matches = process.extract(word, choices, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_CUTOFF, limit=3)
            # the closest words only: "alocation" is "allocation", not also "locations"
            close = frozenset(index.surface[match] for match, ratio, _ in matches
                              if ratio >= matches[0][1] - FUZZY_TIE and
                              index.surface[match] in vocabulary)
            if close:
                slots.append(close)
    return list(dict.fromkeys(slots))


def job_title_head(index: SearchIndex, text: str) -> str | None:
    """Return the stem of the last word of a short query that ends as typical job titles end
    (analyst, architect, CFO...), or None when the query does not read as a job title."""
    meaningful = [w for w in words(text) if w not in STOPWORDS]
    if not 0 < len(meaningful) <= JOB_TITLE_WORDS:
        return None
    last = meaningful[-1]
    return stem(last) if last in index.role_heads or last.removesuffix("s") in index.role_heads \
        else None


def is_job_title(index: SearchIndex, text: str) -> bool:
    """Return True for a short query that ends as typical job titles end (analyst, CFO...)."""
    return job_title_head(index, text) is not None


def rank(index: SearchIndex, text: str, kind: str | None, limit: int) -> list[Hit]:
    """Score every element of the index for text and return the best limit hits of kind."""
    import numpy

    slots = query_slots(index, text)
    if not slots:
        return []
    stems = sorted(set().union(*slots))
    per_stem = numpy.vstack([index.retriever.get_scores([s]) for s in stems])
    # the query slots each document matches, as the bits of an integer (slot i is bit i)
    slot_bits = numpy.array([sum(1 << i for i, slot in enumerate(slots) if s in slot)
                             for s in stems], dtype=numpy.int64)
    weights = FIELD_WEIGHTS
    by_field: dict[tuple[int, str], list[float]] = {}
    matched: dict[int, int] = {}  # element -> the query slots its texts match, as bits
    by_role: dict[int, int] = {}  # element -> the query slots its job titles match, as bits
    best_doc: dict[int, tuple[float, int]] = {}  # element -> (snippet preference, document)
    totals = per_stem.sum(axis=0)
    docs = numpy.flatnonzero(totals)
    doc_bits = numpy.bitwise_or.reduce(
        numpy.where(per_stem[:, docs] > 0, slot_bits[:, None], 0), axis=0)
    for doc, score, found in zip(docs.tolist(), totals[docs].tolist(), doc_bits.tolist()):
        element, field = index.doc_element[doc], index.doc_field[doc]
        weighted = score * weights.get(field, 1.0)
        by_field.setdefault((element, field), []).append(weighted)
        matched[element] = matched.get(element, 0) | found
        if field == "role":
            by_role[element] = by_role.get(element, 0) | found
        # the snippet prefers a text that says more than the bare name
        preference = weighted * (0.5 if field == "name" else 1.0)
        if preference > best_doc.get(element, (-1.0, -1))[0]:
            best_doc[element] = (preference, doc)
    own: dict[int, float] = {}
    for (element, _), values in by_field.items():
        values.sort(reverse=True)
        own[element] = own.get(element, 0.0) + sum(v * d for v, d in zip(values, DECAY))
    for element in index.exact_names.get(" ".join(words(text)).lower(), ()):
        if element in own:
            own[element] *= EXACT_NAME
    children: dict[int, list[tuple[float, int]]] = {}
    for element, score in own.items():
        item = index.elements[element]
        if item.type in CHILD_TYPES and item.capability in index.positions:
            parent = index.positions[item.capability]
            children.setdefault(parent, []).append((score, element))
            matched[parent] = matched.get(parent, 0) | matched[element]
    total = dict(own)
    for parent, scored in children.items():
        scored.sort(reverse=True)
        total[parent] = total.get(parent, 0.0) + CHILD_WEIGHT * sum(
            s * d for (s, _), d in zip(scored, CHILD_DECAY))
    # "cloud architect" asks for a persona, whose job titles need not say "cloud": one whose
    # job titles match the title's last word and half its words is the title's persona.
    # ("run a FinOps maturity assessment" ends like the title "Security Assessment" but is no
    # title of Security's.)
    head = job_title_head(index, text)
    heads = sum(1 << i for i, slot in enumerate(slots) if head in slot) if head else 0
    for element in total:
        roles = by_role.get(element, 0)
        if roles & heads and 2 * roles.bit_count() >= len(slots):
            total[element] *= JOB_TITLE_BOOST
        elif len(slots) > 1:  # a text that matches more of the query's words ranks higher
            total[element] *= (matched[element].bit_count() / len(slots)) ** COVERAGE_POWER
    order = heapq.nsmallest(
        limit, (e for e in total if kind is None or index.elements[e].type == kind),
        key=lambda e: (-total[e], index.elements[e].name, index.elements[e].iri))
    marks = frozenset(stems)
    hits = []
    for element in order:
        item = index.elements[element]
        if element in best_doc:
            doc = best_doc[element][1]
            field = index.doc_field[doc]
        else:  # found only through its statements: show the best of them
            child = children[element][0][1]
            doc, field = best_doc[child][1], index.elements[child].type
        hits.append(Hit(item.type, item.iri, item.name, snippet(index.doc_text[doc], marks),
                        field, item.source, round(total[element], 4), index.edition,
                        item.capability, item.capability_name, item.persona, item.persona_name))
    return hits
