"""Namespaces of finops-kg: the ontology (``fo:``) and the Framework individuals (``fid:``)."""

from __future__ import annotations

from rdflib import Namespace

from finops_kg.graph._fo import FO

FID = Namespace("https://w3id.org/finops-kg/id/")
ONTOLOGY_IRI = "https://w3id.org/finops-kg/ontology"

PREFIXES = {
    "fo": str(FO),
    "fid": str(FID),
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "unit": "http://qudt.org/vocab/unit/",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def shorten(iri: str) -> str:
    """Return iri as prefix:local with the project's prefixes, or <iri> when none applies."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def write_defined_namespace() -> None:
    """Regenerate _fo.py, the closed fo: DefinedNamespace, with rdflib's generator."""
    import re
    from pathlib import Path

    from rdflib import Graph
    from rdflib.tools import defined_namespace_creator as creator

    from finops_kg.graph import resources

    ontology = Graph().parse(resources.resource_root() / "ontology" / "finops-kg.ttl")
    _, terms, other_terms = creator.get_target_namespace_elements(ontology, str(FO))
    target = Path(__file__).with_name("_fo.py")
    creator.make_dn_file(target, str(FO), terms, other_terms, "FO", fail=True)
    code = re.sub(r"    Date: .*\n", "", target.read_text(encoding="utf-8"))
    code = code.replace("DESCRIPTION_EDIT_ME_!", "The finops-kg ontology (fo:), one attribute per term.")
    code = code.replace("SOURCE_RDF_FILE_EDIT_ME_!",
                        "ontology/finops-kg.ttl by `make namespace`; do not edit by hand.")
    header = '"""The fo: namespace as a closed DefinedNamespace: a misspelt term raises an error."""\n\n'
    target.write_text(header + code, encoding="utf-8")
