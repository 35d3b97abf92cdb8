"""PyTensor's C backend: mode "CVM" (the fast_run rewrites, C thunks run by the C virtual machine:
Theano's FAST_RUN). PyTensor 3 otherwise defaults to its Numba backend. The RNN and LSTM through `pytensor.scan`."""
import os

import numpy as np

from engines import NotApplicable, installed
from workloads import ARGS, LR, PARAMS

NAMES = ("pytensor",)
MODE = "CVM"
LIBRARY = "pytensor.tensor"


def available(name):
    return installed("pytensor")


def configure(name, cachedir):
    if cachedir:
        os.environ["PYTENSOR_FLAGS"] = f"compiledir={cachedir}"


def make(name, workload, d):
    import pytensor
    import pytensor.tensor as pt
    from pytensor.tensor.special import softmax
    if workload == "fused":
        x = pt.fvector("x")
        f = pytensor.function([x], pt.exp(-x * x) * pt.sin(x) + pt.tanh(0.5 * x) * pt.sqrt(abs(x) + 1), mode=MODE)
        return (lambda: f(d["x"])), (lambda out: [out])
    if workload == "softmax":
        x = pt.fmatrix("x")
        f = pytensor.function([x], softmax(x, axis=1), mode=MODE)
        return (lambda: f(d["x"])), (lambda out: [out])
    if workload in ("mlp", "cold"):
        shared = {k: pytensor.shared(d[k].copy(), name=k) for k in PARAMS}
        x, y = pt.fmatrix("x"), pt.ivector("y")
        h = pt.tanh(pt.dot(x, shared["W1"]) + shared["b1"])
        prob = softmax(pt.dot(h, shared["W2"]) + shared["b2"], axis=1)
        cost = -pt.mean(pt.log(prob)[pt.arange(y.shape[0]), y])
        params = [shared[k] for k in PARAMS]
        updates = [(p, p - LR * g) for p, g in zip(params, pytensor.grad(cost, params))]
        step = pytensor.function([x, y], cost, updates=updates, mode=MODE)
        return (lambda: step(d["X"], d["Y"])), (lambda out: [out] + [shared[k].get_value() for k in PARAMS])
    if workload == "sgemm":
        a, b = pt.fmatrix("a"), pt.fmatrix("b")
        f = pytensor.function([a, b], pt.dot(a, b), mode=MODE)
        return (lambda: f(d["a"], d["b"])), (lambda out: [out])
    if workload == "overhead":
        x, y = pt.dscalar("x"), pt.dscalar("y")
        f = pytensor.function([x, y], x + y, mode=MODE)
        xv, yv = d["x"], d["y"]
        return (lambda: f(xv, yv)), (lambda out: [np.asarray(out)])
    if workload in ("cholesky", "solve", "inv_batched"):
        from pytensor.tensor import nlinalg, slinalg
        a = pt.dmatrix("a") if workload != "inv_batched" else pt.dtensor3("a")
        if workload == "cholesky":
            inputs, out = [a], slinalg.cholesky(a, lower=True)
        elif workload == "solve":
            b = pt.dvector("b")
            inputs, out = [a, b], slinalg.solve(a, b)
        else:
            inputs, out = [a], nlinalg.matrix_inverse(a)
        f = pytensor.function(inputs, out, mode=MODE)
        args = [d[k] for k in ARGS[workload]]
        return (lambda: f(*args)), (lambda out: [out])
    if workload in ("rnn", "lstm"):
        return rnn(workload, d)
    raise NotApplicable(workload)


def rnn(workload, d):
    import pytensor
    import pytensor.tensor as pt
    x, w, u, b = pt.ftensor3("x"), pt.fmatrix("w"), pt.fmatrix("u"), pt.fvector("b")
    h0 = pt.zeros((x.shape[1], u.shape[0]), dtype="float32")
    if workload == "rnn":
        def step(xt, h, w, u, b):
            return pt.tanh(pt.dot(xt, w) + pt.dot(h, u) + b)
        hs, _ = pytensor.scan(step, sequences=x, outputs_info=h0, non_sequences=[w, u, b])
    else:
        def step(xt, h, c, w, u, b):
            n = u.shape[0]
            z = pt.dot(xt, w) + pt.dot(h, u) + b
            i, f = pt.sigmoid(z[:, :n]), pt.sigmoid(z[:, n:2 * n])
            g, o = pt.tanh(z[:, 2 * n:3 * n]), pt.sigmoid(z[:, 3 * n:])
            c = f * c + i * g
            return o * pt.tanh(c), c
        (hs, _), _ = pytensor.scan(step, sequences=x, outputs_info=[h0, h0], non_sequences=[w, u, b])
    loss = pt.sum(hs[-1] ** 2)
    f = pytensor.function([x, w, u, b], [loss, *pytensor.grad(loss, [w, u, b])], mode=MODE)
    args = [d[k] for k in ARGS[workload]]
    return (lambda: f(*args)), (lambda out: [np.asarray(v) for v in out])
