"""`Elemwise` and `DimShuffle`: types, broadcasting, values, shapes, gradients' broadcast sums."""
import numpy as np
import pytest

import transpile
import transpile.scalar as S
import transpile.tensor as T
from tests.batched import batched_case, case_rng
from transpile.tensor import DimShuffle, Elemwise


@pytest.mark.single_mode
def test_elemwise_identity_and_str():
    assert Elemwise(S.add) == Elemwise(S.add) and hash(Elemwise(S.add)) == hash(Elemwise(S.add))
    assert Elemwise(S.add) != Elemwise(S.mul)
    assert str(Elemwise(S.exp)) == "Elemwise{exp,no_inplace}"
    assert str(Elemwise(S.add, {0: 0})) == "Elemwise{add,inplace}"
    assert T.exp(T.dvector()).owner.op == Elemwise(S.exp)


@pytest.mark.single_mode
@pytest.mark.parametrize("a, b, expected", [
    (T.row, T.col, (False, False)), (T.row, T.matrix, (False, False)), (T.scalar, T.matrix, (False, False)),
    (T.scalar, T.scalar, ()), (T.row, T.row, (True, False)), (T.vector, T.matrix, (False, False)),
    (T.vector, T.tensor3, (False, False, False)),
])
def test_output_broadcastable(a, b, expected):
    out = a() + b()
    assert out.broadcastable == expected


@pytest.mark.single_mode
def test_lower_rank_inputs_gain_broadcastable_dims_on_the_left():
    v, m = T.dvector(), T.dmatrix()
    node = (v + m).owner
    assert isinstance(node.inputs[0].owner.op, DimShuffle)
    assert node.inputs[0].broadcastable == (True, False)


@pytest.mark.single_mode
def test_refused_input_type_names_the_inputs():
    with pytest.raises(TypeError, match="float64"):
        T.and_(T.dvector(), T.dvector())
    with pytest.raises(TypeError):
        Elemwise(S.exp)(T.dvector(), T.dvector())


def test_user_elemwise(rng):
    op = T.Elemwise(S.identity)
    x = T.dmatrix()
    v = rng.random((2, 3))
    out = transpile.function([x], op(x))(v)
    np.testing.assert_array_equal(out, v)
    assert not np.shares_memory(out, v)


BROADCAST_SHAPES = [[(2, 3), (2, 3)], [(1, 3), (4, 3)], [(4, 1), (1, 3)], [(), (2, 2)], [(2, 1, 4), (3, 1)],
                    [(0, 3), (1, 3)]]


def build_broadcast(shapes):
    """One batched table (tests/batched.py): one native build for every pair of shapes."""
    xs = [T.tensor("float64", tuple(s == 1 for s in shape)) for shape in shapes]
    rng = case_rng()
    vals = [rng.random(shape) for shape in shapes]
    return xs, [xs[0] + xs[1], T.maximum(xs[0], xs[1]), T.switch(xs[0] > 0.5, xs[0], xs[1])], vals


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES)
def test_broadcast_values(shapes, mode):
    (a, b), _, results = batched_case(mode, BROADCAST_SHAPES, build_broadcast, shapes)
    for r, e in zip(results, [a + b, np.maximum(a, b), np.where(a > 0.5, a, b)]):
        np.testing.assert_array_equal(r, e)


def test_runtime_length_one_is_not_broadcast_unless_typed():
    x, r = T.dmatrix(), T.row()
    ok = transpile.function([x, r], x + r)
    np.testing.assert_array_equal(ok(np.ones((3, 2)), np.ones((1, 2))), np.full((3, 2), 2.0))
    y = T.dmatrix("y")
    bad = transpile.function([x, y], x * y)
    with pytest.raises(ValueError, match=r"shape"):
        bad(np.ones((3, 2)), np.ones((1, 2)))


def test_infer_shape(rng):
    x, r = T.dmatrix(), T.row()
    out = T.exp(x) + r
    f = transpile.function([x, r], out.shape)
    np.testing.assert_array_equal(f(rng.random((4, 5)), rng.random((1, 5))), [4, 5])
    node = out.owner
    shapes = node.op.infer_shape(node, [(T.constant(np.int64(4)), T.constant(np.int64(5))),
                                        (T.constant(np.int64(1)), T.constant(np.int64(5)))])
    assert len(shapes) == 1 and len(shapes[0]) == 2


def test_inplace_pattern():
    op = Elemwise(S.add, {0: 0})
    assert op.destroy_map == {0: [0]}
    with pytest.raises(TypeError):
        op(T.ivector(), T.dvector())  # float64 output cannot overwrite an int32 input
    with pytest.raises(TypeError):
        op(T.row(), T.dmatrix())  # nor can a broadcastable input hold the full result


# -- DimShuffle ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern, shape", [
    ((1, 0), (2, 3)), (("x", 0, 1), (2, 3)), ((0, "x", 1), (2, 3)), ((1, "x", 0, "x"), (2, 3)),
])
def test_dimshuffle_values(pattern, shape, rng):
    x = T.dmatrix()
    v = rng.random(shape)
    out = transpile.function([x], x.dimshuffle(*pattern))(v)
    axes = [p for p in pattern if p != "x"]
    expected = np.transpose(v, axes)
    for i, p in enumerate(pattern):
        if p == "x":
            expected = np.expand_dims(expected, i)
    np.testing.assert_array_equal(out, expected)


def test_dimshuffle_drops_broadcastable_dims(rng):
    r = T.row()
    out = r.dimshuffle(1)
    assert out.broadcastable == (False,)
    v = rng.random((1, 4))
    np.testing.assert_array_equal(transpile.function([r], out)(v), v[0])
    assert r.dimshuffle([1, 0]).broadcastable == (False, True)


@pytest.mark.single_mode
def test_dimshuffle_errors():
    x = T.dmatrix()
    with pytest.raises(ValueError, match="drop"):
        x.dimshuffle(0)
    with pytest.raises(ValueError, match="twice"):
        x.dimshuffle(0, 0, 1)
    with pytest.raises(ValueError):
        x.dimshuffle(0, 2)
    with pytest.raises(TypeError):
        DimShuffle((True, False), (1,))(T.dtensor3())


@pytest.mark.single_mode
def test_dimshuffle_str_and_equality():
    assert str(DimShuffle((False, False), (1, 0))) == "DimShuffle{1,0}"
    assert DimShuffle((False,), ("x", 0)) == DimShuffle((False,), ("x", 0))


# -- gradients through broadcasting -----------------------------------------------------------------------
def test_grad_sums_over_broadcast_dims(rng):
    m, r, s = T.dmatrix(), T.row(), T.dscalar()
    cost = T.sum((m * r + s) ** 2)
    gm, gr, gs = transpile.grad(cost, [m, r, s])
    assert gr.broadcastable == (True, False) and gs.ndim == 0
    mv, rv, sv = rng.random((3, 4)), rng.random((1, 4)), 0.3
    f = transpile.function([m, r, s], [gm, gr, gs])
    out = f(mv, rv, sv)
    inner = 2 * (mv * rv + sv)
    np.testing.assert_allclose(out[0], inner * rv)
    np.testing.assert_allclose(out[1], (inner * mv).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(out[2], inner.sum())


def test_grad_of_int_input_is_float_zeros():
    x, i = T.dvector(), T.ivector()
    out = x * i
    gx, gi = out.owner.op.grad(out.owner.inputs, [T.ones_like(out)])
    assert gx.dtype == "float64" and gi.dtype == "float64"
    f = transpile.function([x, i], [gx, gi])
    rx, ri = f(np.ones(3), np.arange(3, dtype="int32"))
    np.testing.assert_array_equal(rx, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(ri, np.zeros(3))


def test_grad_of_comparison_is_zero(rng):
    x = T.dvector()
    g = transpile.grad(T.sum(T.switch(x > 0, x, 0) + T.cast(x > 0.5, "float64")), x)
    v = np.array([-1.0, 0.3, 0.7])
    np.testing.assert_array_equal(transpile.function([x], g)(v), [0.0, 1.0, 1.0])
