"""`local_incsubtensor_serialize`: a sum of increments of regions becomes one chain of
increments (in place after the first), the zero fills they started from dropped; the values
are numpy's in every mode, and increments read elsewhere, set_subtensor and broadcasting sums
are left alone."""
import numpy as np

import transpile.tensor as T
from transpile.scalar.arith import Add
from transpile.tensor.subtensor_inc import IncSubtensor
from tests.tensor.rewriting.rw_helpers import assert_close, compile_fn, elemwise_nodes, fast_run, nodes


def _incs(f):
    return [n for n in nodes(f) if isinstance(n.op, IncSubtensor)]


def _adds(f):
    return elemwise_nodes(f, Add)


def test_gradient_of_column_blocks_is_one_chain(mode, rng):
    """The gradient of four column blocks of z (an LSTM's gates) and of two row slices that
    overlap, plus an array w added to them."""
    z, w = T.matrix("z"), T.matrix("w")
    blocks = [z[:, :2], z[:, 2:4], z[:, 4:6], z[:, 6:]]
    cost = sum(T.sum(T.sin(blk) * (k + 1)) for k, blk in enumerate(blocks))
    g_blocks = T.grad(cost, z)
    g_rows = T.grad(T.sum(z[:3] ** 2) + T.sum(T.exp(z[1:])), z)
    f = compile_fn([z, w], [g_blocks, g_rows + w])
    zv, wv = rng.normal(size=(4, 8)), rng.normal(size=(4, 8))
    weights = np.repeat(np.arange(1.0, 5.0), 2)
    rows = np.zeros_like(zv)
    rows[:3] += 2 * zv[:3]
    rows[1:] += np.exp(zv[1:])
    got_blocks, got_rows = f(zv, wv)
    assert_close(got_blocks, np.cos(zv) * weights)
    assert_close(got_rows, rows + wv)
    if fast_run(mode):
        incs = _incs(f)
        assert len(incs) == 6 and not _adds(f)
        # each chain writes in place after its first increment (which copies the zeros or w)
        assert sum(n.op.inplace for n in incs) >= 4


def test_increments_read_elsewhere_and_sets_are_left_alone(mode, rng):
    x, a, b = T.matrix("x"), T.vector("a"), T.vector("b")
    zeros = T.zeros_like(x)
    first = T.inc_subtensor(zeros[0], a)
    shared_sum = first + T.inc_subtensor(zeros[1], b)
    sets = T.set_subtensor(x[0], a) + T.set_subtensor(x[1], b)
    bcast = T.inc_subtensor(T.zeros((1, 3))[0], a) + x  # (1, 3) + (n, 3): broadcasts
    f = compile_fn([x, a, b], [shared_sum, first * 2, sets, bcast])
    xv, av, bv = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=3)
    want_first = np.zeros((2, 3))
    want_first[0] += av
    want_sum = want_first.copy()
    want_sum[1] += bv
    want_sets = np.stack([av, xv[1]]) + np.stack([xv[0], bv])
    got = f(xv, av, bv)
    assert_close(got[0], want_sum)
    assert_close(got[1], 2 * want_first)
    assert_close(got[2], want_sets)
    assert_close(got[3], av + xv)
    if fast_run(mode):
        # the sets stay a sum; `first` (read twice) stays summed; only the other increment moves
        assert len(_adds(f)) >= 2


def test_gradient_of_the_last_entry_of_a_tail_fills_one_array(mode, rng):
    """grad of f(x[1:][-1]) (scan's `result[-1]`) and of x[2:][-2]: one increment of one array
    of zeros under FAST_RUN; x[1:][0] (a non-negative index) keeps its two; numpy's values."""
    x = T.tensor3("x")
    g_last = T.grad(T.sum(T.sin(x[1:][-1])), x)
    g_second = T.grad(T.sum(x[2:][-2] ** 2), x)
    g_first = T.grad(T.sum(T.exp(x[1:][0])), x)
    xv = rng.normal(size=(5, 2, 3))
    want_last, want_second, want_first = np.zeros_like(xv), np.zeros_like(xv), np.zeros_like(xv)
    want_last[-1] = np.cos(xv[-1])
    want_second[-2] = 2 * xv[-2]
    want_first[1] = np.exp(xv[1])
    for outputs, want in [(g_last, want_last), (g_second, want_second), (g_first, want_first)]:
        f = compile_fn([x], outputs)
        assert_close(f(xv), want)
        if fast_run(mode):
            assert len(_incs(f)) == (2 if outputs is g_first else 1)
