"""Where the ontology, shapes, data and queries live, in a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

from finops_kg.errors import UnknownEditionError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/finops_kg, or the installed package


def resource_root() -> Path:
    """Return the folder that holds ontology/, shapes/, data/ and queries/."""
    override = os.environ.get("FINOPS_KG_RESOURCES")
    if override:  # a user's own copy of the sources, for example a fork of the data
        return Path(override)
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    # An editable install or a plain checkout: the folders sit at the repository's top level.
    return _PACKAGE_DIR.parent.parent


def ontology_files() -> list[Path]:
    """Return the ontology's Turtle files in a stable order."""
    return sorted((resource_root() / "ontology").glob("*.ttl"))


def shape_files() -> list[Path]:
    """Return the SHACL shape files in a stable order."""
    return sorted((resource_root() / "shapes").glob("*.ttl"))


def edition_dir(edition: str) -> Path:
    """Return the data folder of one edition."""
    return resource_root() / "data" / edition


def available_editions() -> list[str]:
    """Return the editions that have a data folder, oldest first."""
    data = resource_root() / "data"
    return sorted(p.name for p in data.iterdir() if p.is_dir() and p.name.isdigit())


def hygiene_query_files() -> list[Path]:
    """Return the ROBOT-style hygiene queries, each of which must return no rows."""
    return sorted((resource_root() / "queries" / "qc").glob("*-violation.rq"))


def jsonld_context_file() -> Path:
    """Return the JSON-LD context that makes finops-kg's JSON-LD read like plain JSON."""
    return resource_root() / "context" / "finops-kg.context.jsonld"


def mapping_set_files() -> list[Path]:
    """Return the curated SSSOM mapping sets in a stable order."""
    return sorted((resource_root() / "data" / "mappings").glob("*.sssom.tsv"))


def mapping_vocabulary_files() -> list[Path]:
    """Return the labelled vocabularies of the mapping sets' minted target terms."""
    return sorted((resource_root() / "data" / "mappings" / "vocab").glob("*.ttl"))


def catalogue_query_files() -> list[Path]:
    """Return the catalogue's competency-question queries, one .rq file per question."""
    return sorted((resource_root() / "queries").glob("*.rq"))


def gap_query_files() -> list[Path]:
    """Return the queries that list content an edition is expected to have but lacks."""
    return sorted((resource_root() / "queries" / "gaps").glob("*.rq"))


def derivation_query_files() -> list[Path]:
    """Return the CONSTRUCT queries whose results form the derived, unofficial graph."""
    return sorted((resource_root() / "queries" / "derive").glob("*.rq"))


def check_edition(edition: str) -> None:
    """Raise UnknownEditionError unless the edition has data."""
    editions = available_editions()
    if edition not in editions:
        raise UnknownEditionError(
            f"unknown edition {edition!r}; the editions are: {', '.join(editions)}"
        )
