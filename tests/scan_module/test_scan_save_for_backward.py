"""`scan_save_for_backward` (save_for_backward.py): under FAST_RUN the forward loop of an LSTM
saves its gate activations and tanh(c_t) as nit-sot outputs and the backward loop reads them
instead of recomputing the gates (no product with U, no sigmoid, no tanh left in its step);
not under FAST_COMPILE. Loss and gradients match a numpy BPTT in both modes; truncated and
twice-differentiated loops give the FAST_COMPILE values; verify_grad passes."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.scan_module.test_scan_rewrites import inner_ops, scans


def _lstm_hs(x, W, U, b, truncate=-1):
    """The hidden states of an LSTM (gates i, f, g, o in z's four column blocks)."""
    h0 = T.zeros((x.shape[1], U.shape[0]), dtype=x.dtype)

    def step(xt, h, c, W, U, b):
        n = U.shape[0]
        z = T.dot(xt, W) + T.dot(h, U) + b
        i, f = T.nnet.sigmoid(z[:, :n]), T.nnet.sigmoid(z[:, n:2 * n])
        g, o = T.tanh(z[:, 2 * n:3 * n]), T.nnet.sigmoid(z[:, 3 * n:])
        c = f * c + i * g
        return o * T.tanh(c), c
    (hs, _), _ = transpile.scan(step, sequences=x, outputs_info=[h0, h0], non_sequences=[W, U, b],
                                truncate_gradient=truncate)
    return hs


def _lstm_numpy(x, W, U, b):
    """sum(h_T**2) and its gradients wrt W, U, b: the forward keeps every step's gates, the
    backward walks the steps in reverse."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    n = U.shape[0]
    h, c = np.zeros((x.shape[1], n)), np.zeros((x.shape[1], n))
    steps = []
    for xt in x:
        z = xt @ W + h @ U + b
        gates = sig(z[:, :n]), sig(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), sig(z[:, 3 * n:])
        c_new = gates[1] * c + gates[0] * gates[2]
        steps.append((xt, h, c, gates, np.tanh(c_new)))
        h, c = gates[3] * np.tanh(c_new), c_new
    dh, dc = 2 * h, np.zeros_like(c)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    for xt, h_prev, c_prev, (i, f, g, o), tc in reversed(steps):
        dc = dc + dh * o * (1 - tc ** 2)
        dz = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                        dh * tc * o * (1 - o)])
        dc = dc * f
        dW, dU, db = dW + xt.T @ dz, dU + h_prev.T @ dz, db + dz.sum(axis=0)
        dh = dz @ U.T
    return [np.sum(h ** 2), dW, dU, db]


def _values(rng, steps=5, batch=3, inputs=4, hidden=3):
    return [rng.uniform(-1, 1, size=(steps, batch, inputs)), rng.uniform(-0.7, 0.7, size=(inputs, 4 * hidden)),
            rng.uniform(-0.7, 0.7, size=(hidden, 4 * hidden)), rng.uniform(-0.5, 0.5, size=4 * hidden)]


def test_lstm_backward_reads_the_saved_gates(mode, rng):
    x, W, U, b = T.tensor3("x"), T.matrix("W"), T.matrix("U"), T.vector("b")
    loss = T.sum(_lstm_hs(x, W, U, b)[-1] ** 2)
    f = transpile.function([x, W, U, b], [loss, *T.grad(loss, [W, U, b])])
    values = _values(rng)
    for got, want in zip(f(*values), _lstm_numpy(*values)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    forward, backward = scans(f)
    if mode == "FAST_RUN":
        # i, f, g, o and tanh(c_t); not z (the gradient of its slices reads only its shape)
        assert forward.op.n_nitsot == 5
        assert forward.op.n_rec == 2
        ops = inner_ops(backward)
        assert "Sigmoid" not in ops and "Tanh" not in ops
        assert ops.count("Dot") == 1  # dz U^T; x_t W and h_{t-1} U are no longer recomputed
    else:
        assert forward.op.n_nitsot == 0
        assert "Sigmoid" in inner_ops(backward) and inner_ops(backward).count("Dot") >= 2


@pytest.mark.single_mode
def test_truncated_and_two_backward_loops_give_the_reference_values(rng):
    """A truncated gradient (the backward loop runs 2 of 5 steps) and two gradients of the same
    forward loop (two backward loops, the forward saves each value once): FAST_RUN gives the
    FAST_COMPILE values."""
    x, W, U, b = T.tensor3("x"), T.matrix("W"), T.matrix("U"), T.vector("b")
    hs = _lstm_hs(x, W, U, b, truncate=2)
    loss = T.sum(hs[-1] ** 2)
    hs_full = _lstm_hs(x, W, U, b)
    loss_a, loss_b = T.sum(hs_full[-1] ** 2), T.sum(T.sin(hs_full[-2]))
    outputs = [*T.grad(loss, [W, U, b]), T.grad(loss_a, W), T.grad(loss_b, U)]
    values = _values(rng)
    fast = transpile.function([x, W, U, b], outputs, mode="FAST_RUN")
    reference = transpile.function([x, W, U, b], outputs, mode="FAST_COMPILE")
    for got, want in zip(fast(*values), reference(*values)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    names = [n.op.name for n in scans(fast)]
    assert sum(name.count("grad_of_scan_fn") for name in names) == 3  # the two of hs_full may run as one loop (merge.py)
    forwards = [n for n in scans(fast) if n.op.name == "scan_fn"]
    assert len(forwards) == 2 and all(n.op.n_nitsot == 5 for n in forwards)


def test_gradients_through_saved_values_pass_verify_grad(rng):
    """Every input's gradient (the sequence too) of an LSTM whose forward loop saves its gates."""
    x, W, U, b = _values(rng, steps=3, batch=2, inputs=2, hidden=2)
    verify_grad(lambda x, W, U, b: T.sum(_lstm_hs(x, W, U, b)[-1] ** 2), [x, W, U, b],
                rng=np.random.default_rng(7))
