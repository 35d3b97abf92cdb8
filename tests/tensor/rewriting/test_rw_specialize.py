"""pow specialisation, log1p, expm1, -1*x."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.tensor.rewriting.rw_helpers import assert_close, fast_run, scalar_names, unfused


@pytest.mark.parametrize("exponent, expected_op", [
    (2, "Sqr"), (0.5, "Sqrt"), (3, "Sqr"), (-1, "Inv"), (-2, "Sqr"), (-0.5, "Sqrt"), (0, None),
])
def test_pow_specialisation(mode, rng, exponent, expected_op):
    x = T.vector("x")
    f = unfused([x], x ** exponent)
    xv = rng.uniform(0.5, 2.0, size=5)
    assert_close(f(xv), xv ** exponent)
    names = scalar_names(f)
    if fast_run(mode):
        assert "Pow" not in names
        if expected_op:
            assert expected_op in names
    else:
        assert "Pow" in names


def test_pow_zero_keeps_shape(mode):
    x = T.matrix("x")
    out = unfused([x], x ** 0)(np.full((2, 3), np.nan))
    assert out.shape == (2, 3) and np.all(out == 1)


def test_pow_integer_base(mode):
    x = T.ivector("x")
    xv = np.array([1, 2, 3], dtype="int32")
    out = unfused([x], x ** 2)(xv)
    assert out.dtype == np.int32 and list(out) == [1, 4, 9]
    assert_close(unfused([x], x ** 0.5)(xv), np.sqrt(xv))


def test_pow_other_exponents_untouched(mode, rng):
    x = T.vector("x")
    f = unfused([x], x ** 1.7)
    assert "Pow" in scalar_names(f)


@pytest.mark.parametrize("build, reference", [
    (lambda x: T.log(1 + x), np.log1p), (lambda x: T.log(x + 1), np.log1p),
    (lambda x: T.log(1 - x), lambda v: np.log1p(-v)),
])
def test_log1p(mode, build, reference):
    x = T.vector("x")
    f = unfused([x], build(x))
    xv = np.array([1e-20, 1e-10, 0.5])
    out = f(xv)
    if fast_run(mode):
        assert scalar_names(f)[-1] == "Log1p" and "Log" not in scalar_names(f)
        assert_close(out, reference(xv))  # log(1 + 1e-20) would round to 0
    else:
        assert out[0] == 0.0


def test_log1p_accuracy(mode):
    x = T.vector("x")
    f = unfused([x], T.log(1 + x))
    out = f(np.array([1e-20]))
    if fast_run(mode):
        assert_close(out, [1e-20])
    else:
        assert out[0] == 0.0


def test_log1p_of_several_terms(mode, rng):
    x, y = T.vector("x"), T.vector("y")
    f = unfused([x, y], T.log(x + 1 + y))
    xv, yv = rng.uniform(0, 1, size=3), rng.uniform(0, 1, size=3)
    assert_close(f(xv, yv), np.log1p(xv + yv))
    if fast_run(mode):
        assert "Log1p" in scalar_names(f)


def test_expm1(mode):
    x = T.vector("x")
    f = unfused([x], T.exp(x) - 1)
    out = f(np.array([1e-20, 1.0]))
    if fast_run(mode):
        assert "Expm1" in scalar_names(f)
        assert_close(out, np.expm1([1e-20, 1.0]))
    else:
        assert out[0] == 0.0


def test_mul_minus_one(mode, rng):
    x = T.vector("x")
    f = unfused([x], -1 * T.exp(x))
    xv = rng.normal(size=3)
    assert_close(f(xv), -np.exp(xv))
    if fast_run(mode):
        assert scalar_names(f) == ["Exp", "Neg"]
