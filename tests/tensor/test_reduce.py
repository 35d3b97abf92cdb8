"""Reductions (sum, prod, max, min, all, any) against numpy: axes, keepdims, dtypes, errors,
shape inference and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from transpile import function

SHAPES = [(5,), (3, 4), (2, 3, 4)]
AXES = [None, 0, -1, (0, -1)]


def random_array(rng, shape, dtype):
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith(("int", "uint")):
        return rng.integers(0, 5, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def symbolic(dtype, ndim):
    return T.TensorType(dtype, (False,) * ndim)("x")


def axes_for(ndim):
    return [a for a in AXES if a is None or ndim > 1 or a in (0, -1)]


REDUCTIONS = ["sum", "prod", "max", "min", "all", "any"]
REDUCE_DTYPES = ["float64", "float32", "int32", "int64", "uint8", "bool"]
#: one table (one compiled function per mode) per reduction: every shape and dtype
REDUCE_TABLES = {name: [(name, shape, dtype) for shape in SHAPES for dtype in REDUCE_DTYPES] for name in REDUCTIONS}


def axis_cases(ndim):
    return [(axis, keepdims) for axis in axes_for(ndim) for keepdims in (False, True)]


def build_reduction(case):
    """Every axis/keepdims form of one reduction of one input."""
    name, shape, dtype = case
    x = symbolic(dtype, len(shape))
    outs = [getattr(T, name)(x, axis=axis, keepdims=keepdims) for axis, keepdims in axis_cases(len(shape))]
    return [x], outs, [random_array(case_rng(), shape, dtype)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", REDUCE_DTYPES)
def test_reductions_match_numpy(mode, name, shape, dtype):
    (xv,), outs, results = batched_case(mode, REDUCE_TABLES[name], build_reduction, (name, shape, dtype))
    cases = axis_cases(len(shape))
    assert len(cases) == len(outs) == len(results)
    for (axis, keepdims), out, got in zip(cases, outs, results):
        expected = getattr(np, name)(xv, axis=axis, keepdims=keepdims)
        assert got.shape == expected.shape, (name, axis, keepdims)
        assert got.dtype == expected.dtype, (name, dtype, got.dtype, expected.dtype)
        assert out.dtype == got.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == "float32" else 1e-12,
                                   err_msg=f"{name} axis={axis} keepdims={keepdims}")


def test_method_forms(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((3, 4))
    f = function([x], [x.sum(axis=1), x.prod(0), x.max(), x.min(axis=-1, keepdims=True),
                       x.all(), x.any(axis=0)])
    got = f(xv)
    expected = [xv.sum(1), xv.prod(0), xv.max(), xv.min(-1, keepdims=True), xv.all(), xv.any(0)]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e)


def test_sum_dtype_and_acc_dtype(rng):
    x = T.bvector("x")
    xv = np.full(300, 100, dtype="int8")
    assert T.sum(x).dtype == "int64"
    assert function([x], T.sum(x))(xv) == 30000
    assert T.sum(x, dtype="float32").dtype == "float32"
    np.testing.assert_allclose(function([x], T.sum(x, dtype="float32"))(xv), 30000)
    f = T.fvector("f")
    out = T.sum(f, acc_dtype="float64")
    assert out.dtype == "float32"
    fv = rng.random(10).astype("float32")
    np.testing.assert_allclose(function([f], out)(fv), fv.sum(dtype="float64"), rtol=1e-6)
    assert T.prod(T.wvector()).dtype == "int64"
    assert T.sum(T.TensorType("uint16", (False,))()).dtype == "uint64"


def test_reduce_broadcastable_and_scalar_input():
    x = T.drow("x")
    assert T.sum(x, axis=1).broadcastable == (True,)
    assert T.max(x, axis=1, keepdims=True).broadcastable == (True, True)
    s = T.dscalar("s")
    assert function([s], T.sum(s))(3.5) == 3.5
    assert function([s], T.max(s, axis=()))(2.0) == 2.0


def test_empty_axis_max_raises():
    x = T.dmatrix("x")
    f = function([x], T.max(x, axis=0))
    with pytest.raises(ValueError, match="empty"):
        f(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="empty"):
        function([x], T.min(x))(np.zeros((2, 0)))
    # the other axis may be empty: the result is empty
    assert function([x], T.max(x, axis=1))(np.zeros((0, 3))).shape == (0,)
    # sums of empty axes are 0, products 1
    assert function([x], T.sum(x))(np.zeros((0, 3))) == 0
    assert function([x], T.prod(x))(np.zeros((0, 3))) == 1


def test_bad_axis():
    x = T.dmatrix("x")
    with pytest.raises(ValueError, match="out of range"):
        T.sum(x, axis=2)
    with pytest.raises(ValueError, match="out of range"):
        T.max(x, axis=-3)
    with pytest.raises(ValueError, match="repeated"):
        T.sum(x, axis=(0, -2))
    with pytest.raises(TypeError):
        T.sum(x, axis="rows")
    with pytest.raises(TypeError):
        T.sum(x, axis=(0.5,))
    with pytest.raises(ValueError):
        T.sum(T.dscalar(), axis=0)


@pytest.mark.single_mode
def test_str():
    x = T.dtensor3("x")
    assert str(T.sum(x, axis=(0, 2)).owner.op) == "Sum{0,2}"
    assert str(T.max(x, axis=1).owner.op) == "Max{1}"


@pytest.mark.parametrize("name", REDUCTIONS)
def test_infer_shape(rng, name):
    x = T.dtensor3("x")
    xv = rng.standard_normal((2, 3, 4))
    axes = [None, 1, (0, 2)]
    predicted = []
    for axis in axes:
        node = getattr(T, name)(x, axis=axis).owner
        predicted.append(list(node.op.infer_shape(node, [tuple(T.shape_i(x, d) for d in range(3))])[0]))
    # every axis's shape entries from one compiled function
    got = function([x], [s for shp in predicted for s in shp], on_unused_input="ignore")(xv)
    for axis, shp in zip(axes, predicted):
        sizes, got = got[:len(shp)], got[len(shp):]
        assert tuple(int(s) for s in sizes) == np.shape(getattr(np, name)(xv, axis=axis)), axis
    assert not got


def build_grad(case):
    """(fn, point) of gradient case (reduction, axis, variant), the point drawn from case_rng()."""
    name, axis, variant = case
    rng = case_rng()
    if name == "sum":
        shape = (1, 4) if variant == "broadcastable input" else (3, 4)
        return (lambda x: T.sum(x, axis=axis, keepdims=variant == "keepdims")), [rng.standard_normal(shape)]
    if name == "prod":  # variant: how many zeros in row 1 (one: the product of the others; two: zero)
        xv = rng.uniform(0.5, 2.0, (3, 4))
        xv[1, 2:2 + variant] = 0.0
        return (lambda x: T.prod(x, axis=axis)), [xv]
    xv = rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.1, (3, 4))  # distinct values
    return (lambda x: getattr(T, name)(x, axis=axis)), [xv]


# two tables of tests/batched.py: one native build each
SUM_MAX_MIN_GRADS = [("sum", axis, v) for axis in [None, 0, -1, (0, 1)] for v in ["", "keepdims"]] + \
    [("sum", 0, "broadcastable input")] + [(name, axis, "") for name in ["max", "min"] for axis in [None, 0, -1]]
PROD_GRADS = [("prod", axis, zeros) for axis in [None, 1, (0, 1)] for zeros in [0, 1, 2]]


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_sum_grad(mode, axis):
    for variant in ["", "keepdims"]:
        batched_verify_grad(mode, SUM_MAX_MIN_GRADS, build_grad, ("sum", axis, variant))


def test_sum_grad_broadcastable_input(mode):
    batched_verify_grad(mode, SUM_MAX_MIN_GRADS, build_grad, ("sum", 0, "broadcastable input"))


@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_prod_grad(mode, axis):
    for zeros in [0, 1, 2]:
        batched_verify_grad(mode, PROD_GRADS, build_grad, ("prod", axis, zeros))


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_max_min_grad(mode, name, axis):
    batched_verify_grad(mode, SUM_MAX_MIN_GRADS, build_grad, (name, axis, ""))


def test_integer_reduction_grads_are_zero(rng):
    x = T.dmatrix("x")
    cost = T.sum(T.cast(x, "int32")) + T.sum(x)
    g = function([x], T.grad(cost, x))(rng.standard_normal((2, 3)))
    np.testing.assert_allclose(g, np.ones((2, 3)))
