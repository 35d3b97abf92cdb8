"""Scan rewrites (FAST_RUN): computations of the step that depend only on non-sequences and
constants are the same at every step; they move out of the loop, computed once, and enter the
step as new non-sequences (Theano's `scan_opt` "pushout non-sequences").

Ops that are not `foldable` (random draws, Print) stay in the loop: they must run every step.
Non-sequences the step no longer reads are dropped.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, clone_replace, graph_inputs, io_toposort
from transpile.scan_module.op import Scan


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_pushout_invariants(fgraph, node):
    op = node.op
    n_loop_inputs = len(op.inner_inputs) - op.n_nonseqs
    nonseq_in = op.inner_inputs[n_loop_inputs:]
    outer_nonseqs = node.inputs[len(node.inputs) - op.n_nonseqs:]
    invariant = IdMap((v, True) for v in nonseq_in)
    hoisted = []
    for inner in io_toposort(op.inner_inputs, op.inner_outputs):
        if not getattr(inner.op, "foldable", True) or getattr(inner.op, "inner_outputs", None) is not None:
            continue
        if all(isinstance(i, Constant) or i in invariant for i in inner.inputs) and \
                not all(isinstance(i, Constant) for i in inner.inputs):
            hoisted.append(inner)
            for o in inner.outputs:
                invariant[o] = True
    if not hoisted:
        return None
    # the hoisted values the rest of the step reads (or returns)
    produced = IdMap((o, True) for n in hoisted for o in n.outputs)
    frontier, seen = [], IdMap()
    readers = [n for n in io_toposort(op.inner_inputs, op.inner_outputs) if not any(n is h for h in hoisted)]
    for v in [i for n in readers for i in n.inputs] + list(op.inner_outputs):
        if v in produced and v not in seen:
            seen[v] = True
            frontier.append(v)
    outer_values = clone_replace(frontier, list(zip(nonseq_in, outer_nonseqs)))
    new_in = [v.type(v.name) for v in frontier]
    new_out = clone_replace(op.inner_outputs, list(zip(frontier, new_in)))
    still_read = IdMap((v, True) for v in graph_inputs(new_out))
    kept = [k for k, v in enumerate(nonseq_in) if v in still_read]
    new_op = Scan(op.inner_inputs[:n_loop_inputs] + [nonseq_in[k] for k in kept] + new_in, new_out,
                  op.n_seqs, op.taps, op.n_nitsot, len(kept) + len(new_in), as_while=op.as_while,
                  truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  output_names=op.output_names)
    loop_inputs = node.inputs[:len(node.inputs) - op.n_nonseqs]
    new_node = new_op.make_node(*loop_inputs, *[outer_nonseqs[k] for k in kept], *outer_values)
    return new_node.outputs
