"""`scan_merge` (FAST_RUN): two loops of the same number of steps, neither reading the other's
results, become one loop (PyTensor's `scan_merge`), and the sequences and non-sequences they
both read become one inner input each, so the merged step computes what they share once (the
inner graph's own rewrites merge the duplicates) and walks the shared sequences once.

Two loops "of the same number of steps": the same `n_steps` variable (`x.shape[0]` of one
sequence, after the graph's merge pass, is one variable) or equal constants. Left alone:
`while` loops (each stops on its own), loops of another mode or truncation, and the loops a
backward loop is linked to (`grad.ForwardLink`, for `scan_save_for_backward`) or that are
backward loops themselves.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import ancestors, clone_replace
from transpile.scan_module.op import Scan
from transpile.scan_module.prune import inner_groups


@node_rewriter("specialize", "fast_run", "scan", tracks=(Scan,))  # after the per-loop rewrites
def scan_merge(fgraph, node):
    order = fgraph.toposort()
    linked = [n.op.forward_link.op for n in order if isinstance(n.op, Scan) and n.op.forward_link is not None]
    if not _mergeable(node.op, linked):
        return None
    for other in order:
        if (other is not node and isinstance(other.op, Scan) and _mergeable(other.op, linked)
                and _same_loop(node, other) and not _reads(node, other) and not _reads(other, node)):
            return merged(node, other)
    return None


def _mergeable(op, linked):
    return not op.as_while and op.forward_link is None and all(op is not f for f in linked)


def _same_loop(a, b):
    if (a.op.truncate_gradient, a.op.mode) != (b.op.truncate_gradient, b.op.mode):
        return False
    n, m = a.inputs[0], b.inputs[0]
    if n is m:
        return True
    return isinstance(n, Constant) and isinstance(m, Constant) and n.data.item() == m.data.item()


def _reads(a, b):
    """True when node `a` depends on an output of node `b`."""
    return any(v.owner is b for v in ancestors(a.inputs))


def merged(a, b):
    """{output of `a` or `b`: the same output of one loop computing both}."""
    A, B = a.op, b.op
    n_steps, seqs_a, inits_a, nonseqs_a = A.outer_parts(a.inputs)
    _, seqs_b, inits_b, nonseqs_b = B.outer_parts(b.inputs)
    seq_a, taps_a, non_a = inner_groups(A)
    seq_b, taps_b, non_b = inner_groups(B)
    seqs, seq_inner, pairs_a, pairs_b = _shared_inputs(seqs_a, seq_a, seqs_b, seq_b)
    nonseqs, non_inner, more_a, more_b = _shared_inputs(nonseqs_a, non_a, nonseqs_b, non_b)
    tap_inner_a = [v.type(v.name) for group in taps_a for v in group]
    tap_inner_b = [v.type(v.name) for group in taps_b for v in group]
    pairs_a += more_a + list(zip([v for g in taps_a for v in g], tap_inner_a))
    pairs_b += more_b + list(zip([v for g in taps_b for v in g], tap_inner_b))
    outs_a, outs_b = clone_replace(A.inner_outputs, pairs_a), clone_replace(B.inner_outputs, pairs_b)
    op = Scan(seq_inner + tap_inner_a + tap_inner_b + non_inner,
              outs_a[:A.n_rec] + outs_b[:B.n_rec] + outs_a[A.n_rec:] + outs_b[B.n_rec:],
              len(seqs), A.taps + B.taps, A.n_nitsot + B.n_nitsot, len(nonseqs),
              truncate_gradient=A.truncate_gradient, mode=A.mode, name=f"{A.name}&{B.name}",
              output_names=(A.output_names[:A.n_rec] + B.output_names[:B.n_rec] + A.output_names[A.n_rec:]
                            + B.output_names[B.n_rec:]),
              last_only=A.last_only + B.last_only)
    outs = op.make_node(n_steps, *seqs, *inits_a, *inits_b, *nonseqs).outputs
    nit = A.n_rec + B.n_rec
    replaced = dict(zip(a.outputs[:A.n_rec], outs[:A.n_rec]))
    replaced.update(zip(b.outputs[:B.n_rec], outs[A.n_rec:nit]))
    replaced.update(zip(a.outputs[A.n_rec:], outs[nit:nit + A.n_nitsot]))
    replaced.update(zip(b.outputs[B.n_rec:], outs[nit + A.n_nitsot:]))
    return replaced


def _shared_inputs(outer_a, inner_a, outer_b, inner_b):
    """(outer inputs, fresh inner inputs, replacements in a's step, replacements in b's step):
    one inner input per distinct outer variable (of one type)."""
    outer, inner, pairs_a, pairs_b = [], [], [], []
    for outers, inners, pairs in ((outer_a, inner_a, pairs_a), (outer_b, inner_b, pairs_b)):
        for o, i in zip(outers, inners):
            same = next((k for k, seen in enumerate(outer) if seen is o and inner[k].type == i.type), None)
            if same is None:
                outer.append(o)
                inner.append(i.type(i.name))
                same = len(inner) - 1
            pairs.append((i, inner[same]))
    return outer, inner, pairs_a, pairs_b
