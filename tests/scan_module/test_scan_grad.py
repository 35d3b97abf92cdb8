"""Backpropagation through scan: verify_grad (finite differences) and numpy BPTT references."""
import numpy as np

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad


def vg(fn, *points):
    verify_grad(fn, list(points), rng=np.random.default_rng(3))


def _rnn(x, W, h0):
    h, _ = transpile.scan(lambda xt, hp, W: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0,
                          non_sequences=W)
    return h


def test_tanh_rnn_wrt_weights_initial_state_and_sequence(rng):
    vg(_rnn, rng.uniform(-1, 1, size=(4, 3)), rng.uniform(-0.8, 0.8, size=(3, 3)), rng.uniform(-1, 1, size=3))


def test_two_tap_recurrence(rng):
    """h[t] = tanh(a * h[t-2] + b * h[t-1] + x[t]): gradients reach both initial values."""
    def f(x, init, a):
        h, _ = transpile.scan(lambda xt, h2, h1, a: T.tanh(a * h2 + h1 * 0.5 + xt), sequences=x,
                              outputs_info=dict(initial=init, taps=[-2, -1]), non_sequences=a)
        return h
    vg(f, rng.uniform(-1, 1, size=(5, 2)), rng.uniform(-1, 1, size=(2, 2)), rng.uniform(-1, 1, size=2))


def test_non_sequences_closures_and_sequence_taps(rng):
    """A closure (implicit non-sequence), an explicit one, a sequence read at taps -1 and 1, and an
    output not fed back."""
    def f(x, w, c):
        out, _ = transpile.scan(lambda prev, nxt, w: T.sin(prev * w) + nxt * c, sequences=dict(input=x, taps=[-1, 1]),
                                non_sequences=w)
        return out
    vg(f, rng.uniform(-1, 1, size=(5, 2)), rng.uniform(-1, 1, size=2), rng.uniform(-1, 1, size=2))


def test_reduce_and_go_backwards(rng):
    def f(x, h0):
        last, _ = transpile.foldr(lambda xt, h: h * xt + xt, sequences=x, outputs_info=h0)
        return last
    vg(f, rng.uniform(-1, 1, size=(4, 2)), rng.uniform(-1, 1, size=2))


def test_truncate_gradient_matches_numpy_bptt(rng):
    """With truncate_gradient=k only the last k steps are backpropagated: numpy reference BPTT."""
    x, W, h0 = T.matrix("x"), T.matrix("W"), T.vector("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0,
                          truncate_gradient=2)
    gW, gx, gh0 = T.grad(T.sum(h), [W, x, h0])
    f = transpile.function([x, W, h0], [gW, gx, gh0])
    xv, Wv, h0v = rng.uniform(-1, 1, size=(5, 3)), rng.uniform(-0.8, 0.8, size=(3, 3)), rng.uniform(-1, 1, size=3)
    hs = [h0v]
    for t in range(5):
        hs.append(np.tanh(hs[-1] @ Wv + xv[t]))
    ref_W, ref_x = np.zeros_like(Wv), np.zeros_like(xv)
    carried = np.zeros(3)
    for t in range(4, 2, -1):  # steps 4 and 3 only
        total = 1.0 + carried
        pre = total * (1 - hs[t + 1] ** 2)
        ref_W += np.outer(hs[t], pre)
        ref_x[t] = pre
        carried = pre @ Wv.T
    got_W, got_x, got_h0 = f(xv, Wv, h0v)
    np.testing.assert_allclose(got_W, ref_W, rtol=1e-10)
    np.testing.assert_allclose(got_x, ref_x, rtol=1e-10)
    np.testing.assert_allclose(got_h0, 0.0)


def test_gradient_of_a_while_loop(rng):
    """Backpropagated through the steps actually run (5 of at most 50: the stopping step is far
    from the finite-difference perturbations)."""
    def f(x0, w):
        hs, _ = transpile.scan(lambda p, w: (T.tanh(p * w) + p, transpile.until(T.sum(T.tanh(p * w) + p) > 3.0)),
                               outputs_info=x0, non_sequences=w, n_steps=50)
        return hs
    vg(f, np.array([0.1, 0.2]), np.array(0.7))


def test_gradient_of_a_while_loop_over_a_sequence_against_numpy():
    """acc[t] = acc[t-1] * w + x[t] (and a nit-sot output acc * x[t]) until acc > 2: the steps
    not run get a zero gradient; numpy reference."""
    x, w = T.vector("x"), T.scalar("w")
    (acc, prod), _ = transpile.scan(lambda xt, a, w: [a * w + xt, (a * w + xt) * xt, transpile.until(a * w + xt > 2.0)],
                                    sequences=x, outputs_info=[T.constant(0.0), None], non_sequences=w)
    cost = T.sum(acc ** 2) + T.sum(prod)
    f = transpile.function([x, w], [acc, prod, *T.grad(cost, [x, w])])
    xv, wv = np.array([0.5, 0.8, 0.9, 1.0, 0.3, 0.7]), 0.9
    accs = [0.0]
    for t in range(6):
        accs.append(accs[-1] * wv + xv[t])
        if accs[-1] > 2.0:
            break
    steps = len(accs) - 1
    assert steps == 3
    got_acc, got_prod, gx, gw = f(xv, wv)
    np.testing.assert_allclose(got_acc, accs[1:])
    np.testing.assert_allclose(got_prod, np.array(accs[1:]) * xv[:steps])
    ref_x, ref_w, carried = np.zeros(6), 0.0, 0.0
    for t in reversed(range(steps)):
        d = 2 * accs[t + 1] + xv[t] + carried  # d cost / d acc[t]
        ref_x[t] = d + accs[t + 1]              # through acc[t] and the product's second factor
        ref_w += d * accs[t]
        carried = d * wv
    np.testing.assert_allclose(gx, ref_x, rtol=1e-12)
    np.testing.assert_allclose(gw, ref_w, rtol=1e-12)


def test_gradient_through_a_shared_state_updated_in_the_step():
    """acc is carried through the loop (an update inside the step): the gradient of the outputs
    and of the final acc with respect to the sequence follows it (numpy reference)."""
    acc = transpile.shared(np.zeros(2), name="acc")
    xs = T.matrix("xs")
    out, updates = transpile.scan(lambda xt: (T.sum(acc * xt), {acc: acc + xt}), sequences=xs)
    g = T.grad(T.sum(out) + T.sum(updates[acc]), xs)
    f = transpile.function([xs], [out, g], updates=updates)
    xv = np.arange(6.0).reshape(3, 2)
    o, gv = f(xv)
    prefix = np.concatenate([np.zeros((1, 2)), np.cumsum(xv, axis=0)[:-1]])
    np.testing.assert_allclose(o, np.sum(prefix * xv, axis=1))
    later = np.cumsum(xv[::-1], axis=0)[::-1] - xv  # sum of x over later steps
    np.testing.assert_allclose(gv, prefix + later + 1)
    np.testing.assert_allclose(acc.get_value(), xv.sum(axis=0))


def test_nested_scan(rng):
    """A scan inside the step of a scan, and its gradient."""
    def f(X, w):
        def row_step(row, total):
            inner, _ = transpile.scan(lambda v, a: a * T.sum(w) + v, sequences=row, outputs_info=T.constant(0.0))
            return total + inner[-1]
        out, _ = transpile.scan(row_step, sequences=X, outputs_info=T.constant(0.0))
        return out
    vg(f, rng.uniform(-1, 1, size=(3, 4)), rng.uniform(-0.5, 0.5, size=2))
