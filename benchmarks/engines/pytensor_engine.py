"""PyTensor's C backend: mode "CVM" (the fast_run rewrites, C thunks run by the C virtual machine:
Theano's FAST_RUN). PyTensor 3 otherwise defaults to its Numba backend."""
import os

import numpy as np

from engines import NotApplicable, installed
from workloads import LR, PARAMS

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
    raise NotApplicable(workload)
