"""`scan_remove_unused` (FAST_RUN): a loop computes only what is read.

Kept: each output read outside the loop (and a `while` loop's condition), then, repeatedly,
each recurrent output whose previous values (taps) a kept inner output reads. The others go,
with the inner computation only they needed, and the sequences, initial states and
non-sequences nothing kept reads. A backward loop (grad.py) typically carries a gradient of
the input sequence or of the initial state that the user did not ask for.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, graph_inputs
from transpile.scan_module.op import Scan


def inner_groups(op):
    """(sequence inputs, per recurrent output its tap inputs, non-sequence inputs) of the step."""
    seqs = op.inner_inputs[:op.n_seqs]
    taps, pos = [], op.n_seqs
    for t in op.taps:
        taps.append(op.inner_inputs[pos:pos + len(t)])
        pos += len(t)
    return seqs, taps, op.inner_inputs[pos:]


def rebuild(op, node, seqs, recs, nitsots, nonseqs, extra_seqs=()):
    """A new node of a Scan like `op` keeping the sequences, recurrent outputs, nit-sot
    outputs and non-sequences at the given positions, plus `extra_seqs` ((inner input, outer
    sequence) pairs) after the kept sequences. Returns {old output: new output}."""
    seq_in, tap_in, nonseq_in = inner_groups(op)
    n_steps, outer_seqs, inits, outer_nonseqs = op.outer_parts(node.inputs)
    outs = op.inner_outputs
    new_op = Scan([seq_in[i] for i in seqs] + [inner for inner, _ in extra_seqs]
                  + [v for r in recs for v in tap_in[r]] + [nonseq_in[p] for p in nonseqs],
                  [outs[r] for r in recs] + [outs[op.n_rec + q] for q in nitsots] + outs[op.n_rec + op.n_nitsot:],
                  len(seqs) + len(extra_seqs), [op.taps[r] for r in recs], len(nitsots), len(nonseqs),
                  as_while=op.as_while, truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  output_names=[op.output_names[r] for r in recs] + [op.output_names[op.n_rec + q] for q in nitsots],
                  last_only=[op.last_only[r] for r in recs])
    new_node = new_op.make_node(n_steps, *[outer_seqs[i] for i in seqs], *[outer for _, outer in extra_seqs],
                                *[inits[r] for r in recs], *[outer_nonseqs[p] for p in nonseqs])
    old = [node.outputs[r] for r in recs] + [node.outputs[op.n_rec + q] for q in nitsots]
    return dict(zip(old, new_node.outputs))


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_remove_unused(fgraph, node):
    op = node.op
    seq_in, tap_in, nonseq_in = inner_groups(op)
    n_out = op.n_rec + op.n_nitsot
    needed = [bool(fgraph.clients(o)) for o in node.outputs[:n_out]]
    while True:
        roots = [op.inner_outputs[k] for k in range(n_out) if needed[k]] + op.inner_outputs[n_out:]
        read = IdMap((v, True) for v in graph_inputs(roots))
        grown = [r for r in range(op.n_rec) if not needed[r] and any(v in read for v in tap_in[r])]
        if not grown:
            break
        for r in grown:
            needed[r] = True
    if not any(needed) and not op.as_while:
        return None  # the node is dead anyway
    seqs = [i for i, v in enumerate(seq_in) if v in read]
    nonseqs = [p for p, v in enumerate(nonseq_in) if v in read]
    if all(needed) and len(seqs) == op.n_seqs and len(nonseqs) == op.n_nonseqs:
        return None
    recs = [r for r in range(op.n_rec) if needed[r]]
    nitsots = [q for q in range(op.n_nitsot) if needed[op.n_rec + q]]
    return rebuild(op, node, seqs, recs, nitsots, nonseqs)
