"""The HTTP API: REST, SPARQL and linked data over a built release of the ISCM graph."""
