"""Namespaces of finops-kg: the ontology (``fo:``) and the Framework individuals (``fid:``)."""

from __future__ import annotations

from rdflib import Namespace

from finops_kg.graph._fo import FO
from finops_kg.graph.iris import (FO_IRI, ID_IRI, ONTOLOGY_IRI, PREFIXES,  # noqa: F401 (re-exported)
                                  expand_curie, shorten)

FID = Namespace(ID_IRI)

assert str(FO) == FO_IRI, "the ontology's namespace and iris.FO_IRI must agree"


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
