"""The bottom layer: namespaces, resource files, RDF terms, loading and serialising graphs."""
