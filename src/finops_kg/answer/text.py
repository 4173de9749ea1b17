"""Words for ranked search: one tokenizer for the index and the query, stems, and snippets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Function words and the words a question is phrased with: they say nothing about the Framework.
STOPWORDS = frozenset("""
a about across after all also am an and any are as at be been being both but by can could
did do does doing each either for from get got had has have having he her here his how i if in
into is it its itself just may me might more most must my no nor not of on onto or our ours out
over own per s same shall she should so some such t than that the their them then there these
they this those through to too under up upon us very via was we were what when where which while
who whom whose why will with within would you your
""".split())

_WORD = re.compile(r"[a-z0-9]+", re.IGNORECASE)

# Our definitions are in British spelling, finops.org's names in American: both are read as
# American, so that "optimization" finds "optimisation". These words only look like -ise verbs.
_ISE = re.compile(r"^(\w{3,}?)(is|ys)(e|es|ed|ing|ation|ations|er|ers)$")
_NOT_ISE = frozenset("""
advise advised advises advising appraise appraised comprise comprised comprises comprising
compromise compromised concise cruise devise devised disguise enterprise enterprises exercise
exercised exercises expertise franchise likewise merchandise otherwise paradise practise
practised practises practising precise premise premises promise promised promises revise revised
revises revising supervise supervised supervises supervising surprise surprised surprises
""".split())
_SPELLINGS = {"licence": "license", "licences": "licenses", "practise": "practice",
              "practised": "practiced", "practises": "practices", "practising": "practicing",
              "centre": "center", "centres": "centers", "catalogue": "catalog",
              "catalogues": "catalogs", "programme": "program", "programmes": "programs"}


def american(word: str) -> str:
    """Return a British spelling in its American form (optimise -> optimize), else the word."""
    if word in _SPELLINGS:
        return _SPELLINGS[word]
    match = _ISE.match(word)
    if match is None or word in _NOT_ISE:
        return word
    return match.group(1) + ("iz" if match.group(2) == "is" else "yz") + match.group(3)


def normalise(text: str) -> str:
    """Return text in lower case without accents, so that 'Café' and 'cafe' read the same."""
    return _unaccented(text).lower()


def _unaccented(text: str) -> str:
    if text.isascii():  # most text: nothing to take off
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word(raw: str) -> str:
    lower = raw.lower()
    # A function word written in capitals is an acronym: "IT" in "IT Asset Manager" is not the
    # pronoun. It stays in capitals, so that it is neither a stopword nor stemmed.
    if lower in STOPWORDS and len(raw) > 1 and raw.isupper():
        return raw
    return american(lower)


def words(text: str) -> list[str]:
    """Return the words of text, normalised and in American spelling, stopwords included.

    Words are in lower case, except an acronym that would otherwise read as a stopword (IT).
    """
    return [_word(raw) for raw in _WORD.findall(_unaccented(text))]


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Snowball (Porter 2) stem of a normalised word; an acronym is its own stem."""
    return word if word.isupper() else _stemmer().stemWord(word)


def tokens(text: str) -> list[str]:
    """Return the stems of the words of text that are not stopwords: what BM25 counts."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def snippet(text: str, stems: frozenset[str], width: int = 160) -> str:
    """Return a window of text around its first word whose stem is one of stems, marked **so**.

    The window is at most about width characters; an ellipsis shows where text was cut.
    """
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+", text)
             if any(w not in STOPWORDS and stem(w) in stems for w in words(m.group(0)))]
    if not spans:
        return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"
    first = spans[0][0]
    start = 0 if first < width // 3 else text.rfind(" ", 0, first - width // 4) + 1
    end = start + width
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > first else end
    marked, at = [], start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue
        marked.append(text[at:begin] + "**" + text[begin:finish] + "**")
        at = finish
    marked.append(text[at:end])
    body = "".join(marked)
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
