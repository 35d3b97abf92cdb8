"""The FAST_RUN scan rewrites that cut a loop's work (prune.py, pushout_seqs.py) and the
backward loop reading the forward loop's saved outputs (grad.py): the loops' inner graphs
shrink as intended under FAST_RUN and not under FAST_COMPILE, and both modes compute the
numpy reference values; gradients still pass verify_grad."""
import numpy as np

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from transpile.graph.traversal import io_toposort
from transpile.scan_module import Scan
from transpile.tensor.elemwise import Elemwise


def scans(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def inner_ops(node):
    """Op class names (an Elemwise's scalar op's) of the step's graph as the loop holds it."""
    return [type(n.op.scalar_op).__name__ if isinstance(n.op, Elemwise) else type(n.op).__name__
            for n in io_toposort(node.op.inner_inputs, node.op.inner_outputs)]


def test_unused_outputs_and_the_inputs_only_they_read_are_removed(mode, rng):
    """Two nit-sot outputs and a recurrent output `c` (read only by itself) are not used; a
    recurrent `d` that the used output reads through its tap stays."""
    x, x2, w, v = T.matrix("x"), T.matrix("x2"), T.vector("w"), T.matrix("v")
    a0, c0, d0 = T.vector("a0"), T.vector("c0"), T.vector("d0")

    def step(xt, x2t, a, c, d, w, v):
        return (T.tanh(a * w + d + xt), c * 2 + a, 0.5 * d + xt, T.dot(xt, v), T.sin(x2t))
    outs, _ = transpile.scan(step, sequences=[x, x2], outputs_info=[a0, c0, d0, None, None], non_sequences=[w, v])
    f = transpile.function([x, x2, w, v, a0, c0, d0], outs[0], on_unused_input="ignore")
    xv, x2v = rng.uniform(-1, 1, size=(5, 3)), rng.uniform(-1, 1, size=(5, 3))
    wv, vv = rng.uniform(-1, 1, size=3), rng.uniform(-1, 1, size=(3, 3))
    inits = rng.uniform(-1, 1, size=(3, 3))
    a, _, d = inits
    expected = []
    for t in range(5):
        a, d = np.tanh(a * wv + d + xv[t]), 0.5 * d + xv[t]
        expected.append(a)
    np.testing.assert_allclose(f(xv, x2v, wv, vv, *inits), expected, rtol=1e-12)
    (node,) = scans(f)
    if mode == "FAST_RUN":
        assert (node.op.n_rec, node.op.n_nitsot, node.op.n_seqs) == (2, 0, 1)
        assert not any(i is x2 or i is v or i is c0 for i in node.inputs)
        assert "Sin" not in inner_ops(node) and "Dot" not in inner_ops(node)
    else:
        assert (node.op.n_rec, node.op.n_nitsot, node.op.n_seqs) == (3, 2, 2)


def test_sequence_only_work_moves_out_of_the_loop(mode, rng):
    """`dot(x_t, W)` (3-d and 2-d sequences) and `exp(x_t) * 2` become computations over
    whole sequences; `s_t * w` (a 0-d entry times a vector) and `y_t + s_t` (two sequences)
    stay in the loop."""
    x, y, s = T.tensor3("x"), T.matrix("y"), T.vector("s")
    W, V, w, h0 = T.matrix("W"), T.matrix("V"), T.vector("w"), T.matrix("h0")

    def step(xt, yt, st, h, W, V, w):
        return [0.5 * h + T.exp(xt) * 2 + T.dot(xt, W) + T.dot(yt, V) + st * w, yt + st]
    outs, _ = transpile.scan(step, sequences=[x, y, s], outputs_info=[h0, None], non_sequences=[W, V, w])
    f = transpile.function([x, y, s, W, V, w, h0], outs)
    n, b, k = 4, 2, 3
    xv, yv, sv = rng.uniform(-1, 1, size=(n, b, k)), rng.uniform(-1, 1, size=(n, k)), rng.uniform(-1, 1, size=n)
    Wv, Vv, wv = rng.uniform(-1, 1, size=(k, k)), rng.uniform(-1, 1, size=(k, k)), rng.uniform(-1, 1, size=k)
    h = hv = rng.uniform(-1, 1, size=(b, k))
    hs, zs = [], []
    for t in range(n):
        h = 0.5 * h + np.exp(xv[t]) * 2 + xv[t] @ Wv + yv[t] @ Vv + sv[t] * wv
        hs.append(h)
        zs.append(yv[t] + sv[t])
    got = f(xv, yv, sv, Wv, Vv, wv, hv)
    np.testing.assert_allclose(got[0], hs, rtol=1e-12)
    np.testing.assert_allclose(got[1], zs, rtol=1e-12)
    (node,) = scans(f)
    ops = inner_ops(node)
    if mode == "FAST_RUN":
        assert "Dot" not in ops and "Exp" not in ops, ops
        assert "Mul" in ops and "Add" in ops, ops
    else:
        assert ops.count("Dot") == 2 and "Exp" in ops, ops


def _rnn_loss(x, Wx, Wh, b):
    h0 = T.zeros((x.shape[1], Wh.shape[0]))
    hs, _ = transpile.scan(lambda xt, h, Wx, Wh, b: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh) + b), sequences=x,
                           outputs_info=h0, non_sequences=[Wx, Wh, b])
    return T.sum(hs[-1] ** 2)


def _rnn_numpy(x, Wx, Wh, b):
    """Loss sum(h_T**2) and its gradients wrt Wx, Wh, b, by hand (backpropagation through time)."""
    hs = [np.zeros((x.shape[1], Wh.shape[0]))]
    for xt in x:
        hs.append(np.tanh(xt @ Wx + hs[-1] @ Wh + b))
    gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    gh = 2 * hs[-1]
    for t in range(len(x) - 1, -1, -1):
        gpre = gh * (1 - hs[t + 1] ** 2)
        gWx += x[t].T @ gpre
        gWh += hs[t].T @ gpre
        gb += gpre.sum(axis=0)
        gh = gpre @ Wh.T
    return np.sum(hs[-1] ** 2), gWx, gWh, gb


def test_rnn_gradient_loop_does_only_the_needed_products(mode, rng):
    """The backward loop of a tanh RNN reads h_t saved by the forward loop (no tanh, no forward
    products recomputed, in every mode); under FAST_RUN the unused gradient of x and the history
    of the initial state's gradient go, both loops' input projections move out, and the weight
    gradients' sums over the steps become products after the loop and the bias gradient's
    running total one sum after it: the forward step keeps one product (h W_h), the backward
    step one (dpre W_h^T), sums nothing and emits dpre."""
    x, Wx, Wh, b = T.tensor3("x"), T.matrix("Wx"), T.matrix("Wh"), T.vector("b")
    loss = _rnn_loss(x, Wx, Wh, b)
    f = transpile.function([x, Wx, Wh, b], [loss, *T.grad(loss, [Wx, Wh, b])])
    values = [rng.uniform(-1, 1, size=(6, 2, 3)), rng.uniform(-0.8, 0.8, size=(3, 4)),
              rng.uniform(-0.8, 0.8, size=(4, 4)), rng.uniform(-1, 1, size=4)]
    for got, want in zip(f(*values), _rnn_numpy(*values)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    forward, backward = scans(f)
    assert backward.op.name.startswith("grad_of")
    assert "Tanh" not in inner_ops(backward)
    assert "IncSubtensor" not in inner_ops(backward)  # the state's gradient is dh itself, no zeros filled
    if mode == "FAST_RUN":
        assert inner_ops(forward).count("Dot") == 1
        assert inner_ops(backward).count("Dot") == 1
        assert "Sum" not in inner_ops(backward)
        assert backward.op.n_nitsot == 1 and backward.op.n_rec == 1 and all(backward.op.last_only)
    else:
        assert inner_ops(forward).count("Dot") == 2
        assert inner_ops(backward).count("Dot") == 4  # and the gradient of x, unused
        assert backward.op.n_nitsot == 1 and not any(backward.op.last_only)


def test_gradients_through_rewritten_loops_pass_verify_grad(rng):
    """Every input's gradient (x and the initial state too) through a step with an input
    projection, an elementwise op of the sequence, and an output nothing reads."""
    def f(x, Wx, Wh, h0):
        (hs, _), _ = transpile.scan(lambda xt, h, Wx, Wh: (T.tanh(T.dot(xt, Wx) + T.dot(h, Wh) + T.sin(xt)),
                                                           T.exp(xt)),
                                    sequences=x, outputs_info=[h0, None], non_sequences=[Wx, Wh])
        return hs
    verify_grad(f, [rng.uniform(-1, 1, size=(4, 2, 3)), rng.uniform(-0.8, 0.8, size=(3, 3)),
                    rng.uniform(-0.8, 0.8, size=(3, 3)), rng.uniform(-1, 1, size=(2, 3))],
                rng=np.random.default_rng(5))
    verify_grad(lambda x, Wx, Wh, b: _rnn_loss(x, Wx, Wh, b),
                [rng.uniform(-1, 1, size=(3, 2, 3)), rng.uniform(-0.8, 0.8, size=(3, 4)),
                 rng.uniform(-0.8, 0.8, size=(4, 4)), rng.uniform(-1, 1, size=4)], rng=np.random.default_rng(6))


def test_sum_of_products_over_steps_moves_after_the_loop(mode, rng):
    """`acc + dot(x_t.T, tanh(x_t W + h))` read as `acc[-1]` (with a non-zero initial value)
    becomes one product after the loop; the same sum read at every step stays in the loop."""
    x, W, a0, h0 = T.tensor3("x"), T.matrix("W"), T.matrix("a0"), T.matrix("h0")

    def step(xt, h, acc, W):
        h = T.tanh(T.dot(xt, W) + h)
        return h, acc + T.dot(xt.T, h)
    (hs, accs), _ = transpile.scan(step, sequences=x, outputs_info=[h0, a0], non_sequences=W)
    f_last = transpile.function([x, W, a0, h0], [hs, accs[-1]])
    f_all = transpile.function([x, W, a0, h0], accs)
    xv, Wv = rng.uniform(-1, 1, size=(5, 2, 3)), rng.uniform(-1, 1, size=(3, 4))
    av, h = rng.uniform(-1, 1, size=(3, 4)), rng.uniform(-1, 1, size=(2, 4))
    hv, acc, want_h, want_acc = h, av, [], []
    for t in range(5):
        h = np.tanh(xv[t] @ Wv + h)
        acc = acc + xv[t].T @ h
        want_h.append(h)
        want_acc.append(acc)
    got_h, got_acc = f_last(xv, Wv, av, hv)
    np.testing.assert_allclose(got_h, want_h, rtol=1e-12)
    np.testing.assert_allclose(got_acc, want_acc[-1], rtol=1e-12)
    np.testing.assert_allclose(f_all(xv, Wv, av, hv), want_acc, rtol=1e-12)
    (node,) = scans(f_last)
    (node_all,) = scans(f_all)
    assert node_all.op.n_rec == 2 and inner_ops(node_all).count("Dot") == (1 if mode == "FAST_RUN" else 2)
    if mode == "FAST_RUN":
        assert node.op.n_rec == 1 and node.op.n_nitsot == 1 and "Dot" not in inner_ops(node)
    else:
        assert node.op.n_rec == 2 and node.op.n_nitsot == 0
