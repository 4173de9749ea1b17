"""Every output format by name, once: its file extensions, media type and writer's engine name.

Plain data without rdflib, so that the command line can offer the names as choices and the
endpoint can negotiate media types without loading a graph library. Each format's bytes are
written next to the code that owns its input: graph.serialize for RDF, views for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from finops_kg.errors import OutputError


@dataclass(frozen=True)
class Format:
    """One output format: what users call it, how its files end and what HTTP calls it."""

    name: str
    extensions: tuple[str, ...]  # the first is the one a default file name gets
    media_type: str
    rdflib: str = ""  # the rdflib serializer that writes an RDF format
    oxigraph: str = ""  # the pyoxigraph RdfFormat that reads an RDF format (a workspace loads it)

    @property
    def extension(self) -> str:
        """Return the extension that a file of this format gets by default."""
        return self.extensions[0]


# Media types are the IANA registrations where there is one; GraphML and GEXF have none and use
# the names their tools announce.
FORMATS: dict[str, Format] = {f.name: f for f in (
    # RDF: one graph
    Format("turtle", (".ttl",), "text/turtle", "turtle", "TURTLE"),
    Format("jsonld", (".jsonld", ".json"), "application/ld+json", "json-ld", "JSON_LD"),
    Format("nt", (".nt",), "application/n-triples", "nt11", "N_TRIPLES"),
    Format("xml", (".rdf", ".xml", ".owl"), "application/rdf+xml", "xml", "RDF_XML"),
    # RDF: named graphs
    Format("trig", (".trig",), "application/trig", oxigraph="TRIG"),
    Format("nq", (".nq",), "application/n-quads", oxigraph="N_QUADS"),
    # property graphs and tables
    Format("graphml", (".graphml",), "application/graphml+xml"),
    Format("gexf", (".gexf",), "application/gexf+xml"),
    Format("dot", (".dot", ".gv"), "text/vnd.graphviz"),
    Format("mermaid", (".mmd", ".mermaid", ".md"), "application/vnd.mermaid"),
    Format("cytoscape-json", (".json", ".cyjs"), "application/json"),
    Format("csv", (".csv",), "text/csv"),
    Format("archimate", (".xml",), "application/xml"),
    # pictures and pages
    Format("svg", (".svg",), "image/svg+xml"),
    Format("png", (".png",), "image/png"),
    Format("html", (".html",), "text/html"),
    # SPARQL results (csv above serves them too)
    Format("tsv", (".tsv",), "text/tab-separated-values"),
    Format("json", (".json",), "application/json"),
    Format("sparql-json", (".srj",), "application/sparql-results+json"),
    Format("sparql-xml", (".srx",), "application/sparql-results+xml"),
)}

RDF_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.rdflib)
# What `finops-kg export` writes: one edition as RDF, every edition as TriG, a view as a property
# graph, the capability by persona matrix, or an ArchiMate model.
EXPORT_FORMATS = (*RDF_FORMATS, "trig", "graphml", "gexf", "dot", "mermaid", "cytoscape-json",
                  "csv", "archimate")


# What a workspace reads with Oxigraph's own parsers, by the file's extension.
READABLE_RDF_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.oxigraph)


def rdf_format_of(path: Path) -> Format | None:
    """Return the RDF format that Oxigraph reads a file in, by its extension, or None."""
    suffix = path.suffix.lower()
    return next((FORMATS[name] for name in READABLE_RDF_FORMATS
                 if suffix in FORMATS[name].extensions), None)


def check_format(name: str, offered: tuple[str, ...] = EXPORT_FORMATS) -> Format:
    """Return the format of that name, or refuse it, listing the formats offered."""
    if name not in offered:
        raise OutputError(f"unknown format {name!r}; the formats are: {', '.join(offered)}")
    return FORMATS[name]


def check_extension(path: Path, name: str) -> None:
    """Refuse an output path whose extension does not fit the format."""
    allowed = FORMATS[name].extensions
    if path.suffix.lower() not in allowed:
        raise OutputError(f"{path}: a {name} file should end in {' or '.join(allowed)}")
