"""Show the graph: exports, property-graph views, pictures, the explorer and the site."""
