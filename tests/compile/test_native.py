"""The native backend against the reference executor: elementwise ops, reductions, views and
shape ops, with broadcasting, non-contiguous inputs and several dtypes.

Builds cost about a second each, so every test compiles one function holding many outputs and
calls it several times; all builds share the session's compile cache (tests/conftest.py).
"""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same, compare, strided
from tests.tensor.op_cases import CASES, draw

pytestmark = pytest.mark.single_mode

def test_every_elementwise_op_float64(rng):
    cases = [c for c in CASES if "float64" in c.dtypes]
    inputs, outputs, values = [], [], []
    for case in cases:
        xs = [T.matrix(f"{case.name}{k}") for k in range(case.nin)]
        inputs += xs
        outputs.append(case.fn(*xs))
        values += draw(case, "float64", (3, 5), rng)
    f = compare(inputs, outputs, [values, [strided(v) for v in values]], [c.name for c in cases])
    assert f.maker.fgraph.apply_nodes  # the graph that was compiled


def test_elementwise_ops_on_integers_and_mixed_dtypes(rng):
    dtypes = ["int32", "uint8", "int64", "bool", "float32"]
    inputs, outputs, values, labels = [], [], [], []
    for i, case in enumerate(CASES):
        for dtype in [d for d in dtypes[i % len(dtypes):] + dtypes if d in case.dtypes]:
            try:  # the first of these dtypes with values in the case's domain (logit: no bools)
                drawn = draw(case, dtype, (2, 3), rng)
                break
            except ValueError:
                continue
        else:
            continue
        xs = [T.tensor(dtype, (False, False), name=f"{case.name}{k}") for k in range(case.nin)]
        inputs += xs
        outputs.append(case.fn(*xs))
        values += drawn
        labels.append(f"{case.name}[{dtype}]")
    x, i8, u4 = T.fmatrix("x"), T.imatrix("i"), T.tensor("uint32", (False, False), name="u")
    inputs += [x, i8, u4]
    outputs += [x + i8, i8 * u4, T.cast(x, "int16"), T.cast(i8, "float32") / 3, x > i8, T.eq(i8, u4),
                T.switch(x > 0, i8, u4), T.maximum(x, i8), i8 // 3, i8 % -4, x ** 2]
    labels += ["f32+i32", "i32*u32", "cast", "cast/3", "gt", "eq", "switch", "maximum", "floordiv", "mod", "pow"]
    values += [rng.normal(size=(2, 3)).astype("float32"), rng.integers(-9, 9, (2, 3)).astype("int32"),
               rng.integers(0, 9, (2, 3)).astype("uint32")]
    compare(inputs, outputs, [values], labels)


def test_broadcasting_and_strides(rng):
    x, r, c, s = T.matrix("x"), T.row("r"), T.col("c"), T.scalar("s")
    t3 = T.tensor3("t3")
    v = T.vector("v")
    outputs = [x + r, x * c + s, r + c, T.exp(x) - v, t3 * x, t3 + r, (t3 * 2).T, x + 1.5, s * 2, x.T + c.dimshuffle(1, 0)]
    X, R, C, S = rng.normal(size=(4, 5)), rng.normal(size=(1, 5)), rng.normal(size=(4, 1)), rng.normal()
    T3, V = rng.normal(size=(3, 4, 5)), rng.normal(size=5)
    calls = [
        [X, R, C, S, T3, V],
        [strided(X), strided(R), strided(C), np.float64(S), strided(T3), strided(V)],
        [X.T.copy().T, R, C, S, np.ascontiguousarray(T3.transpose(2, 1, 0)).transpose(2, 1, 0), V[::-1]],
        [X[:, :0], R[:, :0], C, S, T3[:, :, :0], V[:0]],  # empty arrays
    ]
    calls[2][5] = V[::-1].copy()[::-1]  # negative strides
    f = compare([x, r, c, s, t3, v], outputs, calls)
    out = f(X, R, C, S, T3, V)[0]
    assert out.flags.c_contiguous and out.flags.writeable and out.flags.owndata is False
    assert type(out.base).__name__ == "PyCapsule"  # the library's buffer, not a copy


SUBSETS = [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]


def _three_d_calls(value):
    """A 3-d value as given, strided, transposed in memory, and with a length-1 shape."""
    return [[value], [strided(value)], [np.ascontiguousarray(value.transpose(2, 0, 1)).transpose(1, 2, 0)],
            [value[:1, :1, :1]]]


def test_reductions_over_every_axis_subset(rng):
    x = T.tensor3("x")
    ops = [T.sum, T.prod, T.max, T.min, T.all, T.any]
    outputs = [op(x, axis=axes) for axes in SUBSETS for op in ops]
    outputs += [T.sum(x, axis=1, keepdims=True), T.max(x, axis=(0, 2), keepdims=True), T.sum(x, axis=-1)]
    labels = [f"{op.__name__}{axes}" for axes in SUBSETS for op in ops] + ["keepdims", "keepdims max", "neg axis"]
    value = rng.normal(size=(3, 4, 5)) * 2
    value[1, 2, 3] = 0.0
    compare([x], outputs, _three_d_calls(value), labels)


def test_reductions_of_other_dtypes(rng):
    f32, i32, b, u8 = (T.tensor(d, (False,) * 3, name=d) for d in ("float32", "int32", "bool", "uint8"))
    outputs, labels = [], []
    for var, ops in [(f32, [T.sum, T.prod, T.max]), (i32, [T.sum, T.prod, T.min]), (b, [T.all, T.any, T.sum]),
                     (u8, [T.max, T.sum])]:
        for axes in SUBSETS[1:]:
            for op in ops:
                outputs.append(op(var, axis=axes))
                labels.append(f"{op.__name__}{axes}[{var.dtype}]")
    outputs += [T.sum(f32, dtype="float64"), T.sum(i32, acc_dtype="float64", dtype="float64")]
    labels += ["sum to float64", "acc_dtype"]
    values = [(rng.normal(size=(3, 4, 5)) * 2).astype("float32"), rng.integers(-3, 4, (3, 4, 5)).astype("int32"),
              rng.random((3, 4, 5)) > 0.2, rng.integers(0, 255, (3, 4, 5)).astype("uint8")]
    calls = [sum(c, []) for c in zip(*[_three_d_calls(v) for v in values])]
    compare([f32, i32, b, u8], outputs, calls, labels)


def test_reduction_errors_and_empty_inputs():
    x = T.matrix("x")
    f = transpile.function([x], [T.max(x, axis=0), T.sum(x, axis=0), T.prod(x)], mode="NATIVE")
    m, s, p = f(np.zeros((2, 0)))
    assert m.shape == (0,) and s.shape == (0,) and p == 1.0
    with pytest.raises(ValueError, match="empty axis"):
        f(np.zeros((0, 3)))
    nan = np.array([[1.0, np.nan], [3.0, 0.0]])
    g = transpile.function([x], [T.max(x, axis=0), T.min(x), T.sum(x, axis=1)], mode="NATIVE")
    mx, mn, sm = g(nan)
    assert mx[0] == 3.0 and np.isnan(mx[1]) and np.isnan(mn) and np.isnan(sm[0])


def test_views_shapes_and_constructors(rng):
    x, t3, v = T.matrix("x"), T.tensor3("t3"), T.vector("v")
    n, iv = T.lscalar("n"), T.ivector("iv")
    outputs = [
        x.T, x.dimshuffle(1, "x", 0), t3.dimshuffle(2, 0, 1) + 1, x.shape, T.shape_i(t3, 2),
        T.reshape(x, (2, -1)), T.reshape(x.T, (5, 4)), x.flatten(), t3.flatten(2),
        T.reshape(v, (1, 5)) * 3,
        T.concatenate([x, x * 2], axis=0), T.concatenate([x, T.ones((4, 2))], axis=1), T.stack([v, v + 1]),
        T.zeros((n, 3)), T.ones((2, n), dtype="int32"), T.alloc(v, 3, 5), T.alloc(x, 2, 4, 5), T.fill(x, 7.0),
        T.arange(n), T.arange(1.5, n, 0.5), T.arange(n, 0, -2, dtype="int32"), T.eye(n, 3, 1),
        T.cast(iv, "float64").sum() + n, T.addbroadcast(T.reshape(v, (1, 5)), 0) + x,
        T.specify_shape(x, (4, 5)) * 2, T.unbroadcast(T.ones((1, 5)), 0) + 1,
    ]
    outputs += list(T.split(x, [1, 3], 2, axis=0))
    outputs += [x[1], x[:, 1:3] * 1, x[::-1], x[-1, ::2], t3[:, None, 1], x[n - 3:], v[1:n:2], x[-2:-5:-1, 4:0:-2],
                x.shape[0] + v.shape[-1], x[n:]]
    X, T3, V = rng.normal(size=(4, 5)), rng.normal(size=(2, 3, 4)), rng.normal(size=5)
    IV = np.arange(4, dtype="int32")
    compare([x, t3, v, n, iv], outputs, [[X, T3, V, 6, IV], [strided(X), strided(T3), strided(V), 3, IV[::2]]])


def test_shape_errors_match_the_reference():
    x, v, u, w = T.matrix("x"), T.vector("v"), T.vector("u"), T.vector("w")
    n, m, k = T.lscalar("n"), T.lscalar("m"), T.lscalar("k")
    outputs = [T.reshape(x, (n, -1)), T.specify_shape(v, (3,)) * 1, T.concatenate([x, T.ones((m, 2))], axis=1),
               T.alloc(u, k, 3), x + w]
    inputs = [x, v, u, w, n, m, k]
    native = transpile.function(inputs, outputs, mode="NATIVE")
    reference = transpile.function(inputs, outputs, mode="FAST_COMPILE")
    good = {"x": np.ones((4, 3)), "v": np.ones(3), "u": np.ones(3), "w": np.ones(3), "n": 4, "m": 4, "k": 2}
    for change, pattern in [({"n": 5}, "cannot reshape"), ({"v": np.ones(4)}, "specify_shape"),
                            ({"m": 5}, "Join"), ({"k": -1}, "negative"), ({"u": np.ones(2)}, "cannot broadcast"),
                            ({"w": np.ones(2)}, "Input dimension mis-match")]:
        bad = [{**good, **change}[v.name] for v in inputs]
        with pytest.raises(ValueError, match=pattern):
            reference(*bad)
        with pytest.raises(ValueError, match=pattern):
            native(*bad)
    for g, r in zip(native(*good.values()), reference(*good.values())):
        assert_same(g, r)




def test_index_errors_match_the_reference():
    x, i = T.matrix("x"), T.lscalar("i")
    native = transpile.function([x, i], [x[i], x[:, i:i + 2]], mode="NATIVE")
    reference = transpile.function([x, i], [x[i], x[:, i:i + 2]], mode="FAST_COMPILE")
    for k in (-3, -1, 0, 2):
        for g, r in zip(native(np.ones((3, 4)), k), reference(np.ones((3, 4)), k)):
            assert_same(g, r)
    for k in (3, -4):
        with pytest.raises(IndexError) as want:
            reference(np.ones((3, 4)), k)
        with pytest.raises(IndexError) as got:
            native(np.ones((3, 4)), k)
        assert str(want.value).splitlines()[0] == str(got.value).splitlines()[0]
