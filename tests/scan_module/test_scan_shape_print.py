"""Output shapes of a scan (infer_shape), debugprint of its inner graph, the mode it runs under."""
import numpy as np
import pytest

import transpile
import transpile.printing
import transpile.tensor as T
from transpile.scan_module import Scan


def test_output_shapes_without_running_the_loop(mode, rng):
    """n_steps x inner shape, for fed-back and not-fed-back outputs; FAST_RUN's shape rewrites
    answer without computing the scan."""
    x, h0 = T.matrix("x"), T.vector("h0")
    (h, y), _ = transpile.scan(lambda xt, hp: (T.tanh(hp + xt), T.outer(xt, xt)), sequences=x,
                               outputs_info=[h0, None])
    f = transpile.function([x, h0], [h.shape, y.shape, h, y])
    xv = rng.uniform(-1, 1, size=(4, 3))
    hs, ys, hv, yv = f(xv, np.zeros(3))
    np.testing.assert_array_equal(hs, [4, 3])
    np.testing.assert_array_equal(ys, [4, 3, 3])
    assert hv.shape == (4, 3) and yv.shape == (4, 3, 3)
    g = transpile.function([x, h0], [h.shape, y.shape])
    np.testing.assert_array_equal(g(xv, np.zeros(3))[1], [4, 3, 3])
    if mode == "FAST_RUN":
        assert not any(isinstance(n.op, Scan) for n in g.maker.fgraph.toposort())


@pytest.mark.single_mode
def test_infer_shape_is_checked_by_debug_mode(rng):
    x = T.matrix("x")
    (a, b), _ = transpile.scan(lambda xt, acc: (acc + xt, xt.sum()), sequences=x,
                               outputs_info=[dict(initial=T.zeros((2, 3)), taps=[-2]), None])
    f = transpile.function([x], [a, b], mode="DEBUG_MODE")
    xv = rng.uniform(-1, 1, size=(5, 3))
    av, bv = f(xv)
    expected = [np.zeros(3), np.zeros(3)]
    for t in range(5):
        expected.append(expected[-2] + xv[t])
    np.testing.assert_allclose(av, expected[2:])
    np.testing.assert_allclose(bv, xv.sum(axis=1))


@pytest.mark.single_mode
def test_debugprint_shows_the_inner_graph_under_the_scan():
    x, W, h0 = T.matrix("x"), T.matrix("W"), T.vector("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0, name="rnn")
    text = transpile.printing.debugprint(h, file="str")
    outer, inner = text.split("Inner graphs:")
    assert "Scan{rnn} [id B]" in outer and "tanh" not in outer
    lines = inner.strip().splitlines()
    assert lines[0] == "Scan{rnn} [id B]"
    assert lines[1].startswith(" >Elemwise{tanh")
    assert any("h0[t-1]" in line and "-> [id" in line for line in lines)
    (w_id,) = [line.split("[id ")[1].rstrip("]") for line in outer.splitlines() if line.strip().startswith("|W [id")]
    assert any(line.startswith(" >   | |W [id") and line.endswith(f"-> [id {w_id}]") for line in lines), inner


def test_the_scan_mode_argument_wins(mode):
    """The step runs under the scan's own mode when given, else the outer function's."""
    x = T.vector("x")
    out, _ = transpile.scan(lambda xt: xt * 2, sequences=x, mode="FAST_COMPILE")
    f = transpile.function([x], out)
    np.testing.assert_allclose(f(np.arange(3.0)), [0, 2, 4])
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    assert node.tag.scan_mode.name == "FAST_COMPILE"
    out2, _ = transpile.scan(lambda xt: xt * 3, sequences=x)
    g = transpile.function([x], out2)
    (node,) = [n for n in g.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    assert node.tag.scan_mode.name == mode


def test_loop_invariant_work_moves_out_of_the_loop(mode, rng):
    """FAST_RUN computes dot(W, W) + b once, outside the loop (scan_pushout_invariants), then
    the product with every row as one product over the sequence (scan_pushout_seqs): the
    step only copies; values are unchanged."""
    x, W, b = T.matrix("x"), T.matrix("W"), T.vector("b")
    out, _ = transpile.scan(lambda xt: T.dot(xt, T.dot(W, W) + b), sequences=x)
    f = transpile.function([x, W, b], out)
    xv, wv, bv = rng.uniform(-1, 1, size=(4, 3)), rng.uniform(-1, 1, size=(3, 3)), rng.uniform(-1, 1, size=3)
    np.testing.assert_allclose(f(xv, wv, bv), xv @ (wv @ wv + bv))
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    inner_ops = [str(n.op) for n in node.op.step_function.optimized(node.tag.scan_mode).toposort()]
    if mode == "FAST_RUN":
        assert inner_ops == [], inner_ops
        assert len(node.op.inner_inputs) == 1 and node.op.inner_outputs[0] is node.op.inner_inputs[0]
    else:
        assert len(inner_ops) == 4, inner_ops  # dot, DimShuffle, add, dot: all in the loop


def test_counter_only_step():
    """A step with no outputs, only an update."""
    counter = transpile.shared(np.int64(5), name="counter")
    outputs, updates = transpile.scan(lambda: {counter: counter * 2}, n_steps=3)
    assert outputs == []
    f = transpile.function([], [], updates=updates)
    f()
    assert counter.get_value() == 40
