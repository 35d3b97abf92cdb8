"""`scan_merge` (merge.py): two loops of the same length that do not read each other's results
run as one loop under FAST_RUN, reading their shared sequences and non-sequences once, and
compute what the two loops computed (numpy loops); FAST_COMPILE keeps two loops. Loops that
depend on each other, or run for different lengths, stay apart."""
import numpy as np

import transpile
import transpile.tensor as T
from transpile.scan_module import Scan


def scans(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def two_loops(x, w, h0):
    """A tanh recurrence and a running sum over the same sequence, with a shared weight."""
    hs, _ = transpile.scan(lambda xt, h, w: T.tanh(T.dot(h, w) + xt), sequences=[x], outputs_info=[h0],
                           non_sequences=[w])
    sums, _ = transpile.scan(lambda xt, s, w: s + T.dot(xt, w), sequences=[x], outputs_info=[T.zeros_like(h0)],
                             non_sequences=[w])
    squares, _ = transpile.scan(lambda xt: xt ** 2, sequences=[x])
    return hs, sums, squares


def reference(x, w, h0):
    h, s, hs, sums = h0, np.zeros_like(h0), [], []
    for xt in x:
        h = np.tanh(h @ w + xt)
        s = s + xt @ w
        hs.append(h)
        sums.append(s)
    return np.array(hs), np.array(sums), x ** 2


def test_loops_over_the_same_sequence_become_one(mode, rng):
    x, w, h0 = T.matrix("x"), T.matrix("w"), T.vector("h0")
    f = transpile.function([x, w, h0], list(two_loops(x, w, h0)))
    xv, wv, h0v = rng.uniform(-1, 1, (7, 4)), rng.uniform(-1, 1, (4, 4)), rng.uniform(-1, 1, 4)
    for got, want in zip(f(xv, wv, h0v), reference(xv, wv, h0v)):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    loops = scans(f)
    if mode == "FAST_RUN":
        assert len(loops) == 1, [n.op.name for n in loops]
        node = loops[0]
        _, seqs, inits, nonseqs = node.op.outer_parts(node.inputs)
        assert node.op.n_rec == 2 and len(inits) == 2  # both recurrences in the one loop
        for group in (seqs, nonseqs):  # what both loops read is read once (w, x or its products)
            assert len({id(v) for v in group}) == len(group), group
        assert [v.name for v in nonseqs] == ["w"]
    else:
        assert len(loops) == 3


def test_gradients_through_merged_loops(mode, rng):
    x, w, h0 = T.matrix("x"), T.matrix("w"), T.vector("h0")
    hs, sums, squares = two_loops(x, w, h0)
    cost = T.sum(hs[-1]) + T.sum(sums ** 2) * 0.1 + T.sum(squares)
    grads = T.grad(cost, [x, w])
    f = transpile.function([x, w, h0], grads)
    xv, wv, h0v = rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, 3)
    eps, numeric = 1e-6, []
    cost_f = transpile.function([x, w, h0], cost, mode="FAST_COMPILE")
    for value, k in ((xv, 0), (wv, 1)):
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            args = [xv.copy(), wv.copy(), h0v]
            args[k][idx] += eps
            up = cost_f(*args)
            args[k][idx] -= 2 * eps
            g[idx] = (up - cost_f(*args)) / (2 * eps)
        numeric.append(g)
    for got, want in zip(f(xv, wv, h0v), numeric):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_dependent_loops_and_loops_of_other_lengths_stay_apart(mode, rng):
    x, w, h0 = T.matrix("x"), T.matrix("w"), T.vector("h0")
    hs, _ = transpile.scan(lambda xt, h: T.tanh(h + xt), sequences=[x], outputs_info=[h0])
    again, _ = transpile.scan(lambda ht, s, w: s + T.dot(ht, w), sequences=[hs], outputs_info=[h0], non_sequences=[w])
    shorter, _ = transpile.scan(lambda xt: xt * 2, sequences=[x[1:]])
    f = transpile.function([x, w, h0], [again, shorter])
    xv, wv, h0v = rng.uniform(-1, 1, (6, 3)), rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, 3)
    h, s, want = h0v, h0v, []
    for xt in xv:
        h = np.tanh(h + xt)
        s = s + h @ wv
        want.append(s)
    got = f(xv, wv, h0v)
    np.testing.assert_allclose(got[0], np.array(want), rtol=1e-10)
    np.testing.assert_allclose(got[1], xv[1:] * 2)
    assert len(scans(f)) == 3  # again reads hs; shorter runs 5 steps, the others 6

