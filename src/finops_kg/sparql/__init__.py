"""Ask the graph: the query catalogue, parameter binding, engines, the endpoint, remote stores."""
