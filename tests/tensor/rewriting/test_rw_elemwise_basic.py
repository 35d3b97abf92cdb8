"""x/x -> 1 and x-x -> 0: shape-preserving, FAST_RUN only (the seed's dropped error check)."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.scalar import arith as S
from tests.tensor.rewriting.rw_helpers import compile_fn, elemwise_nodes, fast_run, op_types


@pytest.mark.parametrize("build, value", [(lambda x: x / x, 1.0), (lambda x: x - x, 0.0)])
def test_self_division_and_subtraction(mode, rng, build, value):
    x = T.matrix("x")
    f = compile_fn([x], build(x))
    xv = rng.normal(size=(2, 3))
    out = f(xv)
    assert out.shape == (2, 3) and np.all(out == value)
    if fast_run(mode):
        assert not elemwise_nodes(f, (S.TrueDiv, S.Sub))


def test_seed_x_over_x_at_zero(mode):
    """The seed's slide: FAST_RUN returns 1.0 at 0; FAST_COMPILE keeps the reference nan."""
    x = T.scalar()
    f = compile_fn([x], x / x)
    if fast_run(mode):
        assert f(0.0) == 1.0 and repr(f(0.0)) == "array(1.)"
        assert op_types(f) == ["DeepCopyOp"]  # the constant 1.0, copied out
    else:
        with np.errstate(invalid="ignore"):
            assert np.isnan(f(0.0))


def test_x_minus_x_at_inf(mode):
    x = T.vector()
    f = compile_fn([x], x - x)
    with np.errstate(invalid="ignore"):
        out = f(np.array([np.inf, 1.0]))
    if fast_run(mode):
        assert list(out) == [0.0, 0.0]
    else:
        assert np.isnan(out[0]) and out[1] == 0.0


def test_integer_self_division_gives_float_ones(mode):
    x = T.ivector()
    out = compile_fn([x], x / x)(np.array([2, 3], dtype="int32"))
    assert out.dtype == np.float64 and list(out) == [1.0, 1.0]
