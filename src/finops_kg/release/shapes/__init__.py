"""SHACL validation that scales: the shapes compiled once into SPARQL and run on Oxigraph.

compile turns the shapes graph into whole-graph SELECT queries (cached by the shapes' content
hash), sparql_text reads and rewrites the shapes' own SPARQL, and run executes the queries on a
pyoxigraph Store and returns the same ValidationReport as pySHACL's path in release.validate.
"""
