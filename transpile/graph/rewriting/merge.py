"""Merge (common subexpression elimination) and constant folding, the cheap passes every mode
runs."""
import numpy as np

from transpile.graph.basic import Constant
from transpile.graph.rewriting.basic import graph_rewriter, node_rewriter

#: constants larger than this (elements) are not produced by folding: they would bloat the
#: graph and the generated sources
MAX_FOLDED_SIZE = 4096


def merge_graph(fgraph):
    """Unify equal constants, then nodes applying equal ops to the same inputs. Returns True if
    anything changed. One sweep in toposort order suffices: replacements update later nodes'
    inputs before they are looked at."""
    changed = False
    constants = {}
    for var in list(fgraph.variables):
        if isinstance(var, Constant) and fgraph.clients(var):
            key = var.signature()
            first = constants.setdefault(key, var)
            if first is not var:
                fgraph.replace(var, first, reason="merge")
                changed = True
    seen = {}
    for node in fgraph.toposort():
        if not all(o.owner is node for o in node.outputs):
            continue
        key = (node.op, tuple(id(i) for i in node.inputs))
        other = seen.get(key)
        if other is None:
            seen[key] = node
            continue
        for old, new in zip(node.outputs, other.outputs):
            if fgraph.clients(old):
                fgraph.replace(old, new, reason="merge")
        changed = True
    return changed


@graph_rewriter("merge", "fast_compile", "fast_run")
def merge(fgraph):
    merge_graph(fgraph)


@node_rewriter("constant_folding", "fast_compile", "fast_run")
def constant_folding(fgraph, node):
    """A node whose inputs are all constants becomes constants (small results only)."""
    if not node.inputs or not all(isinstance(i, Constant) for i in node.inputs):
        return None
    if not getattr(node.op, "foldable", True):
        return None
    storage = [[None] for _ in node.outputs]
    try:
        node.op.perform(node, [i.data for i in node.inputs], storage)
    except Exception:
        return None  # leave the error for run time, where it can name the inputs
    results = []
    for var, (value,) in zip(node.outputs, storage):
        if np.size(value) > MAX_FOLDED_SIZE:
            return None
        results.append(var.type.constant_type(var.type, np.array(value, copy=True)))
    return results
