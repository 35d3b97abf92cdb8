"""`scan_pushout_add` (FAST_RUN): a sum of products over the steps becomes one product after
the loop (PyTensor's push-out of dot accumulations).

A recurrent output `acc` with the single tap -1, updated as `acc + dot(s_t.T, B_t)` where
`s_t` is a 2-d sequence entry and `B_t` does not read `acc`, of which only the final value is
used (`out[-1]`, or `out[1:][-1]`: scan()'s `result[-1]`, which for a loop of no steps then
gives the initial value instead of an IndexError) and that no other output reads, leaves the
loop: the loop emits `B_t` per step instead (one nit-sot output per distinct `B`), and the
final value is
`init[-1] + reshape(s, (n*r, k)).T @ reshape(B, (n*r, m))`: one large product instead of n
thin ones. The backward loop of an RNN sums its weight gradients this way (grad.py).
"""
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, graph_inputs
from transpile.scan_module.op import Scan
from transpile.scan_module.prune import inner_groups
from transpile.scan_module.rewriting import _indexes_last, _slices_from
from transpile.scalar import arith as S
from transpile.tensor.blas import Dot, dot, transpose2
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.shape_ops import reshape


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_pushout_add(fgraph, node):
    op = node.op
    if op.as_while:
        return None
    seq_in, tap_in, _ = inner_groups(op)
    # r -> (sequence position, B)
    moved = movable_states(fgraph, node, lambda r: _accumulated_product(op.inner_outputs[r], tap_in[r][0], seq_in),
                           lambda found: found[1])
    if not moved:
        return None
    emitted = IdMap()
    for _, b in moved.values():
        if b not in emitted:
            emitted[b] = len(emitted)
    n_steps, outer_seqs, inits, _ = op.outer_parts(node.inputs)
    new, result, kept = drop_states(op, node, moved, list(emitted.keys()))
    for r, (i, b) in moved.items():
        entries = outer_seqs[i][:n_steps]
        products = new[len(kept) + op.n_nitsot + emitted[b]]
        rows = entries.shape[0] * entries.shape[1]
        total = dot(transpose2(reshape(entries, (rows, entries.shape[2]))),
                    reshape(products, (rows, inits[r].shape[2])))
        final = inits[r][-1] + total
        for read in final_reads(fgraph, node.outputs[r]):
            result[read] = final
    return result


def movable_states(fgraph, node, match, read):
    """{r: match(r)} for the recurrent outputs r of a Scan node that may leave the loop: the
    single tap -1, every entry kept, only the final value used, match(r) not None, and neither
    the other outputs nor `read(match(r))` (what the loop still computes for it) read r's tap."""
    op = node.op
    _, tap_in, _ = inner_groups(op)
    moved = {}
    for r in range(op.n_rec):
        if op.taps[r] != (-1,) or op.last_only[r] is not None or final_reads(fgraph, node.outputs[r]) is None:
            continue
        found = match(r)
        if found is None:
            continue
        others = [o for k, o in enumerate(op.inner_outputs) if k != r] + [read(found)]
        if not any(v is tap_in[r][0] for v in graph_inputs(others)):
            moved[r] = found
    return moved


def drop_states(op, node, moved, added):
    """A node of a Scan like `op` without the recurrent outputs `moved` and with the nit-sot
    outputs `added` (values of the step) after its own. Returns (its outputs, {old output: new
    output} of the outputs kept, the recurrent outputs kept): added[k] is output
    len(kept) + op.n_nitsot + k."""
    seq_in, tap_in, nonseq_in = inner_groups(op)
    kept = [r for r in range(op.n_rec) if r not in moved]
    n_steps, outer_seqs, inits, outer_nonseqs = op.outer_parts(node.inputs)
    outs = op.inner_outputs
    new_op = Scan(seq_in + [v for r in kept for v in tap_in[r]] + nonseq_in,
                  [outs[r] for r in kept] + outs[op.n_rec:op.n_rec + op.n_nitsot] + list(added)
                  + outs[op.n_rec + op.n_nitsot:],
                  op.n_seqs, [op.taps[r] for r in kept], op.n_nitsot + len(added), op.n_nonseqs,
                  truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  output_names=[op.output_names[r] for r in kept] + op.output_names[op.n_rec:] + [None] * len(added),
                  last_only=[op.last_only[r] for r in kept])
    new = new_op.make_node(n_steps, *outer_seqs, *[inits[r] for r in kept], *outer_nonseqs).outputs
    result = {node.outputs[r]: new[j] for j, r in enumerate(kept)}
    result.update({node.outputs[op.n_rec + q]: new[len(kept) + q] for q in range(op.n_nitsot)})
    return new, result, kept


def final_reads(fgraph, buffer):
    """The variables reading only the final value of `buffer` (`buffer[-1]`, or `buffer[1:][-1]`
    as `scan()`'s `result[-1]`), or None if something else reads it."""
    reads = []
    clients = [c for c, _ in fgraph.clients(buffer)]
    for c in clients:
        if _indexes_last(c):
            reads.append(c.outputs[0])
        elif _slices_from(c, 1) and fgraph.clients(c.outputs[0]) and \
                all(_indexes_last(cc) for cc, _ in fgraph.clients(c.outputs[0])):
            reads += [cc.outputs[0] for cc, _ in fgraph.clients(c.outputs[0])]
        else:
            return None
    return reads or None


def _accumulated_product(out, acc, seq_in):
    """(sequence position, B) if `out` is `acc + dot(seq_entry.T, B)`, else None."""
    if out.owner is None or not isinstance(out.owner.op, Elemwise) or \
            not isinstance(out.owner.op.scalar_op, S.Add) or len(out.owner.inputs) != 2:
        return None
    a, d = out.owner.inputs
    if d is acc:
        a, d = d, a
    if a is not acc or d.owner is None or not isinstance(d.owner.op, Dot) or d.type != acc.type:
        return None
    t, b = d.owner.inputs
    if t.owner is None or not isinstance(t.owner.op, DimShuffle) or t.owner.op.new_order != (1, 0) or b.ndim != 2:
        return None
    s = t.owner.inputs[0]
    position = next((i for i, v in enumerate(seq_in) if v is s), None)
    if position is None or b.dtype != acc.dtype or s.dtype != acc.dtype:
        return None
    return position, b
