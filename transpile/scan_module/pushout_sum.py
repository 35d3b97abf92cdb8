"""`scan_pushout_sum` (FAST_RUN): a running total of a step value's sums leaves the loop.

A recurrent output `acc` with the single tap -1, updated as `acc + f(x_t)` where f is sums over
some axes and dimshuffles (linear: the sum over the steps commutes with it) and `x_t` does not
read `acc`, of which only the final value is used and that no other output reads, leaves the
loop: the loop emits `x_t` (one nit-sot output, shared with an output that already emits it;
none for a sequence entry, whose sequence is summed instead) and the final value is
`init[-1] + f(sum of the x_t over the steps)`, or `init[-1]` when no step runs (an ifelse: a
loop of no steps gives its nit-sot outputs no entry shape).

The backward loop of an RNN sums its bias gradient so (`acc + sum(dz_t, axis=0)`, a sum over
the batch). Outside the loop it is one reduction instead of one per step, and the step no longer
mixes the rows of the batch, so they can run apart (emit/scan_rows.py).
"""
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap
from transpile.ifelse import ifelse
from transpile.scalar import arith as S
from transpile.scalar import dtypes as D
from transpile.scan_module.op import Scan
from transpile.scan_module.prune import inner_groups
from transpile.scan_module.pushout_add import drop_states, final_reads, movable_states
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.reduce import Sum


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_pushout_sum(fgraph, node):
    op = node.op
    if op.as_while:
        return None
    seq_in, tap_in, _ = inner_groups(op)

    def match(r):  # x a state's tap or a non-sequence: left in the loop
        found = _accumulated_sum(op.inner_outputs[r], tap_in[r][0])
        if found is None or (found[0].owner is None and not any(found[0] is v for v in seq_in)):
            return None
        return found
    moved = movable_states(fgraph, node, match, lambda found: found[0])  # r -> (x, the ops of f from x outwards)
    if not moved:
        return None
    outs = op.inner_outputs
    nitsots = outs[op.n_rec:op.n_rec + op.n_nitsot]
    position, added = IdMap(), []  # x -> its nit-sot position in the new node; the new ones
    for x, _ in moved.values():
        if x not in position and not any(x is v for v in seq_in):
            known = next((q for q, v in enumerate(nitsots) if v is x), None)
            if known is None:
                known = len(nitsots) + len(added)
                added.append(x)
            position[x] = known
    n_steps, outer_seqs, inits, _ = op.outer_parts(node.inputs)
    new, result, kept = drop_states(op, node, moved, added)
    for r, (x, chain) in moved.items():
        i = next((i for i, v in enumerate(seq_in) if v is x), None)
        steps = outer_seqs[i][:n_steps] if i is not None else new[len(kept) + position[x]]
        total = steps.sum(axis=0)
        for f in chain:
            total = f(total)
        start = inits[r][-1]
        final = ifelse(n_steps > 0, start + total, start)
        for read in final_reads(fgraph, node.outputs[r]):
            result[read] = final
    return result


def _accumulated_sum(out, acc):
    """(x, ops of f from x outwards) if `out` is `acc + f(x)` with f sums (that keep the dtype)
    and dimshuffles, at least one sum, of acc's float type; else None."""
    if out.owner is None or not isinstance(out.owner.op, Elemwise) or \
            not isinstance(out.owner.op.scalar_op, S.Add) or len(out.owner.inputs) != 2:
        return None
    a, e = out.owner.inputs
    if e is acc:
        a, e = e, a
    if a is not acc or e is acc or e.type != acc.type or not D.is_float(acc.dtype):
        return None  # (a sum of integers over the steps would give int64, not acc's type)
    chain = []
    while e.owner is not None and type(e.owner.op) in (Sum, DimShuffle):
        if e.owner.inputs[0].dtype != e.dtype:  # a sum that casts (ints to int64) is not moved
            return None
        chain.append(e.owner.op)
        e = e.owner.inputs[0]
    if e is acc or e.dtype != acc.dtype or not any(isinstance(f, Sum) for f in chain):
        return None
    return e, chain[::-1]
