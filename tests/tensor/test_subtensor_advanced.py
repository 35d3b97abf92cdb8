"""Advanced indexing (`AdvancedSubtensor1`, `AdvancedSubtensor`): integer arrays (numpy, lists,
symbolic), broadcasting index arrays, mixing with slices/ints/newaxis, boolean masks."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_case, case_rng
from transpile.tensor.subtensor import AdvancedSubtensor, AdvancedSubtensor1


def test_vector_of_rows(rng):
    x = T.dmatrix("x")
    i = T.lvector("i")
    out = x[i]
    assert isinstance(out.owner.op, AdvancedSubtensor1)
    assert str(out.owner.op) == "AdvancedSubtensor1"
    assert out.broadcastable == (False, False)
    value = rng.normal(size=(5, 3))
    idx = np.array([4, 0, -1, 2, 2])
    np.testing.assert_array_equal(transpile.function([x, i], out)(value, idx), value[idx])
    np.testing.assert_array_equal(transpile.function([x, i], x[i, :])(value, idx), value[idx])
    assert isinstance(x[i, :].owner.op, AdvancedSubtensor1)


CONSTANT_INDEXES = [[1, 0, 1], np.array([2, 1], dtype="int32"), [], [-2]]


def build_constant_index(index):
    x = T.dmatrix("x")
    return [x], [x[index]], [case_rng().normal(size=(3, 2))]


@pytest.mark.parametrize("index", CONSTANT_INDEXES)
def test_constant_index_arrays(mode, index):
    (value,), (out,), (got,) = batched_case(mode, CONSTANT_INDEXES, build_constant_index, index)
    expected = value[np.asarray(index, dtype="int64")]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    assert out.broadcastable[0] == (len(index) == 1)


INDEX_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint32"]


def build_index_dtype(dtype):
    x = T.dvector("x")
    i = T.vector("i", dtype=dtype)
    return [x, i], [x[i]], [case_rng().normal(size=7), np.array([6, 0, 3, 3], dtype=dtype)]


@pytest.mark.parametrize("dtype", INDEX_DTYPES)
def test_index_dtypes(mode, dtype):
    (value, idx), _, (got,) = batched_case(mode, INDEX_DTYPES, build_index_dtype, dtype)
    np.testing.assert_array_equal(got, value[idx])


def test_general_integer_indexing(rng):
    x = T.dtensor3("x")
    value = rng.normal(size=(4, 5, 6))
    i, j = T.lvector("i"), T.imatrix("j")
    iv, jv = np.array([3, 0, 1]), np.array([[1, 4, 0], [2, 2, -1]], dtype="int32")
    cases = [
        ((slice(None), i), ((slice(None), iv))),
        ((i, j), (iv, jv)),                             # broadcast (3,) with (2, 3)
        ((i, slice(1, 4), j), (iv, slice(1, 4), jv)),   # separated by a slice: index dims first
        ((slice(None), i, j), (slice(None), iv, jv)),   # adjacent: stay in place
        ((0, slice(None), i), (0, slice(None), iv)),    # int counts as advanced (separated)
        ((slice(None), 2, i), (slice(None), 2, iv)),    # int adjacent
        ((i, None, j), (iv, None, jv)),                 # newaxis separates
        ((Ellipsis, i), (Ellipsis, iv)),
        ((i[None, :], slice(None, None, -1)), (iv[None, :], slice(None, None, -1))),
        ((slice(1, None), j, [0, 1, 2]), (slice(1, None), jv, [0, 1, 2])),
    ]
    for key, numpy_key in cases:
        out = x[key]
        assert isinstance(out.owner.op, (AdvancedSubtensor, AdvancedSubtensor1)), key
        got = transpile.function([x, i, j], out, on_unused_input="ignore")(value, iv, jv)
        expected = value[numpy_key]
        assert got.shape == expected.shape, key
        assert out.ndim == expected.ndim
        np.testing.assert_array_equal(got, expected)


def random_advanced_key(rng, shape):
    """A random numpy key mixing index arrays (broadcastable shapes), ints, slices, newaxis."""
    common = tuple(int(n) for n in rng.integers(1, 4, size=int(rng.integers(1, 3))))
    key, d, has_array = [], 0, False
    while d < len(shape):
        r = rng.random()
        if r < 0.45:
            sub = common[int(rng.integers(0, len(common))):]
            sub = tuple(1 if rng.random() < 0.3 else n for n in sub)
            key.append(rng.integers(-shape[d], shape[d], size=sub))
            has_array = True
        elif r < 0.6:
            key.append(int(rng.integers(-shape[d], shape[d])))
        elif r < 0.7:
            key.append(None)
            continue
        else:
            key.append(slice(*rng.choice([None, -3, -1, 0, 1, 2, 4], size=2), rng.choice([None, 1, -1, 2])))
        d += 1
    if not has_array:
        key[0] = rng.integers(-shape[0], shape[0], size=common) if key[0] is not None else key[0]
        if key[0] is None:
            key.insert(0, np.array([0]))
    return tuple(key)


@pytest.mark.parametrize("shape", [(4, 5), (3, 4, 5), (2, 3, 2, 3)])
def test_random_advanced_keys(shape, rng):
    value = rng.normal(size=shape)
    x = T.tensor("float64", (False,) * len(shape), name="x")
    inputs, values, outs, keys = [], [], [], []
    for _ in range(20):
        key = random_advanced_key(rng, shape)
        sym_key = []
        for k in key:
            if isinstance(k, np.ndarray) and rng.random() < 0.5:
                # symbolic index arrays; length-1 dims broadcastable like constants
                v = T.tensor("int64", tuple(n == 1 for n in k.shape))
                inputs.append(v)
                values.append(k)
                sym_key.append(v)
            else:
                sym_key.append(k)
        outs.append(x[tuple(sym_key)])
        keys.append(key)
    results = transpile.function([x] + inputs, outs)(value, *values)  # one native build for all keys
    for key, out, got in zip(keys, outs, results):
        expected = value[key]
        assert got.shape == expected.shape, key
        np.testing.assert_array_equal(got, expected)
        for b, n in zip(out.broadcastable, got.shape):
            assert not b or n == 1, (key, out.broadcastable, got.shape)


def test_boolean_masks(rng):
    x = T.dmatrix("x")
    m = T.matrix("m", dtype="bool")
    v = T.vector("v", dtype="bool")
    value = rng.normal(size=(4, 3))
    mask = value > 0
    rows = np.array([True, False, True, True])
    f = transpile.function([x, m, v], [x[m], x[v], x[v, 1:], x[:, v[:3]], x[x > 0.5]])
    expected = [value[mask], value[rows], value[rows, 1:], value[:, rows[:3]], value[value > 0.5]]
    for g, e in zip(f(value, mask, rows), expected):
        assert g.shape == e.shape
        np.testing.assert_array_equal(g, e)
    # constant numpy masks
    np.testing.assert_array_equal(transpile.function([x], x[rows])(value), value[rows])
    assert x[m].ndim == 1 and x[v].ndim == 2


def test_mask_shape_mismatch():
    x = T.dmatrix("x")
    m = T.vector("m", dtype="bool")
    f = transpile.function([x, m], x[m])
    with pytest.raises(IndexError, match=r"boolean index.*\(3, 2\)"):
        f(np.zeros((3, 2)), np.array([True, False]))


def test_out_of_bounds():
    x = T.dmatrix("x")
    i = T.lvector("i")
    f = transpile.function([x, i], x[i])
    with pytest.raises(IndexError, match=r"index 3 .*\(3, 2\)"):
        f(np.zeros((3, 2)), np.array([0, 3]))
    with pytest.raises(IndexError, match=r"index -4"):
        f(np.zeros((3, 2)), np.array([-4]))
    g = transpile.function([x, i], x[:, i])
    with pytest.raises(IndexError, match=r"out of bounds.*\(3, 2\)"):
        g(np.zeros((3, 2)), np.array([2]))


@pytest.mark.single_mode
def test_bad_index_arrays():
    x = T.dmatrix("x")
    with pytest.raises(TypeError, match="float"):
        x[T.dvector("f")]
    with pytest.raises(TypeError, match="float"):
        x[np.array([0.0, 1.0])]
    with pytest.raises(TypeError, match="float"):
        x[[0.5, 1]]
    with pytest.raises(IndexError, match="too many"):
        x[T.tensor3("m", dtype="bool")]
    with pytest.raises(IndexError, match="too many"):
        x[T.lvector(), T.lvector(), T.lvector()]


def test_symbolic_list_index(rng):
    x = T.dvector("x")
    a, b = T.lscalar("a"), T.lscalar("b")
    value = rng.normal(size=5)
    got = transpile.function([x, a, b], x[[a, b, a]])(value, 4, 1)
    np.testing.assert_array_equal(got, value[[4, 1, 4]])


def test_advanced_output_is_fresh(rng):
    x = T.dmatrix("x")
    value = rng.normal(size=(3, 3))
    out = transpile.function([x], x[[0, 1]])(value)
    assert not np.shares_memory(out, value)


@pytest.mark.single_mode
def test_str():
    x = T.dmatrix("x")
    i = T.lvector("i")
    assert str(x[:, i].owner.op) == "AdvancedSubtensor{:, int64[1d]}"
    assert x[:, i].owner.op == x[:, T.lvector()].owner.op


def test_symbolic_scalars_mixed_with_arrays(rng):
    x = T.dtensor3("x")
    a = T.lscalar("a")
    i = T.lvector("i")
    value = rng.normal(size=(3, 4, 5))
    iv = np.array([0, 2, 2, -1])
    outs = [x[a, i], x[i, a:], x[:, a, i], x[i, :, a], x[i][:, a]]
    expected = [value[1, iv], value[iv, 1:], value[:, 1, iv], value[iv, :, 1], value[iv][:, 1]]
    got = transpile.function([x, a, i], outs)(value, 1, iv)
    for o, g, e in zip(outs, got, expected):
        assert o.ndim == e.ndim
        np.testing.assert_array_equal(g, e)
