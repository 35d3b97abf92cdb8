"""Theano's composed elementwise names (transpile.tensor.math_theano) against numpy/scipy, with
gradients: ceil_intdiv, divmod, gammal, gammau, chi2sf, j0, j1."""
import numpy as np
import scipy.special as sp
import scipy.stats as st

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table


def test_integer_division_rounding_up_and_divmod():
    a, b, x, y = T.lvector("a"), T.lvector("b"), T.dvector("x"), T.dvector("y")
    av, bv = np.array([7, -7, 6, -1, 0, 9]), np.array([2, 2, -4, 3, 5, -3])
    xv, yv = np.array([7.5, -7.5, 6.0, 2.0]), np.array([2.0, 2.0, -4.0, 0.5])
    q, r = T.divmod(a, b)
    fq, fr = T.divmod(x, y)
    table = [("ceil_intdiv", T.ceil_intdiv(a, b), -(-av // bv)), ("ceil_intdiv floats", T.ceil_intdiv(x, y), np.ceil(xv / yv)),
             ("divmod quotient", q, np.divmod(av, bv)[0]), ("divmod remainder", r, np.divmod(av, bv)[1]),
             ("divmod floats", fq, np.divmod(xv, yv)[0]), ("divmod float remainder", fr, np.divmod(xv, yv)[1])]
    check_table([a, b, x, y], [av, bv, xv, yv], table)


def test_incomplete_gammas_chi2sf_and_bessel_functions():
    k, x, ix, f = T.dvector("k"), T.dvector("x"), T.ivector("ix"), T.fvector("f")
    kv, xv = np.array([0.5, 1.0, 2.5, 4.0, 10.0]), np.array([0.1, 1.0, 3.0, 7.5, 20.0])
    ixv, fv = np.array([0, 1, 5, -3, 30], dtype="int32"), np.array([0.5, 2.0, -4.0, 12.0, 0.0], dtype="float32")
    table = [("gammal", T.gammal(k, x), sp.gammainc(kv, xv) * sp.gamma(kv)),
             ("gammau", T.gammau(k, x), sp.gammaincc(kv, xv) * sp.gamma(kv)),
             ("chi2sf", T.chi2sf(x, k), st.chi2.sf(xv, kv)), ("chi2sf integer dof", T.chi2sf(x, ix + 40), st.chi2.sf(xv, ixv + 40)),
             ("j0", T.j0(x), sp.j0(xv)), ("j1", T.j1(x), sp.j1(xv)), ("j0 integers", T.j0(ix), sp.j0(ixv)),
             ("j1 negative", T.j1(-x), sp.j1(-xv)), ("j0 float32", T.j0(f), sp.j0(fv).astype("float32"))]
    check_table([k, x, ix, f], [kv, xv, ixv, fv], table, rtol=1e-6)


def test_gradients(rng):
    k = np.array([1.5, 2.0, 3.5])
    verify_grad(lambda x: T.gammal(k, x), [np.array([0.5, 1.5, 4.0])], rng=rng)
    verify_grad(lambda x: T.gammau(k, x), [np.array([0.5, 1.5, 4.0])], rng=rng)
    verify_grad(lambda x: T.chi2sf(x, k), [np.array([0.5, 1.5, 4.0])], rng=rng)
    verify_grad(lambda x: T.j0(x) + T.j1(x) * 2, [np.array([0.3, 2.0, -5.0])], rng=rng)


def test_integer_division_by_zero_gives_numpys_zeros():
    a, b = T.lvector(), T.lvector()
    got = function([a, b], [T.ceil_intdiv(a, b), *T.divmod(a, b)])(np.array([1, -4]), np.array([0, 0]))
    with np.errstate(divide="ignore"):
        expected = [np.zeros(2, "int64"), *np.divmod(np.array([1, -4]), np.array([0, 0]))]
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
