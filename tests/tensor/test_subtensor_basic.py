"""Basic indexing (`Subtensor`): ints, slices (constant, symbolic, shared bounds), Ellipsis,
newaxis; checked against numpy."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_case, case_rng
from transpile.tensor.subtensor import Subtensor


def random_part(rng, n):
    return rng.choice([None, int(rng.integers(-n - 2, n + 3))])


def random_key(rng, shape):
    """A random basic key for an array of `shape` (ints, slices, None, at most one Ellipsis)."""
    key, d, used_ellipsis = [], 0, False
    while d < len(shape):
        r = rng.random()
        if r < 0.1:
            key.append(None)
            continue
        if r < 0.15 and not used_ellipsis:
            used_ellipsis = True
            key.append(Ellipsis)
            d += int(rng.integers(0, len(shape) - d + 1))
            continue
        if r < 0.35 and shape[d] > 0:
            key.append(int(rng.integers(-shape[d], shape[d])))
        elif r < 0.95:
            step = rng.choice([None, 1, 2, 3, -1, -2])
            key.append(slice(random_part(rng, shape[d]), random_part(rng, shape[d]), step))
        else:
            break
        d += 1
    return tuple(key)


KEY_SHAPES = [(5,), (4, 6), (3, 1, 5), (2, 3, 4, 2)]


def value_and_keys(shape):
    """An input value and 25 random constant keys for it, drawn from `case_rng()`."""
    rng = case_rng()
    value = rng.normal(size=shape)
    return value, [random_key(rng, shape) for _ in range(25)]


def build_random_keys(shape):
    x = T.tensor("float64", (False,) * len(shape), name="x")
    value, keys = value_and_keys(shape)
    return [x], [x[k] for k in keys], [value]


@pytest.mark.parametrize("shape", KEY_SHAPES)
def test_random_constant_keys(shape, mode):
    (value,), outs, results = batched_case(mode, KEY_SHAPES, build_random_keys, shape)
    keys = value_and_keys(shape)[1]
    assert len(keys) == len(outs) == len(results)
    for k, out, got in zip(keys, outs, results):
        expected = value[k]
        assert got.shape == expected.shape, k
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
        assert out.ndim == expected.ndim


def test_random_symbolic_bounds(rng):
    """The same random keys with every slice bound and int index made symbolic."""
    shape = (7, 5)
    x = T.dmatrix("x")
    value = rng.normal(size=shape)
    inputs, values, outs, keys = [], [], [], []
    for _ in range(30):
        key = random_key(rng, shape)
        sym_key = []

        def sym(v):
            if v is None or rng.random() < 0.3:
                return v
            s = T.scalar(dtype=str(rng.choice(["int64", "int32", "int8"])))
            inputs.append(s)
            values.append(v)
            return s

        for k in key:
            if isinstance(k, slice):
                sym_key.append(slice(sym(k.start), sym(k.stop), sym(k.step)))
            elif isinstance(k, int):
                sym_key.append(sym(k))
            else:
                sym_key.append(k)
        outs.append(x[tuple(sym_key)])
        keys.append(key)
    results = transpile.function([x] + inputs, outs)(value, *values)  # one native build for all keys
    for key, out, got in zip(keys, outs, results):
        np.testing.assert_array_equal(got, value[key])
        assert got.ndim == out.ndim


def test_str_and_props():
    x = T.dmatrix("x")
    i = T.lscalar("i")
    assert str(x[0:2, ::-1].owner.op) == "Subtensor{0:2, ::-1}"
    assert str(x[i:, 1].owner.op) == "Subtensor{int64:, 1}"
    assert str(x[None, :, 3].owner.op) == "Subtensor{newaxis, :, 3}"
    assert x[1:3].owner.op == x[1:3].owner.op
    assert hash(x[1:3].owner.op) == hash(Subtensor(x[1:3].owner.op.idx_list))
    assert x[1:3].owner.op != x[1:4].owner.op
    # numpy ints and constant tensors fold into the op's props
    assert x[np.int32(1)].owner.op == x[1].owner.op
    assert x[T.constant(1)].owner.op == x[1].owner.op
    assert x[1].owner.inputs == [x]


def test_output_types():
    x = T.tensor("float32", (True, False, True, False), name="x")
    assert x[0].broadcastable == (False, True, False)
    assert x[:, 1:].broadcastable == (True, False, True, False)
    assert x[:1, :, 0:5, 2].broadcastable == (True, False, True)
    assert x[1:].broadcastable == (False, False, True, False)          # may be empty
    assert x[::-1].broadcastable == (True, False, True, False)
    assert x[None, 0, ..., None].broadcastable == (True, False, True, False, True)
    i = T.lscalar()
    assert x[i:].broadcastable == (False, False, True, False)
    assert x[0].dtype == "float32"
    assert x[...].broadcastable == x.broadcastable


DTYPES = ["float32", "int8", "int64", "uint16", "bool", "complex64"]


def build_dtype(dtype):
    x = T.tensor(dtype, (False, False), name="x")
    value = (case_rng().normal(size=(4, 3)) * 10).astype(dtype)
    return [x], [x[1], x[::-1, 1:], x[2, 2]], [value]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(dtype, mode):
    (value,), _, results = batched_case(mode, DTYPES, build_dtype, dtype)
    assert len(results) == 3
    for got, expected in zip(results, [value[1], value[::-1, 1:], value[2, 2]]):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)


def test_shared_bounds(rng):
    s = transpile.shared(2)
    x = T.dvector("x")
    f = transpile.function([x], [x[:s], x[s], x[s:-1]])
    value = rng.normal(size=6)
    for got, expected in zip(f(value), [value[:2], value[2], value[2:-1]]):
        np.testing.assert_array_equal(got, expected)
    s.set_value(4)
    for got, expected in zip(f(value), [value[:4], value[4], value[4:-1]]):
        np.testing.assert_array_equal(got, expected)


def test_shape_indexing():
    x = T.dtensor3("x")
    value = np.zeros((2, 5, 3))
    f = transpile.function([x], [x.shape[0], x.shape[-1], x.shape[1:]])
    n0, n2, rest = f(value)
    assert n0 == 2 and n2 == 3 and n0.dtype == "int64" and np.ndim(n0) == 0
    np.testing.assert_array_equal(rest, [5, 3])
    # a length from x.shape used as a symbolic bound
    g = transpile.function([x], x[:, :x.shape[2]])
    np.testing.assert_array_equal(g(value), value[:, :3])


def test_scalar_result_is_0d_array():
    x = T.dmatrix("x")
    got = transpile.function([x], x[1, 2])(np.arange(6.0).reshape(2, 3))
    assert isinstance(got, np.ndarray) and got.shape == () and got == 5.0


def test_output_never_aliases_input(rng):
    x = T.dmatrix("x")
    value = rng.normal(size=(4, 4))
    keep = value.copy()
    f = transpile.function([x], [x[1:3], x[:, 0], x[...], x[2, 3]])
    for out in f(value):
        assert not np.shares_memory(out, value)
        out[...] = 0
    np.testing.assert_array_equal(value, keep)
    s = transpile.shared(value)
    g = transpile.function([], s[::2])
    out = g()
    out[...] = -1
    np.testing.assert_array_equal(s.get_value(), keep)


def test_views_inside_graph_are_correct(rng):
    x = T.dmatrix("x")
    value = rng.normal(size=(3, 4))
    y = x[::-1][1:, ::2] * 2 + x[0, :2]
    np.testing.assert_allclose(transpile.function([x], y)(value), value[::-1][1:, ::2] * 2 + value[0, :2])


def test_constant_tensor_indexing():
    c = T.constant(np.arange(10))
    np.testing.assert_array_equal(c[2:8:3].eval(), [2, 5])
    assert c[3].eval() == 3


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.single_mode
def test_too_many_indices():
    x = T.dmatrix("x")
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 1, 2]
    with pytest.raises(IndexError, match="too many indices"):
        x[:, :, None, :]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]
    with pytest.raises(IndexError, match="too many indices"):
        T.dscalar()[0]


@pytest.mark.single_mode
def test_bad_index_types():
    x = T.dmatrix("x")
    with pytest.raises(TypeError, match="float"):
        x[1.0]
    with pytest.raises(TypeError, match="float"):
        x[T.dscalar("f")]
    with pytest.raises(TypeError, match="integer"):
        x[1:T.dscalar("f")]
    with pytest.raises(TypeError, match="float"):
        x[0.5:]
    with pytest.raises(TypeError, match="integer"):
        x[:, 1:T.lvector()]
    with pytest.raises(TypeError):
        x["a"]
    with pytest.raises(TypeError, match="boolean"):
        x[True]


@pytest.mark.single_mode
def test_constant_index_out_of_broadcastable_dim():
    r = T.drow("r")
    with pytest.raises(IndexError, match="out of bounds"):
        r[1]
    assert r[-1].ndim == 1


def test_out_of_range_at_run_time():
    x = T.dmatrix("x")
    i = T.lscalar("i")
    f = transpile.function([x, i], x[1, i])
    assert f(np.ones((2, 3)), 2) == 1
    with pytest.raises(IndexError, match=r"index 3 .*length 3.*\(2, 3\)"):
        f(np.ones((2, 3)), 3)
    with pytest.raises(IndexError, match=r"index -4"):
        f(np.ones((2, 3)), -4)
    g = transpile.function([x], x[5])
    with pytest.raises(IndexError, match=r"index 5 .*\(2, 3\)"):
        g(np.ones((2, 3)))


def test_zero_step_at_run_time():
    x = T.dvector("x")
    s = T.lscalar("s")
    f = transpile.function([x, s], x[::s])
    np.testing.assert_array_equal(f(np.arange(4.0), -2), [3.0, 1.0])
    with pytest.raises(ValueError, match="zero"):
        f(np.arange(4.0), 0)


@pytest.mark.single_mode
def test_setitem_refused():
    x = T.dvector()
    with pytest.raises(TypeError, match="set_subtensor"):
        x[0] = 1
