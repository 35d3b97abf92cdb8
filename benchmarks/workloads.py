"""The benchmark workloads of issue 5 (and the call-overhead and compile-time targets of issue 4):
their seeded inputs, numpy references and tolerances. Every engine gets exactly these inputs.

    fused      y = exp(-x*x)*sin(x) + tanh(0.5*x)*sqrt(abs(x)+1), x: 1e7 float32
    softmax    row softmax of a 4096 x 1024 float32 matrix
    mlp        one SGD step (lr 0.1) of an MLP 784-500-10, tanh, softmax + crossentropy, batch 256, float32
    sgemm      2048^3 float32 matrix product (also reported in GFLOP/s)
    overhead   f(x, y) = x + y on float64 scalars: time per call
    cold       function() + first call of the mlp step, fresh cache (cold) and again in a new process (warm)

and of issue 12 (dense linear algebra, float64) and issue 11 (recurrent networks, float32):

    cholesky     lower Cholesky factor of a 1024 x 1024 symmetric positive definite matrix
    solve        x = solve(A, b), A 1024 x 1024 (general, LU), b one right-hand side vector (1024,)
    inv_batched  inverses of 64 matrices 64 x 64 (one (64, 64, 64) array)
    rnn          tanh RNN, 100 steps, batch 64, input 256, hidden 256: loss = sum(h_T ** 2) and its
                 gradients wrt Wx, Wh, b (forward + backward through time)
    lstm         the same with an LSTM (gates i, f, g, o): loss and gradients wrt W, U, b
"""
from dataclasses import dataclass

import numpy as np

from rnn_reference import lstm_numpy, rnn_numpy

SEED = 20240605
LR = np.float32(0.1)


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    warmup: int        # untimed calls after the first (checked) one
    runs: int          # timed samples (the median is reported)
    quick_runs: int
    number: int = 1    # calls per timed sample (the sample is divided by it)
    rtol: float = 1e-4
    atol: float = 1e-5


WORKLOADS = {w.name: w for w in [
    Workload("fused", "exp(-x*x)*sin(x) + tanh(0.5*x)*sqrt(abs(x)+1), 1e7 float32", 3, 15, 5),
    Workload("softmax", "row softmax 4096x1024 float32", 5, 40, 10, number=2),
    Workload("mlp", "MLP 784-500-10 tanh, softmax-xent, SGD step, batch 256 float32", 5, 40, 10, number=2),
    Workload("sgemm", "sgemm 2048^3 float32", 2, 10, 4, atol=1e-3),
    Workload("overhead", "call overhead f(x, y) = x + y, float64 scalars", 200, 30, 10, number=2000, rtol=0, atol=0),
    Workload("cold", "MLP step: function() + first call, fresh cache (cold) / new process (warm)", 0, 1, 1),
    Workload("cholesky", "Cholesky 1024x1024 float64", 3, 20, 6, rtol=1e-8, atol=1e-10),
    Workload("solve", "solve 1024x1024 float64, one right-hand side", 3, 20, 6, rtol=1e-8, atol=1e-10),
    Workload("inv_batched", "inverse of 64 matrices 64x64 float64", 5, 30, 8, rtol=1e-8, atol=1e-10),
    # float32 over 100 steps against float64: the loss to 1e-3 relative, gradients (largest ~25) to 1e-3
    Workload("rnn", "tanh RNN 100 steps, batch 64, 256->256, loss + gradients, float32", 1, 7, 3, rtol=1e-3, atol=1e-3),
    Workload("lstm", "LSTM 100 steps, batch 64, 256->256, loss + gradients, float32", 1, 7, 3, rtol=1e-3, atol=1e-3),
]}

RNN_STEPS, RNN_BATCH, RNN_INPUT, RNN_HIDDEN = 100, 64, 256, 256


def data(workload):
    """The inputs of `workload` (a dict of numpy values), the same in every process."""
    rng = np.random.default_rng(SEED)
    if workload == "fused":
        return {"x": rng.normal(size=10**7).astype(np.float32)}
    if workload == "softmax":
        return {"x": (rng.normal(size=(4096, 1024)) * 3).astype(np.float32)}
    if workload in ("mlp", "cold"):
        return {"W1": (rng.normal(size=(784, 500)) * 0.01).astype(np.float32), "b1": np.zeros(500, np.float32),
                "W2": (rng.normal(size=(500, 10)) * 0.01).astype(np.float32), "b2": np.zeros(10, np.float32),
                "X": rng.normal(size=(256, 784)).astype(np.float32), "Y": rng.integers(0, 10, 256).astype(np.int32)}
    if workload == "sgemm":
        return {"a": rng.normal(size=(2048, 2048)).astype(np.float32), "b": rng.normal(size=(2048, 2048)).astype(np.float32)}
    if workload == "overhead":
        return {"x": np.float64(1.5), "y": np.float64(2.25)}
    if workload == "cholesky":  # condition number about 5
        m = rng.normal(size=(1024, 1024))
        return {"a": m @ m.T / 1024 + np.eye(1024)}
    if workload == "solve":  # condition number about 5
        return {"a": rng.normal(size=(1024, 1024)) / 32 + 2 * np.eye(1024), "b": rng.normal(size=1024)}
    if workload == "inv_batched":
        return {"a": rng.normal(size=(64, 64, 64)) / 16 + np.eye(64)}
    if workload in ("rnn", "lstm"):
        gates = 1 if workload == "rnn" else 4
        x = rng.normal(size=(RNN_STEPS, RNN_BATCH, RNN_INPUT)).astype(np.float32)
        w = (rng.normal(size=(RNN_INPUT, gates * RNN_HIDDEN)) / np.sqrt(RNN_INPUT)).astype(np.float32)
        u = (rng.normal(size=(RNN_HIDDEN, gates * RNN_HIDDEN)) * 0.9 / np.sqrt(RNN_HIDDEN)).astype(np.float32)
        b = (rng.normal(size=gates * RNN_HIDDEN) * 0.1).astype(np.float32)
        return {"x": x, "w": w, "u": u, "b": b}
    raise KeyError(workload)


# the inputs of each workload in the order its compiled function takes them
ARGS = {"cholesky": ("a",), "solve": ("a", "b"), "inv_batched": ("a",), "rnn": ("x", "w", "u", "b"),
        "lstm": ("x", "w", "u", "b")}


PARAMS = ("W1", "b1", "W2", "b2")


def fused_numpy(x):
    return np.exp(-x * x) * np.sin(x) + np.tanh(np.float32(0.5) * x) * np.sqrt(np.abs(x) + np.float32(1))


def softmax_numpy(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mlp_step_numpy(p, X, Y):
    """One SGD step in place on the dict of parameters `p`; returns the cost before the step."""
    h = np.tanh(X @ p["W1"] + p["b1"])
    z = h @ p["W2"] + p["b2"]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    cost = np.mean(np.log(s[:, 0]) - z[np.arange(n), Y])
    dz = e / s
    dz[np.arange(n), Y] -= 1
    dz /= np.float32(n)
    dh = (dz @ p["W2"].T) * (1 - h * h)
    grads = {"W2": h.T @ dz, "b2": dz.sum(axis=0), "W1": X.T @ dh, "b1": dh.sum(axis=0)}
    for k in PARAMS:
        p[k] -= LR * grads[k]
    return np.float32(cost)


def reference(workload, d):
    """The values each engine's result is checked against (a list of arrays)."""
    if workload == "fused":
        return [fused_numpy(d["x"])]
    if workload == "softmax":
        return [softmax_numpy(d["x"])]
    if workload in ("mlp", "cold"):
        p = {k: d[k].astype(np.float64) for k in PARAMS}
        cost = mlp_step_numpy(p, d["X"].astype(np.float64), d["Y"])
        return [np.asarray(cost, np.float64)] + [p[k] for k in PARAMS]
    if workload == "sgemm":
        return [d["a"].astype(np.float64) @ d["b"].astype(np.float64)]
    if workload == "overhead":
        return [np.asarray(d["x"] + d["y"])]
    if workload == "cholesky":
        return [np.linalg.cholesky(d["a"])]
    if workload == "solve":
        return [np.linalg.solve(d["a"], d["b"])]
    if workload == "inv_batched":
        return [np.linalg.inv(d["a"])]
    if workload in ("rnn", "lstm"):
        f = rnn_numpy if workload == "rnn" else lstm_numpy
        return [np.asarray(v) for v in f(*(d[k].astype(np.float64) for k in ARGS[workload]))]
    raise KeyError(workload)


def check(workload, got, want):
    """None when `got` matches `want` within the workload's tolerance, else a message."""
    w = WORKLOADS[workload]
    if len(got) != len(want):
        return f"expected {len(want)} results, got {len(got)}"
    for k, (g, r) in enumerate(zip(got, want)):
        g = np.asarray(g)
        if g.shape != r.shape:
            return f"result {k}: shape {g.shape}, expected {r.shape}"
        if not np.allclose(g, r, rtol=w.rtol, atol=w.atol):
            err = np.max(np.abs(g.astype(np.float64) - r))
            return f"result {k}: max abs error {err:.3g} beyond rtol={w.rtol}, atol={w.atol}"
    return None


def flops(workload):
    """Floating-point operations of one call, for a GFLOP/s column (sgemm only)."""
    return 2.0 * 2048**3 if workload == "sgemm" else None
