"""numpy: the plain expressions (the MLP step written out by hand, as in the reference)."""
import numpy as np

from engines import NotApplicable
from workloads import PARAMS, fused_numpy, mlp_step_numpy, softmax_numpy

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
    raise NotApplicable(workload)
