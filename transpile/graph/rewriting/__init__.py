"""Tag-registered rewrites and the driver that runs them."""
from transpile.graph.rewriting.basic import (
    PHASES,
    Rewrite,
    equilibrium,
    graph_rewriter,
    node_rewriter,
    rewrite_db,
    rewrite_graph,
    select,
)
from transpile.graph.rewriting.merge import constant_folding, merge, merge_graph

__all__ = ["PHASES", "Rewrite", "constant_folding", "equilibrium", "graph_rewriter", "merge",
           "merge_graph", "node_rewriter", "rewrite_db", "rewrite_graph", "select"]
