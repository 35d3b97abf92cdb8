"""DEBUG_MODE gradient checks of a whole table of cases with one DebugMode function.

`verify_grad` in DEBUG_MODE builds one native probe per case (DebugMode compares every node
with native code) and runs each of its finite-difference steps through DebugMode; batched
like `batched_verify_grad` does, that Python cost would grow with the square of the table.

Here the graphs `verify_grad` compiles for each case (its projected cost and the gradients of
that cost) are all outputs of ONE DEBUG_MODE function: DebugMode checks every node of every
case (values, shapes, aliasing, rewrites, and natively, with one probe build for the table).
Each case's DebugMode gradients are then compared with the central finite differences of its
own cost (run by the reference executor) with verify_grad's steps and tolerances, at two random
projections as verify_grad does. If anything in the table fails, each case runs its own
verify_grad in DEBUG_MODE, so a failure names the case.
"""
import numpy as np

import transpile.tensor as T
from transpile import function
from transpile.gradcheck import TYPE_TOL, GradientError, max_err, numeric_grad
from transpile.gradient import grad, verify_grad

from tests.batched import case_rng

N_TESTS = 2  # random projections per case, verify_grad's default

_TABLES = {}


def batched_debug_verify_grad(cases, build, case, **kwargs):
    """`verify_grad(fn, pt, mode="DEBUG_MODE", **kwargs)` of `case`, one of `cases`, where
    `build(case)` returns (fn, pt), checked with the whole table (see the module docstring).
    kwargs: abs_tol, rel_tol, eps."""
    unknown = set(kwargs) - {"abs_tol", "rel_tol", "eps"}
    if unknown:
        raise TypeError(f"batched_debug_verify_grad: unsupported verify_grad options {sorted(unknown)}")
    key = (build.__module__, build.__qualname__, repr(cases), repr(sorted(kwargs.items())))
    if key not in _TABLES:
        _TABLES[key] = _table_passes(cases, build, kwargs)
    if not _TABLES[key]:
        fn, pt = build(case)
        verify_grad(fn, pt, rng=case_rng(), mode="DEBUG_MODE", **kwargs)


class _Case:
    """One case's verify_grad graphs: inputs typed like verify_grad's, the projection as an
    input, the projected cost and its gradients; its cost alone on the reference executor."""

    def __init__(self, fn, pt):
        pt = [pt] if isinstance(pt, np.ndarray) or np.isscalar(pt) else pt
        self.pt = [np.array(p, copy=True) for p in pt]
        self.inputs = [T.TensorType(p.dtype.name, tuple(s == 1 for s in p.shape))(f"input {i}")
                       for i, p in enumerate(self.pt)]
        out = T.as_tensor_variable(fn(*self.inputs))
        self.out_shape = np.shape(function(self.inputs, out, mode="FAST_COMPILE", on_unused_input="ignore")(*self.pt))
        self.projection = T.TensorType("float64", out.broadcastable)("random_projection")
        cost = T.sum(self.projection * out)
        self.outputs = [cost] + grad(cost, self.inputs, disconnected_inputs="ignore")
        self.cost = function(self.inputs + [self.projection], cost, mode="FAST_COMPILE", on_unused_input="ignore")

    def check(self, r, analytic, abs_tol=None, rel_tol=None, eps=None):
        """Raise GradientError where `analytic` (this case's gradients at projection `r`)
        disagrees with the finite differences, as verify_grad does."""
        tol_dtype = max((p.dtype.name for p in self.pt), key=lambda d: TYPE_TOL[d])
        abs_tol = TYPE_TOL[tol_dtype] if abs_tol is None else abs_tol
        rel_tol = TYPE_TOL[tol_dtype] if rel_tol is None else rel_tol
        numeric = numeric_grad(lambda *a: self.cost(*a, r), self.pt, eps)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            if np.shape(a) != np.shape(n):
                raise GradientError(i, 0, np.inf, np.inf, abs_tol, rel_tol)
            pos, max_abs, max_rel = max_err(a, n, abs_tol, rel_tol)
            if pos is not None:
                raise GradientError(i, pos, max_abs, max_rel, abs_tol, rel_tol, a, n)


def _table_passes(cases, build, kwargs):
    try:
        checks = [_Case(*build(each)) for each in cases]
        inputs = [v for c in checks for v in c.inputs + [c.projection]]
        debug = function(inputs, [o for c in checks for o in c.outputs], mode="DEBUG_MODE",
                         on_unused_input="ignore")
        rng = case_rng()
        for _ in range(N_TESTS):
            projections = [rng.random(c.out_shape) + 0.5 for c in checks]
            results = debug(*[v for c, r in zip(checks, projections) for v in c.pt + [r]])
            start = 0
            for c, r in zip(checks, projections):
                c.check(r, results[start + 1:start + len(c.outputs)], **kwargs)
                start += len(c.outputs)
    except Exception:  # every case is then checked on its own, and fails on its own
        return False
    return True
