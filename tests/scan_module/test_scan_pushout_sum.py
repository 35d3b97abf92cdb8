"""scan_pushout_sum (pushout_sum.py): a running total of a step value's sums leaves the loop
under FAST_RUN, with numpy's values in every mode; totals the loop still needs stay."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.graph.traversal import io_toposort
from transpile.ifelse import IfElse, LazyIfElse
from transpile.scan_module import Scan
from transpile.tensor.reduce import Sum


def nodes(f, kind):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, kind)]


def _totals(x, h0, s0):
    """h_t = tanh(x_t + h), s_t = s + sum over rows of h_t * 2 (its final value only), and the
    column total of x_t."""
    (hs, ss, cs), _ = transpile.scan(lambda xt, h, s, c: [T.tanh(xt + h), s + (T.tanh(xt + h) * 2).sum(axis=0),
                                                          c + xt.sum(axis=1).dimshuffle("x", 0).sum(axis=0)],
                                     sequences=x, outputs_info=[h0, s0, T.zeros((1,))[0] + T.zeros(x.shape[1])])
    return hs, ss[-1], cs[-1]


def test_running_totals_leave_the_loop(mode, rng):
    x, h0, s0 = T.tensor3("x"), T.matrix("h0"), T.vector("s0")
    hs, s, c = _totals(x, h0, s0)
    f = transpile.function([x, h0, s0], [hs, s, c])
    xv, hv, sv = rng.uniform(-1, 1, (5, 4, 3)), rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, 3)
    h, want_s, want_c, want_hs = hv, sv, np.zeros(4), []
    for xt in xv:
        h = np.tanh(xt + h)
        want_hs.append(h)
        want_s = want_s + (h * 2).sum(axis=0)
        want_c = want_c + xt.sum(axis=1)
    got = f(xv, hv, sv)
    for g, w in zip(got, (want_hs, want_s, want_c)):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    (loop,) = nodes(f, Scan)
    if mode == "FAST_RUN":
        assert loop.op.n_rec == 1 and len(nodes(f, (IfElse, LazyIfElse))) == 2
        assert not any(isinstance(n.op, Sum) for n in io_toposort(loop.op.inner_inputs, loop.op.inner_outputs))
    else:
        assert loop.op.n_rec == 3


@pytest.mark.single_mode
def test_a_loop_of_no_steps_gives_the_initial_total():
    x, h0, s0 = T.tensor3("x"), T.matrix("h0"), T.vector("s0")
    _, s, _ = _totals(x, h0, s0)
    f = transpile.function([x, h0, s0], s, mode="FAST_RUN")
    assert len(nodes(f, (IfElse, LazyIfElse))) == 1
    np.testing.assert_array_equal(f(np.zeros((0, 4, 3)), np.zeros((4, 3)), np.arange(3.0)), [0, 1, 2])


def test_totals_the_loop_needs_stay(mode, rng):
    """Every step's total is read (ss, not ss[-1]), or the step reads its total: no move."""
    x, h0, s0 = T.tensor3("x"), T.matrix("h0"), T.vector("s0")
    (hs, ss), _ = transpile.scan(lambda xt, h, s: [T.tanh(xt + h), s + xt.sum(axis=0)], sequences=x,
                                 outputs_info=[h0, s0])
    (gs, _), _ = transpile.scan(lambda xt, h, s: [h + s, s + xt.sum(axis=0)], sequences=x, outputs_info=[h0, s0])
    f = transpile.function([x, h0, s0], [ss, gs[-1]])
    xv, hv, sv = rng.uniform(-1, 1, (3, 2, 2)), rng.uniform(-1, 1, (2, 2)), rng.uniform(-1, 1, 2)
    totals = sv + np.cumsum(xv.sum(axis=1), axis=0)
    np.testing.assert_allclose(f(xv, hv, sv)[0], totals, rtol=1e-12)
    np.testing.assert_allclose(f(xv, hv, sv)[1], hv + sv + totals[0] + totals[1], rtol=1e-12)
    assert not nodes(f, (IfElse, LazyIfElse))
