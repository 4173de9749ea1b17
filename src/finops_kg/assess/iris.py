"""The IRIs an import gives an assessment and its parts: stable, so a second import replaces the first.

They follow the Acme example. A unit IRI of the form <base>unit/<key> puts the assessment at
<base>assessment/<key>/<date> and a person named in the workbook at <base>person/<slug>. A unit
of the Framework's own namespace (a FinOps Scope, fid:scope/<key>) puts them under the local base
urn:finops-kg:, as urn:finops-kg:assessment/scope/<key>/<date> and urn:finops-kg:person/<slug>,
since the user's data must not take the project's IRIs.
Any other unit IRI U puts them at U/assessment/<date> and U/person/<slug>. Inside an assessment A,
a lens weight is A/weight/<lens>, a capability assessment A/<capability key> and its lens scores
A/<capability key>/<lens>: the IRIs depend only on the unit, the day, the capability and the
lens, never on the file or the order of the rows.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import quote

from pyoxigraph import NamedNode

from finops_kg.graph.iris import ID_IRI, NOT_IN_IRI

_UNIT = re.compile(r"(.*/)unit/([^/#?]+)")


def is_iri(text: str) -> bool:
    """Return whether a cell's text is meant as an IRI rather than a name."""
    return text.startswith(("http://", "https://", "urn:"))


def slug(name: str) -> str:
    """Return a name as lower-case ASCII words joined by hyphens, such as ana-lima."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return words or quote("-".join(name.lower().split()), safe="")  # a name without Latin letters


LOCAL_BASE = "urn:finops-kg:"


def _base(unit: str) -> tuple[str, str | None]:
    if unit.startswith(ID_IRI):
        return LOCAL_BASE, unit[len(ID_IRI):]
    match = _UNIT.fullmatch(unit)
    if match:
        return match.group(1), match.group(2)
    return (unit if unit.endswith(("/", "#")) else unit + "/"), None


def valid_iri(text: str) -> bool:
    """Return whether text is an absolute IRI that N-Triples can hold, with no spaces."""
    if not is_iri(text) or NOT_IN_IRI.search(text) or text in ("http://", "https://", "urn:"):
        return False
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def assessment_iri(unit: str, date: datetime.date) -> str:
    """Return the IRI of the assessment of a unit on a day."""
    base, key = _base(unit)
    return f"{base}assessment/{key}/{date.isoformat()}" if key else f"{base}assessment/{date.isoformat()}"


def person_iri(unit: str, name: str) -> str:
    """Return the IRI given to a person the workbook names and the workspace does not know."""
    return f"{_base(unit)[0]}person/{slug(name)}"


def local_key(iri: str) -> str:
    """Return the last segment of an IRI, such as allocation for a capability."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]
