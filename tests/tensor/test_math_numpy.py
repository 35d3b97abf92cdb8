"""numpy's spellings composed from elementwise ops (transpile/tensor/math_numpy.py) against numpy:
the comparison names, sign, isfinite/isposinf/isneginf, largest/smallest, logaddexp (with
infinities and huge values) and nan_to_num, in several dtypes; errors and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table

SPECIAL = np.array([-np.inf, -2.5, -0.0, 0.0, 1.5, np.inf, np.nan, 3e300, -3e300])


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8"])
def test_comparisons_sign_and_finiteness(dtype, rng):
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    if dtype.startswith("float"):
        a = np.concatenate([SPECIAL if dtype == "float64" else SPECIAL[:-2], rng.standard_normal(5)]).astype(dtype)
    else:
        a = np.concatenate([[0, 1, 7], rng.integers(-9 if dtype == "int32" else 0, 9, size=11)]).astype(dtype)
    b = a[::-1].copy()
    table = [(name, getattr(T, name)(x, y), getattr(np, name)(a, b))
             for name in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal")]
    table += [("sign", T.sign(x), np.sign(a)), ("isfinite", T.isfinite(x), np.isfinite(a)),
              ("isposinf", T.isposinf(x), np.isposinf(a)), ("isneginf", T.isneginf(x), np.isneginf(a)),
              ("largest", T.largest(x, y), np.maximum(a, b)), ("smallest", T.smallest(x, y), np.minimum(a, b)),
              ("largest 3", T.largest(x, y, x[::-1][::-1]), np.maximum(np.maximum(a, b), a)),
              ("smallest 1", T.smallest(x), a),
              ("nan_to_num", T.nan_to_num(x), np.nan_to_num(a)),
              ("nan_to_num values", T.nan_to_num(x, nan=-1.0, posinf=7.0, neginf=-8.0),
               np.nan_to_num(a, nan=-1.0, posinf=7.0, neginf=-8.0)),
              ("empty", T.isfinite(x[:0]), np.isfinite(a[:0]))]
    check_table([x, y], [a, b], table, numpy_dtypes=True)
    assert T.equal is T.eq and T.less_equal is T.le and T.sign is T.sgn


def test_largest_smallest_broadcast(rng):
    x, v, s = T.matrix("x"), T.vector("v"), T.scalar("s")
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal(4), np.float64(0.25)
    check_table([x, v, s], [a, b, c], [
        ("largest", T.largest(x, v, s), np.maximum(np.maximum(a, b), c)),
        ("smallest", T.smallest(v, x, s, -1.0), np.minimum(np.minimum(np.minimum(b, a), c), -1.0))], numpy_dtypes=True)


def test_logaddexp_matches_numpy_at_edges(rng):
    x, y, z = T.vector("x"), T.vector("y"), T.vector("z")
    f32 = T.fvector("f")
    xi = T.ivector("i")
    a = np.array([-np.inf, -np.inf, np.inf, np.inf, -np.inf, np.nan, 1.0, 800.0, -800.0, 1e308, 0.0, -1e-300, 5.0])
    b = np.array([-np.inf, np.inf, np.inf, -np.inf, 2.0, 1.0, np.nan, 800.0, -801.0, 1e308, 0.0, 3.0, -5.0])
    r = rng.standard_normal(13) * 30
    fa = rng.standard_normal(6).astype("float32") * 50
    ia = rng.integers(-5, 5, size=6).astype("int32")
    with np.errstate(invalid="ignore"):
        table = [("edges", T.logaddexp(x, y), np.logaddexp(a, b)),
                 ("random", T.logaddexp(z, z[::-1]), np.logaddexp(r, r[::-1])),
                 ("broadcast", T.logaddexp(T.shape_padright(z[:3]), z[3:7]),
                  np.logaddexp(r[:3, None], r[3:7])),
                 ("float32", T.logaddexp(f32, 1.5), np.logaddexp(fa, 1.5)),  # a Python number is weak
                 ("ints give float64", T.logaddexp(xi, xi[::-1]), np.logaddexp(ia, ia[::-1]))]
    check_table([x, y, z, f32, xi], [a, b, r, fa, ia], table, numpy_dtypes=True)


def test_errors():
    with pytest.raises(TypeError, match="isposinf.*real"):
        T.isposinf(T.cvector())
    with pytest.raises(TypeError, match="logaddexp.*real"):
        T.logaddexp(T.zvector(), T.vector())
    with pytest.raises(TypeError, match="nan_to_num.*real"):
        T.nan_to_num(T.cmatrix())
    with pytest.raises(TypeError, match="largest: give at least one"):
        T.largest()


GRADIENTS = {
    "logaddexp": lambda a, b: T.logaddexp(a, b),
    "logaddexp tie": lambda a: T.logaddexp(a, a[::-1]),  # a == a[::-1] in the middle: half each
    "logaddexp large": lambda a, b: T.logaddexp(a * 300, b),
    "nan_to_num": lambda a: T.nan_to_num(a) * a,
    "largest": lambda a, b: T.largest(a, b, 0.1),
    "smallest": lambda a, b: T.smallest(a, b),
}


def build_gradient(name):
    r = case_rng()
    if name == "logaddexp tie":
        return GRADIENTS[name], [np.array([0.3, -1.0, 2.0, -1.0, 0.3])]
    if name == "nan_to_num":
        return GRADIENTS[name], [r.standard_normal(5)]
    return GRADIENTS[name], [r.standard_normal((2, 3)), r.standard_normal((2, 3))]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)
