"""`verify_grad`: check an expression's symbolic gradient against central finite differences.

The output of `fn` is projected on a fixed random tensor (cost = sum(out * r)), so one scalar
gradient checks the whole Jacobian against `r`. Errors compare element by element: an element
passes when its absolute error is within `abs_tol` or its relative error
|a - n| / (|a| + |n|) within `rel_tol`.
"""
import numpy as np

import transpile.gradient
import transpile.tensor as T
from transpile.compile.function import function
from transpile.gradient import grad
from transpile.graph.shared import shared
from transpile.scalar import dtypes as D

#: finite-difference step per dtype (central differences: about the cube root of the epsilon)
TYPE_EPS = {"float64": 1e-6, "float32": 1e-3, "float16": 1e-1}
#: default absolute and relative tolerance per dtype
TYPE_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


class GradientError(ValueError):
    """The symbolic gradient of input `arg` disagrees with the finite-difference estimate."""

    def __init__(self, arg, err_pos, abs_err, rel_err, abs_tol, rel_tol, analytic=None, numeric=None):
        self.arg, self.err_pos = arg, err_pos
        self.abs_err, self.rel_err = abs_err, rel_err
        self.abs_tol, self.rel_tol = abs_tol, rel_tol
        self.analytic, self.numeric = analytic, numeric
        super().__init__(str(self))

    def __str__(self):
        at = ""
        if self.analytic is not None:
            flat_a = np.ravel(self.analytic)
            flat_n = np.ravel(self.numeric)
            at = f" (symbolic {flat_a[self.err_pos]!r} vs numeric {flat_n[self.err_pos]!r})"
        return (f"GradientError: the gradient with respect to input {self.arg} is wrong: largest absolute "
                f"error {self.abs_err:.3g} (tolerance {self.abs_tol:g}), largest relative error "
                f"{self.rel_err:.3g} (tolerance {self.rel_tol:g}), at flat position {self.err_pos}{at}")


#: points with at most this many elements in all are checked with one compiled function
SMALL_POINT_SIZE = 4096


def numeric_grad(f, pt, eps=None):
    """Central-difference gradient of the scalar function `f(*pt)` at `pt` (list of arrays).

    Perturbs each element in its own dtype and divides by the step actually taken."""
    grads = []
    for k, x in enumerate(pt):
        step = eps if eps is not None else TYPE_EPS[x.dtype.name]
        g = np.zeros(x.shape, dtype="float64")
        work = [np.array(p, copy=True, order="C") for p in pt]  # C order: `flat` must be a view
        flat = work[k].reshape(-1)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + step
            plus_x = float(flat[j])
            f_plus = float(f(*work))
            flat[j] = orig - step
            minus_x = float(flat[j])
            f_minus = float(f(*work))
            flat[j] = orig
            g.reshape(-1)[j] = (f_plus - f_minus) / (plus_x - minus_x)
        grads.append(g)
    return grads


def max_err(analytic, numeric, abs_tol, rel_tol):
    """(position of the worst element or None, max abs error, max rel error) where the worst
    element is the one failing both tolerances by the most."""
    a = np.asarray(analytic, dtype="float64").reshape(-1)
    n = np.asarray(numeric, dtype="float64").reshape(-1)
    abs_err = np.abs(a - n)
    denom = np.abs(a) + np.abs(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_err = np.where(denom > 0, abs_err / np.where(denom > 0, denom, 1), 0.0)
    nonfinite = ~(np.isfinite(a) & np.isfinite(n)) & ~(a == n)
    abs_err = np.where(nonfinite, np.inf, abs_err)
    rel_err = np.where(nonfinite, np.inf, rel_err)
    bad = (abs_err > abs_tol) & (rel_err > rel_tol)
    max_abs = float(abs_err.max()) if a.size else 0.0
    max_rel = float(rel_err.max()) if a.size else 0.0
    if not bad.any():
        return None, max_abs, max_rel
    pos = int(np.argmax(np.where(bad, np.minimum(abs_err / abs_tol, rel_err / rel_tol), -1)))
    return pos, max_abs, max_rel


def verify_grad(fn, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None, rel_tol=None,
                mode=None, cast_to_output_type=False):
    """Check the gradient of `fn` (a function of symbolic tensors returning one tensor) at the
    point `pt` (a list of float arrays, one per argument of `fn`).

    Raises GradientError (a ValueError) naming the input and the largest absolute and relative
    errors when the symbolic and numeric gradients disagree. `eps`, `abs_tol` and `rel_tol`
    default per dtype (see TYPE_EPS, TYPE_TOL). `mode` is the compilation mode (config.mode by
    default). With `cast_to_output_type`, the random projection has the output's dtype (else
    float64)."""

    if isinstance(pt, np.ndarray) or np.isscalar(pt):
        pt = [pt]
    pt = [np.array(p, copy=True) for p in pt]
    for i, p in enumerate(pt):
        if p.dtype.name not in TYPE_EPS:
            raise TypeError(f"verify_grad: point {i} has dtype {p.dtype}; gradients are checked at "
                            "float32/float64 points only (pass integer arguments through a closure)")
    if rng is None:
        rng = np.random.default_rng(42)
    tol_dtype = max((p.dtype.name for p in pt), key=lambda d: TYPE_TOL[d])  # the loosest
    abs_tol = TYPE_TOL[tol_dtype] if abs_tol is None else abs_tol
    rel_tol = TYPE_TOL[tol_dtype] if rel_tol is None else rel_tol

    tensor_pt = [T.TensorType(p.dtype.name, tuple(s == 1 for s in p.shape))(f"input {i}")
                 for i, p in enumerate(pt)]
    out = fn(*tensor_pt)
    if isinstance(out, (list, tuple)):
        raise TypeError("verify_grad: fn must return a single variable; check each output separately "
                        "(e.g. lambda *a: fn(*a)[k])")
    out = T.as_tensor_variable(out)
    if D.is_discrete(out.dtype):
        raise TypeError(f"verify_grad: the output {out} has integer type {out.type}; it has no gradient")

    # The output's shape from the reference executor: no native build just for a shape.
    out_shape = np.shape(function(tensor_pt, out, mode="FAST_COMPILE", on_unused_input="ignore")(*pt))
    projection_dtype = out.dtype if cast_to_output_type else "float64"
    r = shared(np.zeros(out_shape, dtype=projection_dtype), name="random_projection",
               broadcastable=out.broadcastable)
    cost = T.sum(r * out)
    symbolic = grad(cost, tensor_pt, disconnected_inputs="ignore")
    if sum(p.size for p in pt) <= SMALL_POINT_SIZE:
        # One compiled function gives the cost and the gradients (one native build instead of
        # two); computing the gradients on every perturbed call costs nothing at this size.
        both = function(tensor_pt, [cost] + symbolic, mode=mode, on_unused_input="ignore")
        cost_fn, grad_fn = (lambda *a: both(*a)[0]), (lambda *a: both(*a)[1:])
    else:
        cost_fn = function(tensor_pt, cost, mode=mode, on_unused_input="ignore")
        grad_fn = function(tensor_pt, symbolic, mode=mode, on_unused_input="ignore")
    for _ in range(n_tests):
        r.set_value(np.asarray(rng.random(out_shape) + 0.5, dtype=projection_dtype))
        analytic = grad_fn(*pt)
        numeric = numeric_grad(cost_fn, pt, eps)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            if np.shape(a) != np.shape(n):
                raise GradientError(i, 0, np.inf, np.inf, abs_tol, rel_tol)
            pos, max_abs, max_rel = max_err(a, n, abs_tol, rel_tol)
            if pos is not None:
                raise GradientError(i, pos, max_abs, max_rel, abs_tol, rel_tol, a, n)


# Theano spelling of the error class
verify_grad.E_grad = GradientError


# offered where Theano had them
transpile.gradient.verify_grad, transpile.gradient.numeric_grad = verify_grad, numeric_grad
transpile.gradient.GradientError = GradientError
