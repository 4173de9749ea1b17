"""Show the graph: exports, property-graph views, pictures, the explorer and the site."""

# The property-graph views (views.network builds them); here so that the command line lists them
# without importing networkx and rdflib.
VIEWS = ("capability-persona", "domain-capability", "capability-flow", "kpi-capability", "full")
