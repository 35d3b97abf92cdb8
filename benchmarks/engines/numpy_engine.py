"""numpy: the plain expressions (the MLP step and the RNN/LSTM backward written out by hand, as in
the reference, in float32), scipy.linalg for Cholesky and solve, numpy.linalg.inv for the batch."""
import numpy as np

from engines import NotApplicable
from rnn_reference import lstm_numpy, rnn_numpy
from workloads import ARGS, PARAMS, fused_numpy, mlp_step_numpy, softmax_numpy

NAMES = ("numpy",)
LIBRARY = "numpy"


def available(name):
    return None


def configure(name, cachedir):
    pass


def make(name, workload, d):
    if workload == "fused":
        return (lambda: fused_numpy(d["x"])), (lambda out: [out])
    if workload == "softmax":
        return (lambda: softmax_numpy(d["x"])), (lambda out: [out])
    if workload in ("mlp", "cold"):
        p = {k: d[k].copy() for k in PARAMS}
        return (lambda: mlp_step_numpy(p, d["X"], d["Y"])), (lambda out: [out] + [p[k] for k in PARAMS])
    if workload == "sgemm":
        return (lambda: d["a"] @ d["b"]), (lambda out: [out])
    if workload == "overhead":
        add, x, y = np.add, d["x"], d["y"]
        return (lambda: add(x, y)), (lambda out: [np.asarray(out)])
    if workload == "cholesky":
        import scipy.linalg
        return (lambda: scipy.linalg.cholesky(d["a"], lower=True)), (lambda out: [out])
    if workload == "solve":
        import scipy.linalg
        return (lambda: scipy.linalg.solve(d["a"], d["b"])), (lambda out: [out])
    if workload == "inv_batched":
        return (lambda: np.linalg.inv(d["a"])), (lambda out: [out])
    if workload in ("rnn", "lstm"):
        f, args = (rnn_numpy if workload == "rnn" else lstm_numpy), [d[k] for k in ARGS[workload]]
        return (lambda: f(*args)), (lambda out: [np.asarray(v) for v in out])
    raise NotApplicable(workload)
