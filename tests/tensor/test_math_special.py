"""PyTensor's special functions (transpile.tensor.math_special) against scipy.special in every
mode: polygamma, poch, betaln, kv, kve, ive, betainc, betaincinv, gammaincinv, gammainccinv,
ndtri_exp, owens_t, hyp2f1 (on its domain -1 < z <= 0.9999), and the compositions digamma,
factorial, kn. Edge values, wide random ranges
that reach the hard regions (small and large arguments, x near 0 and 1, tiny probabilities),
float32 inputs, and gradients (verify_grad) with respect to each differentiable input."""
import numpy as np
import pytest
import scipy.special as sp

import transpile
import transpile.tensor as T
from transpile.emit.cpp.printer import cpp_printer
from transpile.gradient import NullTypeGradError, verify_grad

NAN, INF = np.nan, np.inf


def _run(inputs, values, table, rtol):
    """Compile the outputs of `table` ([(name, output, expected)]) into one function and compare."""
    outs = transpile.function(inputs, [out for _, out, _ in table], on_unused_input="ignore")(*values)
    for (name, out, expected), got in zip(table, outs):
        assert got.dtype == out.dtype, name
        np.testing.assert_allclose(got, np.asarray(expected, dtype=got.dtype), rtol=rtol, atol=1e-300,
                                   equal_nan=True, err_msg=name)


def _edge(*columns):
    return [np.array(c, dtype="float64") for c in columns]


#: (name, T function, scipy function, columns of arguments): scipy's edge values and a few ordinary ones
EDGES = [
    ("polygamma", T.polygamma, sp.polygamma,
     _edge([0, 1, 2, 3, 1, 2, 1, 1.5, -1, 4, 1, 30, 0], [2.5, 0, 0, -1, -1.5, -2.3, 1e-8, 2, 2, 1e5, INF, 0.7, -0.0])),
    ("poch", T.poch, sp.poch,
     _edge([1.5, -3, -3, -2.5, 0, 1e6, 2, NAN, 7.25, 0.01], [0, 2, 2.5, 1.5, 1.5, 0.5, NAN, 1, -3, 12.5])),
    ("betaln", T.betaln, sp.betaln,
     _edge([1, 0.5, -1.5, 1e6, 3, 1e-8, 20, NAN], [1, 0.5, 2.3, 1, 1e3, 5, 30, 1])),
    ("kv", T.kv, sp.kv,
     _edge([0, 1, 0.5, INF, 1, NAN, 2, 0, -2.5, 30, 0.3], [0, -1, INF, 1, NAN, 1, 1e-300, 1e-300, 3, 2, 700])),
    ("kve", T.kve, sp.kve,
     _edge([0, 1, 0.5, 2, 0, -2.5, 0.3, 4], [0, -1, INF, 1e-300, 1e-300, 3, 1e6, 800])),
    ("ive", T.ive, sp.ive,
     _edge([0, 1, 0.5, 0, 1, 2, 2.5, -1.5, 3, 0.5], [0, -2, -2, INF, 1e-300, 2e4, 800, 1, -900, 1e5])),
    ("betainc", T.betainc, sp.betainc,
     _edge([0, 2, 0, 1, 1, 1, 2, INF, -1, NAN, 2, 0.5, 1e-3, 800, 5],
           [2, 0, 0, 1, 1, 1, INF, 1, 1, 1, 3, 0.5, 1e-3, 900, 0.01],
           [0.5, 0.5, 0.5, 0, 1, 1.1, 0.5, 0.5, 0.5, 0.5, 1e-10, 1 - 1e-12, 0.3, 0.47, 0.999])),
    ("betaincinv", T.betaincinv, sp.betaincinv,
     _edge([1, 1, 0, 2, 0.5, 3, 50, 0.01, 2, NAN], [1, 1, 1, 3, 0.5, 0.02, 40, 5, 2, 1],
           [0, 1, 0.5, 0.25, 1e-30, 0.5, 0.999, 0.7, 1 - 1e-10, 0.5])),
    ("gammaincinv", T.gammaincinv, sp.gammaincinv,
     _edge([0, 1, 1, 2, -1, NAN, 0.5, 100, 0.01, 3], [0.5, 0, 1, 0.5, 0.5, 0.5, 1e-100, 0.3, 0.6, 1 - 1e-12])),
    ("gammainccinv", T.gammainccinv, sp.gammainccinv,
     _edge([0, 1, 1, 2, -1, NAN, 0.5, 100, 0.01, 3], [0.5, 0, 1, 0.5, 0.5, 0.5, 1e-100, 0.3, 0.6, 1 - 1e-12])),
    ("ndtri_exp", T.ndtri_exp, sp.ndtri_exp,
     _edge([0, 0.1, -INF, NAN, -1e-20, -0.5, -0.6931471805599453, -1, -700, -745, -800, -1e5])),
    ("owens_t", T.owens_t, sp.owens_t,
     _edge([0, 0, INF, 1, 0, 5, NAN, 1, -2, 10, 0.3, 3], [0, INF, 1, INF, 1, -INF, 1, 0.5, -3, 0.5, 100, 1])),
    ("hyp2f1", T.hyp2f1, sp.hyp2f1,
     _edge([1, -2, -2, -2, 0, 1, 1, 1.5, 1, INF, 1, -3, 2, -1, 5.5, -5.5, 0.5],
           [1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 3, 5, 7.2, 7.2, 0.5],
           [0, -3, -1, -2, 0, 2, 2, 3, 3, 2, -2.5, -5, 4, -1, 1.3, 1.3, 1.5],
           [0.5, 0.5, 0.5, 0.5, 0.5, -0.5, 0.9999, -0.999, NAN, 0.5, 0.5, 0.3, 0, 0.5, 0.9999, 0.9999, 1e-300])),
]


def test_edge_values_match_scipy():
    inputs, values, table = [], [], []
    with np.errstate(all="ignore"):
        for name, fn, ref, columns in EDGES:
            xs = [T.dvector(f"{name}{k}") for k in range(len(columns))]
            inputs += xs
            values += columns
            table.append((name, fn(*xs), ref(*columns)))
    _run(inputs, values, table, rtol=1e-10)


def _wide(seed):
    """Arguments over wide ranges: (name, T function, scipy function, columns), with columns
    chosen where scipy.special itself is accurate to 1e-12 or better."""
    rng = np.random.default_rng(seed)
    n = 300
    pos = 10 ** rng.uniform(-4, 4, n)
    x01 = np.concatenate([rng.uniform(0, 1, n // 3), 10 ** rng.uniform(-12, -1, n // 3),
                          1 - 10 ** rng.uniform(-12, -1, n - 2 * (n // 3))])
    a, b = 10 ** rng.uniform(-2, 3, n), 10 ** rng.uniform(-2, 3, n)
    order = rng.uniform(-25, 25, n)
    y = np.concatenate([rng.uniform(0, 1, n // 2), 10 ** rng.uniform(-80, -1, n - n // 2)])
    ab = 10 ** rng.uniform(-1, 2, n)
    return [
        ("polygamma", T.polygamma, sp.polygamma, [rng.integers(0, 12, n).astype(float), pos]),
        ("polygamma negative x", T.polygamma, sp.polygamma, [rng.integers(1, 6, n).astype(float),
                                                             -rng.uniform(0.05, 0.45, n) - rng.integers(0, 20, n)]),
        ("poch", T.poch, sp.poch, [pos, rng.uniform(-3, 3, n) * 10 ** rng.uniform(-3, 1.5, n)]),
        ("betaln", T.betaln, sp.betaln, [10 ** rng.uniform(0, 6, n), 10 ** rng.uniform(0, 6, n)]),
        ("kv", T.kv, sp.kv, [order, 10 ** rng.uniform(-6, 2.5, n)]),
        ("kve", T.kve, sp.kve, [order, 10 ** rng.uniform(-6, 4, n)]),
        ("ive", T.ive, sp.ive, [order, 10 ** rng.uniform(-6, 4, n)]),
        ("betainc", T.betainc, sp.betainc, [a, b, x01]),
        ("betaincinv", T.betaincinv, sp.betaincinv, [ab, 10 ** rng.uniform(-1, 2, n), rng.uniform(1e-6, 1 - 1e-6, n)]),
        ("gammaincinv", T.gammaincinv, sp.gammaincinv, [a, y]),
        ("gammainccinv", T.gammainccinv, sp.gammainccinv, [a, y]),
        ("ndtri_exp", T.ndtri_exp, sp.ndtri_exp, [-(10 ** rng.uniform(-20, 6, n))]),
        ("owens_t", T.owens_t, sp.owens_t, [rng.uniform(-8, 8, n), rng.uniform(-1, 1, n) * 10 ** rng.uniform(-3, 3, n)]),
        ("hyp2f1", T.hyp2f1, sp.hyp2f1, [rng.uniform(-3, 6, n), rng.uniform(-3, 6, n), rng.uniform(0.5, 8, n),
                                         np.concatenate([rng.uniform(-0.99, 0.9, n // 2),
                                                         1 - 10 ** rng.uniform(-4, -1, n - n // 2)])]),
    ]


def test_wide_ranges_match_scipy():
    inputs, values, table = [], [], []
    with np.errstate(all="ignore"):
        for name, fn, ref, columns in _wide(20261205):
            expected = ref(*columns)
            keep = np.isfinite(expected) & (np.abs(expected) > 1e-290) & (np.abs(expected) < 1e290)
            columns = [c[keep] for c in columns]
            xs = [T.dvector(f"{name}{k}") for k in range(len(columns))]
            inputs += xs
            values += columns
            table.append((name, fn(*xs), expected[keep]))
    _run(inputs, values, table, rtol=1e-10)


def test_hyp2f1_is_nan_outside_its_domain():
    a, z = T.dvector("a"), T.dvector("z")
    zv = np.array([-1.0, -3.0, 1.0, 0.99995, 2.0, INF])
    got = transpile.function([a, z], T.hyp2f1(a, 1.0, 2.5, z))(np.full(6, 1.5), zv)
    assert np.isnan(got).all()


@pytest.mark.filterwarnings("ignore:floating point number truncated")
def test_compositions_digamma_factorial_kn():
    x, n, i = T.dvector("x"), T.dvector("n"), T.lvector("i")
    xv = np.array([0.5, 1.0, 3.7, -1.5, 1e-3, 40.0])
    nv = np.array([-1.0, -0.5, 0.0, 3.5, 5.0, 171.0, NAN])
    iv = np.array([0, 1, 2, 5, 10, 3])
    assert T.digamma is T.psi
    table = [("digamma", T.digamma(x), sp.psi(xv)), ("factorial", T.factorial(n), sp.factorial(nv)),
             ("factorial integers", T.factorial(i), sp.factorial(iv).astype("float64")),
             ("kn", T.kn(i, T.abs(x)), sp.kn(iv, np.abs(xv))), ("kn truncates", T.kn(n[:6], x[:6] + 3), sp.kn(nv[:6], xv + 3))]
    with np.errstate(all="ignore"):
        _run([x, n, i], [xv, nv, iv], table, rtol=1e-12)


@pytest.mark.filterwarnings("ignore:floating point number truncated")
def test_float32_inputs():
    a, b, x = T.fvector("a"), T.fvector("b"), T.fvector("x")
    av = np.array([0.5, 1.0, 2.5, 4.0], dtype="float32")
    bv = np.array([2.0, 0.7, 3.0, 1.5], dtype="float32")
    xv = np.array([0.1, 0.5, 0.9, 0.3], dtype="float32")
    a64, b64, x64 = av.astype("float64"), bv.astype("float64"), xv.astype("float64")
    table = [("polygamma", T.polygamma(T.round(a), x), sp.polygamma(np.round(a64), x64)),
             ("poch", T.poch(a, b), sp.poch(a64, b64)), ("betaln", T.betaln(a, b), sp.betaln(a64, b64)),
             ("kv", T.kv(a, x), sp.kv(a64, x64)), ("kve", T.kve(a, x), sp.kve(a64, x64)), ("ive", T.ive(a, -x), sp.ive(a64, -x64)),
             ("betainc", T.betainc(a, b, x), sp.betainc(a64, b64, x64)),
             ("betaincinv", T.betaincinv(a, b, x), sp.betaincinv(a64, b64, x64)),
             ("gammaincinv", T.gammaincinv(a, x), sp.gammaincinv(a64, x64)),
             ("gammainccinv", T.gammainccinv(a, x), sp.gammainccinv(a64, x64)),
             ("ndtri_exp", T.ndtri_exp(-a), sp.ndtri_exp(-a64)), ("owens_t", T.owens_t(a, b), sp.owens_t(a64, b64)),
             ("factorial", T.factorial(a), sp.factorial(a64)), ("kn", T.kn(a, x), sp.kn(a64.astype(int), x64)),
             ("hyp2f1", T.hyp2f1(a, b, a + b, x), sp.hyp2f1(a64, b64, a64 + b64, x64))]
    for name, out, _ in table:
        assert out.dtype == "float32", name
    with np.errstate(all="ignore"):
        _run([a, b, x], [av, bv, xv], table, rtol=2e-6)


def test_gradients(rng):
    def U(lo, hi):
        return rng.uniform(lo, hi, size=4)

    verify_grad(lambda x: T.polygamma(2, x), [U(0.5, 4)], rng=rng)
    verify_grad(lambda x: T.polygamma(0, x), [U(0.5, 4)], rng=rng)
    verify_grad(T.poch, [U(0.5, 4), U(-0.4, 3)], rng=rng)
    verify_grad(T.betaln, [U(0.5, 4), U(0.5, 4)], rng=rng)
    verify_grad(lambda x: T.kv(1.5, x), [U(0.3, 4)], rng=rng)
    verify_grad(lambda x: T.kve(0.4, x), [U(0.3, 4)], rng=rng)
    verify_grad(lambda x: T.ive(2.5, x), [U(0.3, 4)], rng=rng)
    verify_grad(lambda x: T.ive(1, x), [U(-4, -0.3)], rng=rng)
    verify_grad(lambda x: T.betainc(2.5, 1.5, x), [U(0.1, 0.9)], rng=rng)
    verify_grad(lambda y: T.betaincinv(2.5, 0.7, y), [U(0.1, 0.9)], rng=rng)
    verify_grad(lambda y: T.gammaincinv(1.7, y), [U(0.1, 0.9)], rng=rng)
    verify_grad(lambda y: T.gammainccinv(0.6, y), [U(0.1, 0.9)], rng=rng)
    verify_grad(T.ndtri_exp, [U(-5, -0.1)], rng=rng)
    verify_grad(T.owens_t, [U(-2, 2), U(-3, 3)], rng=rng)
    verify_grad(lambda n: T.factorial(n), [U(0.5, 4)], rng=rng)
    verify_grad(lambda x: T.kn(2, x), [U(0.3, 4)], rng=rng)
    verify_grad(lambda z: T.hyp2f1(1.5, -0.7, 2.2, z), [U(-0.9, 0.9)], rng=rng)


@pytest.mark.parametrize("build", [lambda v, x: T.polygamma(v, x), lambda v, x: T.kv(v, x), lambda v, x: T.kve(v, x),
                                   lambda v, x: T.ive(v, x), lambda v, x: T.betainc(v, 2.0, x),
                                   lambda v, x: T.betainc(2.0, v, x), lambda v, x: T.betaincinv(v, 2.0, x),
                                   lambda v, x: T.gammaincinv(v, x), lambda v, x: T.gammainccinv(v, x),
                                   lambda v, x: T.hyp2f1(v, 1.0, 2.0, x), lambda v, x: T.hyp2f1(1.0, v, 2.0, x),
                                   lambda v, x: T.hyp2f1(1.0, 1.0, v, x)])
def test_gradient_in_order_or_shape_is_not_implemented(build):
    v, x = T.dscalar("v"), T.dscalar("x")
    with pytest.raises(NullTypeGradError):
        T.grad(build(v, x), v)


@pytest.mark.single_mode
def test_cpp_forms_request_their_runtime_headers():
    cases = {T.polygamma: "special_gamma", T.poch: "special_gamma", T.betaln: "special_gamma",
             T.kv: "special_bessel_k", T.kve: "special_bessel_k", T.ive: "special_bessel_k",
             T.gammaincinv: "special_incomplete", T.gammainccinv: "special_incomplete",
             T.owens_t: "special_normal"}
    for fn, family in cases.items():
        assert fn.op.scalar_op.c_runtime == (family,)
        assert cpp_printer.expr(fn.op.scalar_op, ["a", "b"], ["float64", "float64"], "float64") == (
            f"spf::{fn.__name__}(a, b)")
    assert T.ndtri_exp.op.scalar_op.c_runtime == ("special_normal",)
    assert T.hyp2f1.op.scalar_op.c_runtime == ("special_hyp2f1",)
    assert T.betainc.op.scalar_op.c_runtime == T.betaincinv.op.scalar_op.c_runtime == ("special_incomplete",)
