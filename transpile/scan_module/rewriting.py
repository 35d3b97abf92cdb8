"""Scan rewrites (FAST_RUN).

- `scan_pushout_invariants`: computations of the step that depend only on non-sequences and
  constants are the same at every step; they move out of the loop, computed once, and enter the
  step as new non-sequences (Theano's "pushout non-sequences"). Ops that are not `foldable`
  (random draws, Print) stay in the loop. Non-sequences the step no longer reads are dropped.
- `scan_keep_last_only`: outputs of which only the last value is used (or none) keep no per-step
  history.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, clone_replace, graph_inputs, io_toposort
from transpile.scan_module.op import Scan
from transpile.tensor.subtensor_basic import Subtensor


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


@node_rewriter("specialize", "fast_run", "scan", tracks=(Scan,))
def scan_keep_last_only(fgraph, node):
    """A recurrent output read only as `out[-1]` (a shared variable's update) or `out[m:][-1]`
    (`result[-1]`) keeps only its last entries during the loop instead of one per step
    (Theano's memory saving); see history.py. So does one not read at all that the loop
    still needs for its other outputs (the backward loop's gradient of the initial state)."""
    op = node.op
    flags, replaced = list(op.last_only), {}
    for r, m in enumerate(op.mintaps):
        if flags[r] is not None:
            continue
        clients = [c for c, _ in fgraph.clients(node.outputs[r])]
        if not clients or all(_indexes_last(c) for c in clients):
            flags[r] = "tail"
        elif clients and all(_slices_from(c, m) and all(
                _indexes_last(cc) for cc, _ in fgraph.clients(c.outputs[0])) for c in clients):
            flags[r] = "last_step"
            replaced[r] = [c.outputs[0] for c in clients]
    if flags == list(op.last_only):
        return None
    new_op = Scan(op.inner_inputs, op.inner_outputs, op.n_seqs, op.taps, op.n_nitsot, op.n_nonseqs,
                  as_while=op.as_while, truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  output_names=op.output_names, last_only=flags)
    new_outputs = new_op.make_node(*node.inputs).outputs
    result = {}
    for k, (old, new) in enumerate(zip(node.outputs, new_outputs)):
        for target in replaced.get(k, [old]):
            result[target] = new
    return result


def _constant_subtensor(client):
    """The index entries of `client` (a node, or "output") if it is `x[...]` with constant
    indices, else None."""
    if client == "output" or not isinstance(client.op, Subtensor) or len(client.inputs) != 1:
        return None
    return tuple(client.op.idx_list)


def _indexes_last(client):
    entries = _constant_subtensor(client)
    return entries is not None and len(entries) == 1 and isinstance(entries[0], int) and entries[0] == -1


def _slices_from(client, m):
    """`x[m:]`"""
    entries = _constant_subtensor(client)
    if entries is None or len(entries) != 1 or isinstance(entries[0], int):
        return False
    entry = entries[0]
    return (getattr(entry, "start", None) == m and getattr(entry, "stop", 0) is None
            and getattr(entry, "step", 0) is None)
