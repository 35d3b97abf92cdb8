"""concatenate / join / stack / split / MakeVector against numpy: dtypes, negative axes,
broadcastable patterns, errors, shape inference and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from tests.tensor.shape_check import assert_inferred_shapes, check_infer_shape, inferred_shapes
from transpile import config, function
from transpile.tensor.join import Join, MakeVector, Split

CONCAT_SHAPES = [(3,), (2, 3), (2, 3, 4)]
CONCAT_DTYPES = ["float64", "float32", "int32", "bool"]
CONCAT_CASES = [(dtype, shape, axis) for dtype in CONCAT_DTYPES for shape in CONCAT_SHAPES
                for axis in range(-len(shape), len(shape))]


def build_concatenate(case):
    """Three inputs that differ along `axis`: concatenate (with its inferred shape) and join."""
    dtype, shape, axis = case
    ndim, rng = len(shape), case_rng()
    shapes = [tuple(n + k if d == axis % ndim else n for d, n in enumerate(shape)) for k in range(3)]
    values = [(rng.standard_normal(s) * 3).astype(dtype) for s in shapes]
    xs = [T.TensorType(dtype, (False,) * ndim)(f"x{k}") for k in range(3)]
    return xs, inferred_shapes(T.concatenate(xs, axis=axis)) + [T.join(axis, *xs)], values


@pytest.mark.parametrize("shape", CONCAT_SHAPES)
@pytest.mark.parametrize("dtype", CONCAT_DTYPES)
def test_concatenate_matches_numpy(mode, shape, dtype):
    ndim = len(shape)
    for axis in range(-ndim, ndim):
        values, (out, *_, joined), results = batched_case(mode, CONCAT_CASES, build_concatenate,
                                                          (dtype, shape, axis))
        got = results[0]
        expected = np.concatenate(values, axis=axis)
        np.testing.assert_array_equal(got, expected, err_msg=f"axis={axis}")
        assert got.dtype == out.dtype == dtype
        assert results[-1].shape == expected.shape
        np.testing.assert_array_equal(results[-1], expected, err_msg=f"join, axis={axis}")
        assert_inferred_shapes(out, results[:-1])


def test_concatenate_mixed_dtypes(rng):
    a, b = T.ivector("a"), T.fvector("b")
    av, bv = np.arange(3, dtype="int32"), rng.random(2).astype("float32")
    with config.change_flags(floatX="float64"):
        out = T.concatenate([a, b])
    expected = np.concatenate([av, bv])
    assert out.dtype == "float64"  # numpy's int32 + float32
    got = function([a, b], out)(av, bv)
    assert got.dtype == out.dtype
    np.testing.assert_allclose(got, expected)
    with config.change_flags(floatX="float32"):
        assert T.concatenate([a, b]).dtype == "float32"
    c = T.bvector("c")
    assert T.concatenate([c, a]).dtype == "int32"
    assert T.concatenate([a, [1, 2]]).dtype == "int64"  # a list is an int64 constant, as in numpy


def test_concatenate_broadcastable():
    r, m = T.drow("r"), T.dmatrix("m")
    assert T.concatenate([r, r], axis=0).broadcastable == (False, False)
    assert T.concatenate([r, m], axis=1).broadcastable == (True, False)
    assert T.concatenate([T.dcol(), T.dcol()], axis=1).broadcastable == (False, False)
    f = function([r, m], T.concatenate([r, m], axis=1))
    np.testing.assert_array_equal(f(np.ones((1, 2)), np.zeros((1, 3))), [[1, 1, 0, 0, 0]])
    with pytest.raises(ValueError, match="same lengths"):
        f(np.ones((1, 2)), np.zeros((2, 3)))


def test_single_tensor_is_returned():
    x = T.dmatrix("x")
    assert T.concatenate([x]) is x
    assert T.join(1, x) is x


def test_join_errors(rng):
    x, v = T.dmatrix("x"), T.dvector("v")
    with pytest.raises(TypeError, match="same number of dimensions"):
        T.concatenate([x, v])
    with pytest.raises(ValueError, match="out of range"):
        T.concatenate([x, x], axis=2)
    with pytest.raises(ValueError, match="out of range"):
        T.concatenate([x, x], axis=-3)
    with pytest.raises(TypeError, match="scalars"):
        T.concatenate([T.dscalar(), T.dscalar()])
    with pytest.raises(TypeError, match="list"):
        T.concatenate(x)
    with pytest.raises(TypeError, match="symbolic axis"):
        T.join(T.iscalar(), x, x)
    with pytest.raises(ValueError):
        T.concatenate([])
    f = function([x, v], T.concatenate([x, T.shape_padleft(v)]))
    with pytest.raises(ValueError, match=r"shapes \(2, 3\), \(1, 4\)"):
        f(np.zeros((2, 3)), np.zeros(4))


@pytest.mark.single_mode
def test_str():
    x = T.dmatrix("x")
    assert T.concatenate([x, x], axis=-1).owner.op == Join(1)
    assert str(T.concatenate([x, x], axis=-1).owner.op) == "Join{1}"
    assert str(T.stack([T.dscalar(), T.dscalar()]).owner.op) == "MakeVector{float64}"


STACK_SHAPES = [(), (3,), (2, 3)]
STACK_CASES = [(shape, axis) for shape in STACK_SHAPES for axis in range(-len(shape) - 1, len(shape) + 1)]


def build_stack(case):
    """stack of three inputs along `axis` (with its inferred shape); at axis 0 also Theano's
    old forms stack(*tensors) and stack(tensors, 0)."""
    shape, axis = case
    rng = case_rng()
    values = [rng.standard_normal(shape) for _ in range(3)]
    xs = [T.TensorType("float64", (False,) * len(shape))(f"x{k}") for k in range(3)]
    old_forms = [T.stack(*xs), T.stack(xs, 0)] if axis == 0 else []
    return xs, inferred_shapes(T.stack(xs, axis=axis)) + old_forms, values


@pytest.mark.parametrize("shape", STACK_SHAPES)
def test_stack_matches_numpy(mode, shape):
    ndim = len(shape)
    for axis in range(-ndim - 1, ndim + 1):
        values, outs, results = batched_case(mode, STACK_CASES, build_stack, (shape, axis))
        n_old = 2 if axis == 0 else 0
        out, checked = outs[0], results[:len(results) - n_old]
        np.testing.assert_array_equal(checked[0], np.stack(values, axis=axis), err_msg=f"axis={axis}")
        assert_inferred_shapes(out, checked)
        for old in results[len(results) - n_old:]:  # Theano's old forms: stack(*tensors), stack(tensors, 0)
            np.testing.assert_array_equal(old, np.stack(values))


def test_stack_scalars_and_lists(rng):
    a, b = T.iscalar("a"), T.lscalar("b")
    v = T.stack([a, b, 3])
    assert isinstance(v.owner.op, MakeVector) and v.dtype == "int64"
    np.testing.assert_array_equal(function([a, b], v)(1, 2), [1, 2, 3])
    f = T.fscalar("f")
    assert T.stack([f, 0.5]).dtype == "float32"
    assert T.stack([f]).broadcastable == (True,)
    w = T.as_tensor_variable([a, 5])
    np.testing.assert_array_equal(function([a], w)(7), [7, 5])
    with pytest.raises(TypeError, match="same number of dimensions"):
        T.stack([T.dvector(), T.dmatrix()])
    with pytest.raises(ValueError, match="out of range"):
        T.stack([T.dvector(), T.dvector()], axis=2)


def test_make_vector():
    a = T.lscalar("a")
    assert function([], MakeVector("int64")())().shape == (0,)
    with pytest.raises(TypeError, match="without loss"):
        MakeVector("int32")(T.dscalar())
    with pytest.raises(TypeError, match="scalar"):
        MakeVector("float64")(T.dvector())
    node = MakeVector("int64")(a, a).owner
    (shp,) = node.op.infer_shape(node, [(), ()])
    assert int(shp[0].data) == 2


def test_split(rng, mode):
    x = T.dmatrix("x")
    n = T.lscalar("n")
    xv = rng.standard_normal((5, 3))
    parts = T.split(x, [2, n], axis=0)
    got = function([x, n], parts)(xv, 3)
    np.testing.assert_array_equal(got[0], xv[:2])
    np.testing.assert_array_equal(got[1], xv[2:])
    check_infer_shape(parts[0], [x, n], [xv, 3])
    with pytest.raises(ValueError, match="do not add up"):
        function([x, n], parts)(xv, 2)
    assert str(parts[0].owner.op) == "Split{2, 0}"
    assert len(T.split(x, [3], axis=-1)) == 1
    for name in ["split", "split and rejoin"]:
        batched_verify_grad(mode, list(GRADS), build_grad, name)


#: name: (fn, the points' shapes): one batched table (tests/batched.py), one native build
GRADS = {
    "split": (lambda a: Split(2, 1)(a, 1, 2)[1] * 2, [(2, 3)]),
    "split and rejoin": (lambda a: T.concatenate(T.split(a, [1, 2], axis=1)[::-1], axis=1), [(2, 3)]),
    "concatenate": (lambda a, b, c: T.concatenate([a, b, c]), [(2, 3), (1, 3), (4, 3)]),
    "concatenate axis -1": (lambda a, b: T.concatenate([a, b], axis=-1), [(2, 1), (2, 3)]),
    "stack axis 1": (lambda a, b: T.stack([a, b], axis=1), [(2, 3), (2, 3)]),
    "stack scalars": (lambda a, b: T.stack([a, b * 2]), [(), ()]),
}


def build_grad(name):
    fn, shapes = GRADS[name]
    rng = case_rng()
    return fn, [rng.standard_normal(shape) for shape in shapes]


def test_concatenate_grad(mode):
    for name in ["concatenate", "concatenate axis -1"]:
        batched_verify_grad(mode, list(GRADS), build_grad, name)


def test_concatenate_grad_mixed(rng):
    x, i = T.fvector("x"), T.ivector("i")
    out = T.concatenate([x, i])
    cost = T.sum(out * np.arange(5.0))
    g = function([x, i], T.grad(cost, x))(np.ones(2, "float32"), np.ones(3, "int32"))
    assert g.dtype == "float32"
    np.testing.assert_allclose(g, [0.0, 1.0])


def test_stack_grad(mode):
    for name in ["stack axis 1", "stack scalars"]:
        batched_verify_grad(mode, list(GRADS), build_grad, name)
