"""Theano's `theano.d3viz`: `d3viz(fct, outfile)` writes a web page of a function's graph,
`d3write(fct, path)` the graph in graphviz's DOT language. Theano's page drew the graph with
d3.js (copied beside it, `copy_deps`); this one holds pydotprint's drawing, an SVG with a
tooltip on every node and edge, and needs no script or download.
"""
from transpile.picture import graph_dot, pydotprint

__all__ = ["d3viz", "d3write"]


def d3viz(fct, outfile, copy_deps=True, *args, **kwargs):
    """Write the graph of `fct` (what pydotprint draws: a compiled function, a FunctionGraph,
    variables) as an HTML page to `outfile`; the other arguments are pydotprint's. `copy_deps`
    is Theano's (it copied d3.js beside the page); the page has nothing to copy."""
    return pydotprint(fct, outfile, "html", *args, **kwargs)


def d3write(fct, path, *args, **kwargs):
    """Write the graph of `fct` in DOT to `path` (the arguments after it are pydotprint's
    `with_ids`, `max_label_size`, `inputs`, `title`)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(graph_dot(fct, *args, **kwargs))
    return path
