"""argmax/argmin, max_and_argmax, mean, var, std, median against numpy: axes (several at once too),
keepdims, dtype rules, errors, shape inference and gradients."""
import warnings

import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table
from transpile import config, function
from transpile.gradient import verify_grad

SHAPES = [(5,), (3, 4), (2, 3, 4)]


def random_array(rng, shape, dtype):
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith(("int", "uint")):
        return rng.integers(0, 50, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def axes_for(ndim):
    return [None, 0, -1] + ([(0, -1), (1, 0)] if ndim > 1 else [])


def np_argreduce(fn, x, axis, keepdims=False):
    """numpy arg-reduction over several axes: move them last, flatten them, reduce."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in np.atleast_1d(axis))
    keep = [d for d in range(x.ndim) if d not in axes]
    moved = np.transpose(x, keep + sorted(axes))
    out = fn(moved.reshape(moved.shape[:len(keep)] + (-1,)), axis=-1)
    if keepdims:
        out = np.expand_dims(out, sorted(axes))
    return out


def check_infer_shape(out, inputs, values):
    """The shapes `out.owner.op.infer_shape` predicts equal the shapes actually computed."""
    node = out.owner
    in_shapes = [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs]
    predicted = node.op.infer_shape(node, in_shapes)
    flat = [s for shp in predicted for s in shp]
    assert all(s.ndim == 0 and s.dtype == "int64" for s in flat), [s.type for s in flat]
    results = function(inputs, list(node.outputs) + flat, on_unused_input="ignore")(*values)
    outs, sizes = results[:len(node.outputs)], [int(s) for s in results[len(node.outputs):]]
    for o, shp in zip(outs, predicted):
        assert tuple(sizes[:len(shp)]) == o.shape
        sizes = sizes[len(shp):]


# -- argmax / argmin -------------------------------------------------------------------------------
def axis_cases(ndim):
    return [(axis, keepdims) for axis in axes_for(ndim) for keepdims in (False, True)]


def build_reduction(case):
    """Every axis/keepdims form of one reduction of one input (one case of a table)."""
    name, shape, dtype = case
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    xv = random_array(case_rng(), shape, dtype)
    outs = [getattr(T, name)(x, axis=axis, keepdims=keepdims) for axis, keepdims in axis_cases(len(shape))]
    return [x], outs, [xv]


ARG_NAMES, ARG_DTYPES = ["argmax", "argmin"], ["float64", "float32", "int32", "uint8", "bool"]
ARG_CASES = [(name, shape, dtype) for name in ARG_NAMES for shape in SHAPES for dtype in ARG_DTYPES]


@pytest.mark.parametrize("name", ARG_NAMES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", ARG_DTYPES)
def test_argmax_argmin_match_numpy(mode, name, shape, dtype):
    (xv,), outs, results = batched_case(mode, ARG_CASES, build_reduction, (name, shape, dtype))
    cases = axis_cases(len(shape))
    for (axis, keepdims), out, got in zip(cases, outs, results):
        expected = np_argreduce(getattr(np, name), xv, axis, keepdims)
        assert got.dtype == out.dtype == "int64"
        np.testing.assert_array_equal(got, expected)
        if isinstance(axis, int) or axis is None:
            np.testing.assert_array_equal(got, getattr(np, name)(xv, axis=axis, keepdims=keepdims))


def test_argmax_methods_and_str(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((3, 4))
    got = function([x], [x.argmax(), x.argmin(axis=0), x.argmax(axis=-1, keepdims=True)])(xv)
    np.testing.assert_array_equal(got[0], xv.argmax())
    np.testing.assert_array_equal(got[1], xv.argmin(0))
    np.testing.assert_array_equal(got[2], xv.argmax(-1, keepdims=True))
    assert str(T.argmax(x, axis=1).owner.op) == "Argmax{1}"
    assert str(T.argmin(x).owner.op) == "Argmin{0,1}"
    assert T.argmax(T.drow(), axis=1).broadcastable == (True,)


def test_argmax_errors(rng):
    x = T.dmatrix("x")
    with pytest.raises(ValueError, match="out of range"):
        T.argmax(x, axis=2)
    with pytest.raises(ValueError, match="repeated"):
        T.argmin(x, axis=(1, -1))
    with pytest.raises(ValueError, match="empty"):
        function([x], T.argmax(x, axis=0))(np.zeros((0, 3)))
    assert function([x], T.argmax(x, axis=1))(np.zeros((0, 3))).shape == (0,)


def test_argmax_infer_shape(rng):
    x = T.dtensor3("x")
    xv = rng.standard_normal((2, 3, 4))
    for axis in [None, 1, (0, 2)]:
        check_infer_shape(T.argmax(x, axis=axis), [x], [xv])


def test_argmax_grad_is_zero(rng):
    x = T.dmatrix("x")
    cost = T.sum(T.cast(T.argmax(x, axis=0), "float64") * 3) + T.sum(x)
    g = function([x], T.grad(cost, x))(rng.standard_normal((2, 3)))
    np.testing.assert_array_equal(g, np.ones((2, 3)))
    node = T.argmax(x).owner
    (gx,) = node.op.grad(node.inputs, [T.zeros_like(node.outputs[0], dtype="float64")])
    assert gx.type == x.type


def test_max_and_argmax(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((3, 4))
    m, a = T.max_and_argmax(x, axis=1)
    got = function([x], [m, a])(xv)
    np.testing.assert_array_equal(got[0], xv.max(1))
    np.testing.assert_array_equal(got[1], xv.argmax(1))


# -- mean, var, std --------------------------------------------------------------------------------
MOMENTS = ["mean", "var", "std"]
MOMENT_DTYPES = ["float64", "float32", "int32", "int64", "bool"]
#: one table per statistic (every shape and dtype): measured in compiler CPU, one build of the 15
#: cases of var costs two thirds of 15 builds, while one build of all 45 cases costs more than 3
MOMENT_TABLES = {name: [(name, shape, dtype) for shape in SHAPES for dtype in MOMENT_DTYPES] for name in MOMENTS}


def build_moment(case):
    name, shape, dtype = case
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    outs = [getattr(T, name)(x, axis=axis, keepdims=keepdims) for axis, keepdims in axis_cases(len(shape))]
    return [x], outs, [random_array(case_rng(), shape, dtype)]


@pytest.mark.parametrize("name", MOMENTS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", MOMENT_DTYPES)
def test_mean_var_std_match_numpy(mode, name, shape, dtype):
    (xv,), outs, results = batched_case(mode, MOMENT_TABLES[name], build_moment, (name, shape, dtype))
    expected_dtype = dtype if dtype.startswith("float") else config.floatX
    cases = axis_cases(len(shape))
    assert len(cases) == len(outs) == len(results)
    for (axis, keepdims), out, got in zip(cases, outs, results):
        expected = getattr(np, name)(xv.astype("float64"), axis=axis, keepdims=keepdims)
        assert got.dtype == out.dtype == expected_dtype, (name, dtype, axis)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5 if expected_dtype == "float32" else 1e-12,
                                   err_msg=f"{name} axis={axis} keepdims={keepdims}")


def test_integer_mean_with_float32_floatx(rng):
    with config.change_flags(floatX="float32"):
        x = T.imatrix("x")
        xv = rng.integers(0, 100, (3, 4)).astype("int32")
        for out in (T.mean(x), T.var(x, axis=0), T.std(x, axis=1)):
            assert out.dtype == "float32"
        got = function([x], T.mean(x, axis=0))(xv)
        assert got.dtype == "float32"
        np.testing.assert_allclose(got, xv.mean(0), rtol=1e-6)
        f = T.fvector("f")
        assert T.mean(f).dtype == "float32" and T.var(f).dtype == "float32"


def test_mean_dtype_and_acc_dtype(rng):
    x = T.fvector("x")
    xv = rng.random(7).astype("float32")
    out = T.mean(x, dtype="float64")
    assert out.dtype == "float64"
    np.testing.assert_allclose(function([x], out)(xv), xv.astype("float64").mean())
    out = T.mean(x, acc_dtype="float64")
    assert out.dtype == "float32"
    np.testing.assert_allclose(function([x], out)(xv), xv.mean(), rtol=1e-6)
    assert T.mean(T.fvector()).dtype == "float32"
    assert x.mean(axis=0).dtype == "float32"


def test_var_ddof_and_symbolic_size(rng):
    x = T.dmatrix("x")
    for shape in [(3, 4), (1, 5), (6, 1)]:
        xv = rng.standard_normal(shape)
        got = function([x], [T.var(x, ddof=1), T.std(x, axis=0, ddof=1), x.var(axis=1), x.std()])(xv)
        np.testing.assert_allclose(got[0], xv.var(ddof=1))
        with warnings.catch_warnings():  # ddof=1 over a single row: nan, as numpy says
            warnings.simplefilter("ignore", RuntimeWarning)
            np.testing.assert_allclose(got[1], xv.std(axis=0, ddof=1))
        np.testing.assert_allclose(got[2], xv.var(axis=1))
        np.testing.assert_allclose(got[3], xv.std())
    r = T.drow("r")
    np.testing.assert_allclose(function([r], T.mean(r, axis=0))(np.array([[1.0, 2.0]])), [1.0, 2.0])


def test_mean_of_empty_is_nan():
    x = T.dvector("x")
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(function([x], T.mean(x))(np.zeros(0)))


def test_stats_bad_axis():
    x = T.dmatrix("x")
    for fn in (T.mean, T.var, T.std):
        with pytest.raises(ValueError, match="out of range"):
            fn(x, axis=2)


GRAD_AXES = [None, 0, -1, (0, 1)]
GRADS = {"mean": lambda x, axis: T.mean(x, axis=axis), "var": lambda x, axis: T.var(x, axis=axis),
         "std": lambda x, axis: T.std(x, axis=axis),
         "var ddof=1 keepdims": lambda x, axis: T.var(x, axis=axis, ddof=1, keepdims=True)}
GRAD_CASES = [(name, axis) for axis in GRAD_AXES for name in GRADS]  # one table: one native build


def build_grad(case):
    name, axis = case
    return (lambda x: GRADS[name](x, axis)), [case_rng().standard_normal((3, 4))]


@pytest.mark.parametrize("axis", GRAD_AXES)
def test_mean_var_std_grads(mode, axis):
    for name in GRADS:
        batched_verify_grad(mode, GRAD_CASES, build_grad, (name, axis))


def test_mean_grad_float32(rng):
    xv = rng.standard_normal((3, 4)).astype("float32")
    verify_grad(lambda x: T.mean(x, axis=1), [xv], rng=rng)


# -- median ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_median_matches_numpy(dtype, rng):
    x, v = T.tensor(dtype, (False,) * 3, name="x"), T.tensor(dtype, (False,), name="v")
    e = T.tensor(dtype, (False, False), name="e")
    a, b = random_array(rng, (3, 4, 5), dtype), random_array(rng, (7,), dtype)
    ev = random_array(rng, (2, 0), dtype)
    table = [("all", T.median(x), np.median(a)), ("odd", T.median(v), np.median(b)),
             ("even", T.median(v[1:]), np.median(b[1:])), ("one", T.median(v[:1]), np.median(b[:1])),
             *[(f"axis {ax}", T.median(x, ax), np.median(a, ax)) for ax in (0, 1, 2, -1, -3)],
             ("scalar", T.median(v[2]), np.median(b[2]))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy warns on the mean of an empty slice
        table += [("empty", T.median(v[:0]), np.median(b[:0])), ("empty axis", T.median(e, 1), np.median(ev, 1)),
                  ("along empty rows", T.median(e, 0), np.median(ev, 0))]
    check_table([x, v, e], [a, b, ev], table, numpy_dtypes=True)


def test_median_with_nan_and_inf():
    v = T.vector("v")
    m = T.matrix("m")
    b = np.array([3.0, np.nan, -1.0, 2.0])
    c = np.array([[1.0, np.inf, -np.inf, 0.5], [2.0, 1.0, np.nan, 0.0], [np.inf, np.inf, 1.0, 2.0]])
    check_table([v, m], [b, c], [("nan", T.median(v), np.median(b)), ("no nan", T.median(v[2:]), np.median(b[2:])),
                                 ("rows", T.median(m, 1), np.median(c, 1)), ("cols", T.median(m, 0), np.median(c, 0))],
                numpy_dtypes=True)


def test_median_errors():
    with pytest.raises(ValueError, match="median: axis 2 is out of range"):
        T.median(T.matrix(), 2)
    with pytest.raises(TypeError, match="median: axis must be an int"):
        T.median(T.matrix(), (0, 1))
    with pytest.raises(TypeError, match="median: expected a real tensor"):
        T.median(T.cvector())


def test_median_gradient(mode, rng):
    a = rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.5, (3, 4))  # distinct values: no ties
    verify_grad(lambda x: T.median(x, 1), [a], rng=rng)
    verify_grad(lambda x: T.median(x, 0) * T.median(x), [a], rng=rng)


def test_cov_matches_numpy(rng):
    m, v, w, im, fm = T.dmatrix("m"), T.dvector("v"), T.dvector("w"), T.imatrix("im"), T.fmatrix("fm")
    mv, vv, wv = rng.standard_normal((3, 5)), rng.standard_normal(5), rng.standard_normal(5)
    imv, fmv = rng.integers(-4, 5, size=(2, 6)).astype("int32"), rng.standard_normal((4, 3)).astype("float32")
    table = [("rows", T.cov(m), np.cov(mv)), ("columns", T.cov(m, rowvar=False), np.cov(mv, rowvar=False)),
             ("vector", T.cov(v), np.cov(vv)), ("two vectors", T.cov(v, w), np.cov(vv, wv)),
             ("with y", T.cov(m, v), np.cov(mv, vv)), ("columns with y", T.cov(m.T, w.dimshuffle(0, "x"), rowvar=False),
                                                         np.cov(mv.T, wv[:, None], rowvar=False)),
             ("bias", T.cov(m, bias=True), np.cov(mv, bias=True)), ("ddof", T.cov(m, ddof=2), np.cov(mv, ddof=2)),
             ("integers", T.cov(im), np.cov(imv)), ("float32 stays float32", T.cov(fm), np.cov(fmv).astype("float32"))]
    outs = function([m, v, w, im, fm], [out for _, out, _ in table])(mv, vv, wv, imv, fmv)
    for (name, out, expected), got in zip(table, outs):
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_allclose(got, expected, rtol=1e-5 if got.dtype == np.float32 else 1e-12, err_msg=name)


def test_cov_gradient_and_errors(rng):
    verify_grad(lambda m: T.cov(m), [rng.standard_normal((2, 4))], rng=rng)
    verify_grad(lambda m, v: T.cov(m, v, rowvar=False), [rng.standard_normal((4, 2)), rng.standard_normal(4)], rng=rng)
    with pytest.raises(TypeError, match="real vector or matrix"):
        T.cov(T.tensor3())
