"""gammainc, gammaincc, erfcx, erfcinv, i0, i1, iv, jv, xlogx, xlogy, xlog1py, logit: edge values
and wide ranges against scipy.special in every mode (one compiled function per table), gradients
(wrt x; wrt the order / shape parameter not implemented), and the runtime header request.
(Random values over every dtype: tests/tensor/test_math.py through tests/tensor/op_cases.py.)"""
import numpy as np
import pytest
import scipy.special as sp

import transpile
import transpile.tensor as T
from transpile.emit.cpp.printer import cpp_printer
from tests.batched import batched_verify_grad, case_rng
from transpile.gradient import NullTypeGradError

NAN, INF = np.nan, np.inf

#: (name, T function, scipy function, first input, second input) on 1-d float64 arrays
BINARY = [
    ("gammainc", T.gammainc, sp.gammainc,
     [0.5, 1, 2.5, 30, 100, 0, 0, 1, INF, 2, -1, 1, NAN, 3, 0.01, 500],
     [0.1, 1, 30, 25, 120, 1, 0, INF, 1, 0, 1, -1, 1, NAN, 2.0, 510]),
    ("gammaincc", T.gammaincc, sp.gammaincc,
     [0.5, 1, 2.5, 30, 100, 0, 0, 1, INF, 2, -1, 1, NAN, 3, 0.01, 500],
     [0.1, 1, 30, 25, 120, 1, 0, INF, 1, 0, 1, -1, 1, NAN, 2.0, 510]),
    ("iv", T.iv, sp.iv,
     [0, 1, 2.5, -1.5, -2, 3, 0.5, -0.5, 0, 20.3, 7, -3.7, NAN, 1],
     [0.5, 3.7, 10, 2.2, 1.3, -2, -1, 0, 0, 25, 0.001, 4.1, 1, NAN]),
    ("jv", T.jv, sp.jv,
     [0, 1, 2.5, -1.5, -2, 3, 0.5, -0.5, -1.5, 0, 20.3, 7, -3.7, NAN],
     [0.5, 3.7, 10, 2.2, 1.3, -2, -1, 0, 0, 0, 25, 0.001, 4.1, 1]),
    ("xlogy", T.xlogy, sp.xlogy, [0, 0, 0, 2, -1, 1.5, 0, 3], [0, NAN, -1, 0, 3, 7, 2, INF]),
    ("xlog1py", T.xlog1py, sp.xlog1py, [0, 0, 0, 2, -1, 1.5, 3], [-1, NAN, -3, -1, 3, 1e-10, INF]),
]

#: (name, T function, scipy function, input)
UNARY = [
    ("erfcx", T.erfcx, sp.erfcx, [-26, -5, -1e-300, 0, 1e-8, 0.5, 3, 11.9, 12, 12.1, 30, 1e10, INF, -INF, NAN]),
    ("erfcinv", T.erfcinv, sp.erfcinv,
     [0, 1e-300, 1e-20, 1e-5, 0.3, 0.5, 1 - 1e-12, 1, 1 + 1e-12, 1.7, 2 - 1e-15, 2, -0.1, 2.1, NAN]),
    ("i0", T.i0, sp.i0, [0, -0.0, 1e-30, -1, 2.5, -30, 700, 705, NAN]),  # near 710 scipy overflows early
    ("i1", T.i1, sp.i1, [0, -0.0, 1e-30, -1, 2.5, -30, 700, -705, NAN]),
    ("xlogx", T.xlogx, lambda x: sp.xlogy(x, x), [0, 1e-300, 0.5, 1, 3, INF, -1, NAN]),
    ("logit", T.logit, sp.logit, [0, 1e-10, 0.25, 0.5, 0.75, 1 - 1e-10, 1, -0.5, 2, NAN]),
]


def _close(got, want, name):
    want = np.asarray(want, dtype="float64")
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-300, equal_nan=True, err_msg=name)


def test_edge_values_match_scipy():
    ins, outs, refs = [], [], []
    for name, fn, ref, a, b in BINARY:
        x, y = T.dvector(name + "_a"), T.dvector(name + "_b")
        ins += [x, y]
        outs.append(fn(x, y))
        refs.append((name, ref, np.array(a, dtype="float64"), np.array(b, dtype="float64")))
    for name, fn, ref, a in UNARY:
        x = T.dvector(name)
        ins.append(x)
        outs.append(fn(x))
        refs.append((name, ref, np.array(a, dtype="float64")))
    f = transpile.function(ins, outs)
    results = f(*[v for r in refs for v in r[2:]])
    with np.errstate(all="ignore"):
        for (name, ref, *values), got in zip(refs, results):
            _close(got, ref(*values), name)


def test_wide_ranges_match_scipy(rng):
    k, x, v = T.dvector(), T.dvector(), T.dvector()
    f = transpile.function([k, x, v], [T.gammainc(k, x), T.gammaincc(k, x), T.iv(v, x), T.jv(v, x),
                                       T.erfcx(x - 10), T.erfcinv(10 ** -x)])
    kv = 10 ** rng.uniform(-2, 2, 400)
    xv = kv * rng.uniform(0.2, 2, 400)
    vv = rng.uniform(-6, 6, 400)
    xs = np.minimum(xv, 40.0)
    got = f(kv, xs, vv)
    want = [sp.gammainc(kv, xs), sp.gammaincc(kv, xs), sp.iv(vv, xs), sp.jv(vv, xs), sp.erfcx(xs - 10),
            sp.erfcinv(10 ** -xs)]
    names = ["gammainc", "gammaincc", "iv", "jv", "erfcx", "erfcinv"]
    for name, g, w in zip(names, got, want):
        scale = np.maximum(np.abs(w), 1.0) if name == "jv" else np.abs(w)  # jv oscillates through 0
        assert np.all(np.abs(g - w) <= 1e-10 * scale + 1e-300), (name, np.max(np.abs(g - w) / scale))


def test_float32_computes_in_double_and_rounds():
    k, x = T.fvector(), T.fvector()
    outs = [T.gammainc(k, x), T.iv(k, x), T.erfcinv(x / 5), T.xlogy(k, x), T.logit(x / 5)]
    assert all(o.dtype == "float32" for o in outs)
    kv, xv = np.array([0.5, 2, 3.5], dtype="float32"), np.array([0.3, 2, 4.5], dtype="float32")
    got = transpile.function([k, x], outs)(kv, xv)
    kd, xd = kv.astype("float64"), xv.astype("float64")
    for g, w in zip(got, [sp.gammainc(kd, xd), sp.iv(kd, xd), sp.erfcinv(xd / 5), sp.xlogy(kd, xd), sp.logit(xd / 5)]):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_fused_reduction_of_a_special_function():
    """sum(gammainc(k, x)) is one fused loop in FAST_RUN: it needs the runtime header too."""
    k, x = T.dmatrix(), T.dmatrix()
    kv, xv = np.full((3, 4), 2.5), np.linspace(0.1, 6, 12).reshape(3, 4)
    got = transpile.function([k, x], [T.sum(T.gammainc(k, x) * 2, axis=1), T.max(T.iv(k, x))])(kv, xv)
    np.testing.assert_allclose(got[0], 2 * sp.gammainc(kv, xv).sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(got[1], sp.iv(kv, xv).max(), rtol=1e-13)


def test_the_printer_asks_for_the_runtime_header():
    assert cpp_printer.runtimes(T.gammainc.op.scalar_op) == ["special"]
    assert cpp_printer.runtimes(T.xlogy.op.scalar_op) == []


#: name: (fn, (lo, hi) of each input, shape). Gradients wrt x only: the order / shape parameter
#: is a constant. One batched table (tests/batched.py): one native build.
GRADS = {
    "gammainc": (lambda x: T.gammainc(3.5, x), [(0.3, 6.0)], (2, 3)),
    "gammaincc": (lambda x: T.gammaincc(0.6, x), [(0.3, 6.0)], (2, 3)),
    "iv -1.5": (lambda x: T.iv(-1.5, x), [(0.5, 4.0)], (2, 3)),
    "iv 2 of -x": (lambda x: T.iv(2, -x), [(0.5, 4.0)], (2, 3)),
    "jv -2.5": (lambda x: T.jv(-2.5, x), [(0.5, 4.0)], (2, 3)),
    "jv 3": (lambda x: T.jv(3, x), [(0.5, 6.0)], (2, 3)),
    "erfcx": (T.erfcx, [(6.0, 20.0)], (2, 3)),
    "erfcinv": (T.erfcinv, [(0.01, 0.3)], (2, 3)),
    "i1": (T.i1, [(-3.0, 3.0)], (2, 3)),
    "xlogx": (T.xlogx, [(0.1, 3.0)], (2, 3)),
    "xlogy": (T.xlogy, [(-2.0, 2.0), (0.5, 3.0)], (5,)),
    "xlog1py": (T.xlog1py, [(-2.0, 2.0), (-0.5, 3.0)], (5,)),
}


def build_grad(name):
    fn, domains, shape = GRADS[name]
    rng = case_rng()
    return fn, [rng.uniform(lo, hi, shape) for lo, hi in domains]


@pytest.mark.parametrize("name", list(GRADS))
def test_grad(name, mode):
    batched_verify_grad(mode, list(GRADS), build_grad, name)


@pytest.mark.parametrize("fn", [T.gammainc, T.gammaincc, T.iv, T.jv])
def test_grad_wrt_first_input_not_implemented(fn):
    a, x = T.dvector(), T.dvector()
    with pytest.raises(NullTypeGradError, match="is not implemented"):
        transpile.grad(T.sum(fn(a, x)), a)
    g = transpile.grad(T.sum(fn(a, x)), x)  # the other input's gradient still works
    assert g.type == x.type


def test_complex_and_arity_errors():
    with pytest.raises(TypeError, match="complex"):
        T.erfcx(T.zvector())
    with pytest.raises(TypeError, match="takes 2 inputs"):
        T.gammainc(T.dvector())


@pytest.mark.single_mode
def test_lower_natively():
    """mode="NATIVE" refuses any op without a C++ lowering."""
    k, x = T.dvector(), T.dvector()
    outs = [T.gammainc(k, x), T.gammaincc(k, x), T.iv(k, x), T.jv(k, x), T.erfcx(x), T.erfcinv(x / 4), T.i0(x),
            T.i1(x), T.xlogx(x), T.xlogy(k, x), T.xlog1py(k, x), T.logit(x / 4), T.nnet.elu(x), T.nnet.selu(x),
            T.nnet.softsign(x), T.nnet.ultra_fast_sigmoid(x)]
    kv, xv = np.array([0.5, 2.0, 3.5]), np.array([0.3, 2.0, 3.9])
    got = transpile.function([k, x], outs, mode="NATIVE")(kv, xv)
    want = transpile.function([k, x], outs, mode="FAST_COMPILE")(kv, xv)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
