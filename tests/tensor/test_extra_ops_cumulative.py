"""cumsum, cumprod, diff, repeat against numpy: dtypes, shapes, axes, errors, gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table, random_array


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8", "bool"])
def test_cumsum_cumprod(dtype, rng):
    x = T.tensor(dtype, (False, False, False))
    a = random_array(rng, (2, 3, 4), dtype)
    if dtype.startswith("float"):
        a = a / 3 + 1  # products stay moderate
    table = []
    for axis in [None, 0, 1, 2, -1]:
        table.append((f"cumsum {axis}", T.cumsum(x, axis), np.cumsum(a, axis)))
        table.append((f"cumprod {axis}", T.cumprod(x, axis), np.cumprod(a, axis)))
    table.append(("method", x.cumsum(1), a.cumsum(1)))
    table.append(("of a transposed view", T.cumsum(x.dimshuffle(2, 0, 1), 0), np.cumsum(a.transpose(2, 0, 1), 0)))
    check_table([x], [a], table)


def test_cumsum_vector_and_empty(rng):
    v, m = T.vector(), T.matrix()
    a, e = rng.standard_normal(7), np.zeros((0, 3))
    check_table([v, m], [a, e], [("vector", T.cumsum(v), np.cumsum(a)), ("cumprod", T.cumprod(v, 0), np.cumprod(a)),
                                 ("empty", T.cumsum(m, 0), np.cumsum(e, 0)), ("empty flat", T.cumprod(m), np.cumprod(e))])


def test_cumsum_errors():
    with pytest.raises(ValueError, match="axis"):
        T.cumsum(T.matrix(), 2)
    with pytest.raises(TypeError, match="axis"):
        T.cumsum(T.matrix(), 1.5)
    with pytest.raises(ValueError, match="out of range"):
        T.CumOp(0)(T.scalar())


@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_diff(dtype, rng):
    x = T.tensor(dtype, (False, False))
    a = random_array(rng, (4, 5), dtype)
    table = [(f"n={n} axis={axis}", T.diff(x, n, axis), np.diff(a, n, axis)) for n in (0, 1, 2, 4) for axis in (0, 1, -1)]
    check_table([x], [a], table)


def test_diff_errors():
    with pytest.raises(ValueError, match="order"):
        T.diff(T.vector(), -1)
    with pytest.raises(ValueError, match="1-d"):
        T.diff(T.scalar())
    with pytest.raises(TypeError, match="bool"):
        T.diff(T.tensor("bool", (False,)))


@pytest.mark.parametrize("dtype", ["float32", "int16", "bool"])
def test_repeat(dtype, rng):
    x, r, s = T.tensor(dtype, (False, False)), T.ivector("r"), T.iscalar("s")
    a = random_array(rng, (3, 4), dtype)
    counts, count = np.array([2, 0, 3], dtype="int32"), np.int32(2)
    table = [("scalar axis 0", T.repeat(x, 2, 0), np.repeat(a, 2, 0)),
             ("scalar axis 1", T.repeat(x, 3, 1), np.repeat(a, 3, 1)),
             ("flattened", T.repeat(x, 2), np.repeat(a, 2)),
             ("zero", T.repeat(x, 0, 1), np.repeat(a, 0, 1)),
             ("symbolic scalar", T.repeat(x, s, -1), np.repeat(a, count, -1)),
             ("vector", T.repeat(x, r, 0), np.repeat(a, counts, 0)),
             ("vector of a view", T.repeat(x.T, r, 1), np.repeat(a.T, counts, 1)),
             ("method", x.repeat(r, axis=0), a.repeat(counts, axis=0))]
    check_table([x, r, s], [a, counts, count], table)


def test_repeat_errors(rng):
    x, r = T.matrix(), T.lvector()
    with pytest.raises(ValueError, match="non-negative"):
        T.repeat(x, -1)
    with pytest.raises(TypeError, match="repeats"):
        T.repeat(x, T.vector())
    with pytest.raises(ValueError, match="axis"):
        T.repeat(x, 2, 2)
    f = function([x, r], T.repeat(x, r, 1))
    with pytest.raises(ValueError, match="repeat counts"):
        f(np.ones((2, 3)), np.array([1, 2]))
    with pytest.raises(ValueError, match="non-negative"):
        f(np.ones((2, 3)), np.array([1, -2, 1]))


def test_repeat_infer_shape(rng):
    x, r = T.matrix(), T.lvector()
    out = T.repeat(x, r, 0)
    shp = out.owner.op.infer_shape(out.owner, [(T.shape_i(x, 0), T.shape_i(x, 1)), (T.shape_i(r, 0),)])
    values = function([x, r], list(shp[0]))(np.ones((3, 2)), np.array([1, 0, 4]))
    assert [int(v) for v in values] == [5, 2]


GRADIENTS = {
    "cumsum 0": lambda x: T.cumsum(x, 0), "cumprod 1": lambda x: T.cumprod(x, 1), "cumprod": T.cumprod,
    "diff 2 1": lambda x: T.diff(x, 2, 1), "repeat 2 0": lambda x: T.repeat(x, 2, 0),
    "repeat counts 1": lambda x: T.repeat(x, T.constant(np.array([1, 0, 2, 3])), 1),
    "repeat 2": lambda x: T.repeat(x, 2),
}


def build_gradient(name):
    return GRADIENTS[name], [case_rng().uniform(0.5, 2.0, size=(3, 4))]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)
