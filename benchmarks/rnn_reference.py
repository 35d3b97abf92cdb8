"""Forward and backward (BPTT written out by hand) of the `rnn` and `lstm` workloads in numpy: the
float64 reference every engine's loss and gradients are checked against, and the `numpy` engine
when called on float32. h0 = c0 = 0; loss = sum(h_T ** 2), h_T the last hidden state.

    rnn    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)
    lstm   z = x_t @ W + h_{t-1} @ U + b, gates i, f, g, o = z's four column blocks (PyTorch's order),
           c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g), h_t = sigmoid(o) * tanh(c_t)
"""
import numpy as np


def rnn_numpy(x, Wx, Wh, b):
    """[loss, dloss/dWx, dloss/dWh, dloss/db] of the tanh RNN over the steps x[0], x[1], ..."""
    batch, hidden = x.shape[1], Wh.shape[0]
    hs = [np.zeros((batch, hidden), x.dtype)]
    for xt in x:
        hs.append(np.tanh(xt @ Wx + hs[-1] @ Wh + b))
    loss = np.sum(hs[-1] * hs[-1])
    dh = 2 * hs[-1]
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    for t in range(x.shape[0] - 1, -1, -1):
        da = dh * (1 - hs[t + 1] * hs[t + 1])
        dWx += x[t].T @ da
        dWh += hs[t].T @ da
        db += da.sum(axis=0)
        dh = da @ Wh.T
    return [loss, dWx, dWh, db]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_numpy(x, W, U, b):
    """[loss, dloss/dW, dloss/dU, dloss/db] of the LSTM over the steps x[0], x[1], ..."""
    batch, hidden = x.shape[1], U.shape[0]
    h, c = np.zeros((batch, hidden), x.dtype), np.zeros((batch, hidden), x.dtype)
    tape = []
    for xt in x:
        z = xt @ W + h @ U + b
        i, f = _sigmoid(z[:, :hidden]), _sigmoid(z[:, hidden:2 * hidden])
        g, o = np.tanh(z[:, 2 * hidden:3 * hidden]), _sigmoid(z[:, 3 * hidden:])
        c_next = f * c + i * g
        tc = np.tanh(c_next)
        tape.append((h, c, i, f, g, o, tc))
        h, c = o * tc, c_next
    loss = np.sum(h * h)
    dh, dc = 2 * h, np.zeros_like(c)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    for t in range(x.shape[0] - 1, -1, -1):
        h_prev, c_prev, i, f, g, o, tc = tape[t]
        dc = dc + dh * o * (1 - tc * tc)
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                             dh * tc * o * (1 - o)], axis=1)
        dc = dc * f
        dW += x[t].T @ dz
        dU += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh = dz @ U.T
    return [loss, dW, dU, db]
