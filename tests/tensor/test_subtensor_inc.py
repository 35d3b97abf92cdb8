"""`inc_subtensor` / `set_subtensor` on basic and advanced keys, checked against numpy
(`np.add.at` for repeated indices)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_case, case_rng
from transpile.tensor.subtensor import AdvancedIncSubtensor, AdvancedIncSubtensor1, IncSubtensor


def numpy_inc(value, key, y, set_instead):
    out = value.copy()
    if set_instead:
        out[key] = y
    else:
        np.add.at(out, key, y)
    return out


BASIC_KEYS = [
    (1,), (slice(1, 3),), (slice(None, None, -2),), (Ellipsis, 0), (slice(None), slice(-2, None)),
    (0, 1), (None, slice(1, None)), (slice(3, 1),), (-1, slice(None, None, 2)),
]


BASIC_CASES = [(key, set_instead) for key in BASIC_KEYS for set_instead in (False, True)]


def build_basic_key(case):
    key, set_instead = case
    rng = case_rng()
    x = T.dmatrix("x")
    value = rng.normal(size=(4, 3))
    region = value[key]
    y = T.tensor("float64", tuple(n == 1 for n in region.shape), name="y")
    yv = rng.normal(size=region.shape)
    fn = T.set_subtensor if set_instead else T.inc_subtensor
    return [x, y], [fn(x[key], y)], [value, yv]


@pytest.mark.parametrize("set_instead", [False, True])
@pytest.mark.parametrize("key", BASIC_KEYS, ids=str)
def test_basic_keys(mode, key, set_instead):
    (value, yv), (out,), (got,) = batched_case(mode, BASIC_CASES, build_basic_key, (key, set_instead))
    assert isinstance(out.owner.op, IncSubtensor)
    assert out.type == out.owner.inputs[0].type  # the type of x
    np.testing.assert_allclose(got, numpy_inc(value, key, yv, set_instead))


def test_inc_does_not_modify_input(rng):
    x = T.dmatrix("x")
    value = rng.normal(size=(3, 3))
    keep = value.copy()
    f = transpile.function([x], [T.inc_subtensor(x[1:], 1.0), T.set_subtensor(x[[0, 0]], 2.0),
                                 T.inc_subtensor(x[:, [1, 2]], 3.0)])
    outs = f(value)
    np.testing.assert_array_equal(value, keep)
    for o in outs:
        assert not np.shares_memory(o, value)


def test_symbolic_and_shared_bounds(rng):
    x = T.dvector("x")
    a = T.iscalar("a")
    s = transpile.shared(1)
    value = rng.normal(size=6)
    f = transpile.function([x, a], T.inc_subtensor(x[s:a], 10.0))
    np.testing.assert_allclose(f(value, 4), numpy_inc(value, slice(1, 4), 10.0, False))
    s.set_value(3)
    np.testing.assert_allclose(f(value, -1), numpy_inc(value, slice(3, -1), 10.0, False))


def test_y_broadcasting(rng):
    x = T.dtensor3("x")
    value = rng.normal(size=(2, 3, 4))
    v = T.dvector("v")
    r = T.drow("r")
    c = T.dscalar("c")
    f = transpile.function([x, v, r, c], [T.inc_subtensor(x[:, 1:], v), T.set_subtensor(x[0], r),
                                          T.inc_subtensor(x[..., 2], c), T.set_subtensor(x[1, :, 0], 5)])
    vv, rv, cv = rng.normal(size=4), rng.normal(size=(1, 4)), np.float64(2.5)
    got = f(value, vv, rv, cv)
    np.testing.assert_allclose(got[0], numpy_inc(value, (slice(None), slice(1, None)), vv, False))
    np.testing.assert_allclose(got[1], numpy_inc(value, 0, rv, True))
    np.testing.assert_allclose(got[2], numpy_inc(value, (Ellipsis, 2), cv, False))
    np.testing.assert_allclose(got[3], numpy_inc(value, (1, slice(None), 0), 5, True))


def test_bad_y_shape():
    x = T.dmatrix("x")
    y = T.dvector("y")
    f = transpile.function([x, y], T.inc_subtensor(x[1:], y))
    with pytest.raises(ValueError, match=r"cannot broadcast y of shape \(2,\).*\(2, 3\)"):
        f(np.zeros((3, 3)), np.zeros(2))
    # a length-1 dim of y that is not broadcastable is not broadcast (Theano's rule)
    with pytest.raises(ValueError, match="not broadcastable"):
        f(np.zeros((3, 3)), np.zeros(1))
    g = transpile.function([x, y], T.set_subtensor(x[[0, 1]], y))
    with pytest.raises(ValueError, match="cannot broadcast"):
        g(np.zeros((3, 3)), np.zeros(4))
    h = transpile.function([x, y], T.set_subtensor(x[[0, 1], [1, 1]], y))
    with pytest.raises(ValueError, match="cannot broadcast"):
        h(np.zeros((3, 3)), np.zeros(3))


@pytest.mark.single_mode
def test_build_time_errors():
    x = T.dmatrix("x")
    with pytest.raises(ValueError, match="more than"):
        T.inc_subtensor(x[0], T.dmatrix())
    with pytest.raises(ValueError, match="more than"):
        T.set_subtensor(x[[0, 1]], T.dtensor3())
    with pytest.raises(TypeError, match="indexed tensor"):
        T.inc_subtensor(x, 1.0)
    with pytest.raises(TypeError, match="indexed tensor"):
        T.set_subtensor(x * 2, 1.0)
    with pytest.raises(TypeError, match="cast"):
        T.inc_subtensor(T.imatrix()[0], T.dvector())


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "uint8"])
def test_dtypes(dtype, rng):
    x = T.tensor(dtype, (False, False), name="x")
    value = (rng.normal(size=(3, 4)) * 5).astype(dtype)
    y = T.tensor("uint8", (False,), name="y")
    yv = np.array([1, 2, 3, 4], dtype="uint8")
    out = T.inc_subtensor(x[1], y)
    assert out.dtype == dtype
    got = transpile.function([x, y], [out, T.set_subtensor(x[:, 2], 7)])(value, yv)
    np.testing.assert_array_equal(got[0], numpy_inc(value, 1, yv.astype(dtype), False))
    np.testing.assert_array_equal(got[1], numpy_inc(value, (slice(None), 2), 7, True))
    assert got[0].dtype == dtype and got[1].dtype == dtype


def test_float64_into_float32(rng):
    x = T.fvector("x")
    out = T.inc_subtensor(x[:2], T.dvector("y"))
    assert out.dtype == "float32"


# -- advanced --------------------------------------------------------------------------------
@pytest.mark.parametrize("set_instead", [False, True])
def test_repeated_rows(set_instead, rng):
    x = T.dmatrix("x")
    i = T.lvector("i")
    y = T.dmatrix("y")
    value = rng.normal(size=(4, 3))
    idx = np.array([1, 3, 1, -3, 0])
    yv = rng.normal(size=(5, 3))
    fn = T.set_subtensor if set_instead else T.inc_subtensor
    out = fn(x[i], y)
    assert isinstance(out.owner.op, AdvancedIncSubtensor1)
    got = transpile.function([x, i, y], out)(value, idx, yv)
    np.testing.assert_allclose(got, numpy_inc(value, idx, yv, set_instead))
    if set_instead:  # last write wins
        np.testing.assert_allclose(got[1], yv[3])


@pytest.mark.parametrize("set_instead", [False, True])
def test_general_advanced(set_instead, rng):
    x = T.dtensor3("x")
    value = rng.normal(size=(3, 4, 5))
    i, j = T.lvector("i"), T.lmatrix("j")
    iv, jv = np.array([0, 2, 0]), np.array([[1, 1, 3], [0, 1, -1]])
    keys = [
        ((slice(None), i), (slice(None), iv)),
        ((i, j), (iv, jv)),
        ((i, slice(1, 3), j), (iv, slice(1, 3), jv)),
        ((0, slice(None), i), (0, slice(None), iv)),
        ((slice(None), None, i), (slice(None), None, iv)),
        ((i[:, None], 2, i), (iv[:, None], 2, iv)),
    ]
    fn = T.set_subtensor if set_instead else T.inc_subtensor
    for key, numpy_key in keys:
        region = value[numpy_key]
        y = T.tensor("float64", (False,) * region.ndim, name="y")
        yv = rng.normal(size=region.shape)
        out = fn(x[key], y)
        assert isinstance(out.owner.op, (AdvancedIncSubtensor, AdvancedIncSubtensor1))
        got = transpile.function([x, i, j, y], out, on_unused_input="ignore")(value, iv, jv, yv)
        if set_instead:
            expected = value.copy()
            expected[numpy_key] = yv
        else:
            expected = numpy_inc(value, numpy_key, yv, False)
        np.testing.assert_allclose(got, expected, err_msg=str(key))


def test_masks(rng):
    x = T.dmatrix("x")
    m = T.matrix("m", dtype="bool")
    r = T.vector("r", dtype="bool")
    value = rng.normal(size=(4, 3))
    mask, rows = value > 0, np.array([True, False, False, True])
    f = transpile.function([x, m, r], [T.set_subtensor(x[m], 0.0), T.inc_subtensor(x[r], [1.0, 2.0, 3.0]),
                                       T.inc_subtensor(x[r, 1:], 1.0)])
    got = f(value, mask, rows)
    expected = [value.copy(), value.copy(), value.copy()]
    expected[0][mask] = 0
    expected[1][rows] += [1, 2, 3]
    expected[2][rows, 1:] += 1
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e)


def test_broadcast_index_arrays_accumulate(rng):
    x = T.dmatrix("x")
    value = np.zeros((3, 3))
    got = transpile.function([x], T.inc_subtensor(x[[[0], [0]], [1, 1]], 1.0))(value)
    expected = np.zeros((3, 3))
    np.add.at(expected, (np.array([[0], [0]]), np.array([1, 1])), 1.0)
    np.testing.assert_array_equal(got, expected)
    assert got[0, 1] == 4


def test_out_of_bounds_inc():
    x = T.dmatrix("x")
    i = T.lvector("i")
    f = transpile.function([x, i], [T.inc_subtensor(x[i], 1.0)])
    with pytest.raises(IndexError, match=r"index 5 .*\(3, 2\)"):
        f(np.zeros((3, 2)), np.array([5]))
    g = transpile.function([x, i], [T.set_subtensor(x[1, i], 1.0)])
    with pytest.raises(IndexError, match=r"out of bounds.*\(3, 2\)"):
        g(np.zeros((3, 2)), np.array([0, 2]))
    h = transpile.function([x], [T.set_subtensor(x[4], 1.0)])
    with pytest.raises(IndexError, match=r"index 4 .*\(3, 2\)"):
        h(np.zeros((3, 2)))


def test_nested_and_chained(rng):
    x = T.dmatrix("x")
    value = rng.normal(size=(4, 4))
    y1 = T.set_subtensor(x[0], 1.0)
    y2 = T.inc_subtensor(y1[:, [0, 0]], 2.0)
    y3 = T.set_subtensor(y2[1:][0, 1:3], 7.0)  # writes into y2[1:], returns a new y2[1:]
    got = transpile.function([x], [y2, y3])(value)
    e2 = value.copy()
    e2[0] = 1.0
    np.add.at(e2, (slice(None), [0, 0]), 2.0)
    np.testing.assert_allclose(got[0], e2)
    e3 = e2[1:].copy()
    e3[0, 1:3] = 7.0
    np.testing.assert_allclose(got[1], e3)


@pytest.mark.single_mode
def test_str():
    x = T.dmatrix("x")
    assert str(T.inc_subtensor(x[1:, 0], 1.0).owner.op) == "IncSubtensor{1:, 0}"
    assert str(T.set_subtensor(x[1:, 0], 1.0).owner.op) == "SetSubtensor{1:, 0}"
    assert str(T.set_subtensor(x[[1]], 1.0).owner.op) == "AdvancedSetSubtensor1"
    assert str(T.inc_subtensor(x[:, [1]], 1.0).owner.op) == "AdvancedIncSubtensor{:, int64[1d]}"
    assert str(IncSubtensor((1,), inplace=True)) == "IncSubtensor{1, inplace}"
    assert IncSubtensor((1,), inplace=True).destroy_map == {0: [0]}
    assert IncSubtensor((1,)).destroy_map == {}


def test_inplace_op_overwrites(rng):
    """The in-place variant (for rewrites) really writes into its input."""
    x = T.dmatrix("x")
    op = IncSubtensor((1,), inplace=True)
    node = op.make_node(x, T.constant(1.0, dtype="float64"))
    value = np.zeros((2, 2))
    storage = [[None]]
    op.perform(node, [value, np.float64(1.0)], storage)
    assert storage[0][0] is value and value[1].tolist() == [1.0, 1.0]
