"""Indexing in the native backend against the reference executor: basic slicing (symbolic
bounds, negative steps, newaxis), integer arrays and masks, inc/set_subtensor with repeated
indices, in-place variants, and the error cases (same exception type as the reference).

Each test compiles one function holding many outputs (builds are cached by content)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same, compare, strided
from transpile.tensor.subtensor import (
    AdvancedIncSubtensor,
    AdvancedIncSubtensor1,
    IncSubtensor,
    advanced_inc_subtensor1,
    advanced_set_subtensor1,
)
from transpile.tensor.subtensor_key import SliceEntry, Sym

pytestmark = pytest.mark.single_mode


def test_basic_slicing_with_symbolic_bounds(rng):
    x, t3, v, r = T.matrix("x"), T.tensor3("t3"), T.vector("v"), T.row("r")
    i, j, s, big = T.lscalar("i"), T.iscalar("j"), T.lscalar("s"), T.lscalar("big")
    u8 = T.scalar("u8", dtype="uint8")
    outputs = [x[1:3], x[::-1], x[::-2, 1], x[-1], x[i], x[i:j], x[i:, ::s], x[:j:s], x[::s, ::-1],
               t3[None, 0, :, ::-2], t3[1:, None, i, j:], t3[..., -1], t3[i, -1, s], v[u8:], v[-100:100:3],
               x[i:j] * 2, t3[:, 1:-1].sum(axis=1), x[5:1:-1, u8], r[0, ::-1], r[:, i:] + 1, v[big:], v[:big:-1]]
    X, T3, V, R = rng.normal(size=(4, 5)), rng.normal(size=(3, 4, 5)), rng.normal(size=7), rng.normal(size=(1, 5))
    inputs = [x, t3, v, r, i, j, s, u8, big]
    calls = [[X, T3, V, R, 1, 3, 2, 2, 2], [strided(X), strided(T3), V[::-1], strided(R), -3, -1, -1, 0, -9],
             [X, T3, V, R, 2, 9, 3, 4, np.iinfo("int64").min]]
    compare(inputs, outputs, calls)


def test_integer_arrays_and_masks(rng):
    x, t3, v = T.matrix("x"), T.tensor3("t3"), T.vector("v")
    iv, jv, im, b = T.lvector("iv"), T.ivector("jv"), T.lmatrix("im"), T.scalar("b", dtype="uint8")
    u16 = T.tensor("uint16", (False,), name="u16")
    mr, mc, mm = T.vector("mr", dtype="bool"), T.vector("mc", dtype="bool"), T.matrix("mm", dtype="bool")
    xi = T.imatrix("xi")
    outputs = [x[iv], x[jv, 1:], t3[iv, :, iv], t3[:, iv, 1:], t3[:, iv, iv[::-1]], t3[im, 0], t3[1, im],
               t3[iv, None, :, jv[:1]], t3[im[0], :, im], x[iv, b], v[im], v[u16], x[mr], x[mm], x[:, mc],
               t3[mm], t3[mm, iv[:1]], t3[:, mm.T], t3[mr, 1:, mr], xi[iv] + 1, xi[mm], x[iv[:0]], x[iv][:, jv],
               T.mean(x[iv], axis=0)]
    X, T3, V = rng.normal(size=(4, 5)), rng.normal(size=(4, 5, 4)), rng.normal(size=6)
    IV, JV = np.array([0, 3, 3, -1]), np.array([3, -4, 2, 2], dtype="int32")
    IM = np.array([[0, -1, 2], [3, 3, 1]])
    MR, MC, MM = np.array([True, False, True, True]), np.array([False, True, True, False, True]), rng.random((4, 5)) > 0.4
    XI = rng.integers(-9, 9, (4, 5)).astype("int32")
    U16 = np.array([5, 0, 5], dtype="uint16")
    inputs = [x, t3, v, iv, jv, im, b, u16, mr, mc, mm, xi]
    calls = [[X, T3, V, IV, JV, IM, 2, U16, MR, MC, MM, XI],
             [strided(X), strided(T3), V, IV[::-1].copy(), JV, IM, 4, U16, ~MR, MC, MM & False, strided(XI)]]
    compare(inputs, outputs, calls)


def test_inc_and_set_with_repeated_indices(rng):
    x, t3, y, w = T.matrix("x"), T.tensor3("t3"), T.vector("y"), T.matrix("w")
    iv, i, s = T.lvector("iv"), T.lscalar("i"), T.lscalar("s")
    mm, xi = T.matrix("mm", dtype="bool"), T.imatrix("xi")
    outputs = [T.set_subtensor(x[1:3], 5.0), T.inc_subtensor(x[i:, ::s], 1.5), T.inc_subtensor(x[:, 1], w[0, :4]),
               T.set_subtensor(t3[0, ::-1], y), T.inc_subtensor(t3[i], w), T.set_subtensor(x[-1, 2], y[0]),
               T.inc_subtensor(x[iv], y), T.set_subtensor(x[iv], w[:4]), advanced_inc_subtensor1(x, w[0], iv),
               advanced_set_subtensor1(x, 7.0, iv),
               T.inc_subtensor(t3[:, iv, iv], 1.0), T.set_subtensor(t3[iv, :, iv], w[:4, :4]),
               T.inc_subtensor(x[iv, iv[::-1]], y[:4]), T.set_subtensor(x[iv, 1:3], w[0, :2]),
               T.inc_subtensor(x[mm], 2.0), T.set_subtensor(x[mm], 0.0), T.inc_subtensor(xi[iv, 0], 3),
               T.set_subtensor(xi[mm], -1), T.inc_subtensor(t3[None, :, iv, 1], y[:4])]
    X, T3, Y, W = rng.normal(size=(4, 5)), rng.normal(size=(4, 4, 5)), rng.normal(size=5), rng.normal(size=(4, 5))
    IV = np.array([1, 3, 1, -3])  # repeats: inc accumulates, set keeps the last write
    MM, XI = rng.random((4, 5)) > 0.5, rng.integers(-9, 9, (4, 5)).astype("int32")
    inputs = [x, t3, y, w, iv, i, s, mm, xi]
    compare(inputs, outputs, [[X, T3, Y, W, IV, 1, 2, MM, XI],
                              [strided(X), strided(T3), Y[::-1], W.T.copy().T, IV[::-1].copy(), -2, -1, ~MM, XI]])


def test_inplace_variants_write_only_temporaries(rng):
    x, y, iv = T.matrix("x"), T.vector("y"), T.lvector("iv")
    key = (SliceEntry(1, None, None),)
    outputs = [IncSubtensor(key, inplace=True)(x * 2, y), IncSubtensor(key, inplace=True, set_instead_of_inc=True)(x, y),
               AdvancedIncSubtensor1(inplace=True)(x + 1, y, iv), AdvancedIncSubtensor1(inplace=True)(x, y, iv),
               AdvancedIncSubtensor((Sym("int64", 1), SliceEntry()), inplace=True)(T.exp(x), y, iv)]
    X, Y, IV = rng.normal(size=(4, 3)), rng.normal(size=3), np.array([0, 2, 0])
    keep = X.copy()
    f = transpile.function([x, y, iv], outputs, mode="NATIVE")
    got = f(X, Y, IV)
    np.testing.assert_array_equal(X, keep)  # the graph input was copied, not written
    want = [X * 2, X.copy(), X + 1, X.copy(), np.exp(X)]
    want[0][1:] += Y
    want[1][1:] = Y
    np.add.at(want[2], IV, Y)
    np.add.at(want[3], IV, Y)
    np.add.at(want[4], IV, Y)
    for g, w in zip(got, want):
        assert_same(g, w)


def _expect_same_error(native, reference, good, changes):
    for change, kind in changes:
        bad = [change.get(k, v) for k, v in good.items()]
        with pytest.raises(kind) as want:
            reference(*bad)
        with pytest.raises(kind) as got:
            native(*bad)
        assert type(got.value) is type(want.value), (change, got.value, want.value)


def test_errors_match_the_reference():
    x, t3, y = T.matrix("x"), T.tensor3("t3"), T.vector("y")
    i, s, iv, jv, mm, w = T.lscalar("i"), T.lscalar("s"), T.lvector("iv"), T.ivector("jv"), T.matrix("mm", dtype="bool"), \
        T.matrix("w")
    outputs = [x[i], x[::s].sum(), x[iv].sum(), t3[iv, :, jv].sum(), t3[mm].sum(), T.inc_subtensor(x[iv], y),
               T.set_subtensor(x[2:, jv], w), T.set_subtensor(x[1:], y).sum(), T.inc_subtensor(t3[mm], 1.0).sum()]
    inputs = [x, t3, y, i, s, iv, jv, mm, w]
    native = transpile.function(inputs, outputs, mode="NATIVE")
    reference = transpile.function(inputs, outputs, mode="FAST_COMPILE")
    good = {"x": np.ones((4, 3)), "t3": np.ones((4, 5, 3)), "y": np.ones(3), "i": 1, "s": 1,
            "iv": np.array([0, 3]), "jv": np.array([1, 2], dtype="int32"), "mm": np.ones((4, 5), bool),
            "w": np.ones((2, 2))}
    for got, want in zip(native(*good.values()), reference(*good.values())):
        assert_same(got, want)
    _expect_same_error(native, reference, good, [
        ({"i": 4}, IndexError), ({"i": -5}, IndexError), ({"s": 0}, ValueError),
        ({"iv": np.array([0, 4])}, IndexError), ({"iv": np.array([-5, 0])}, IndexError),
        ({"jv": np.array([1, 3], dtype="int32")}, IndexError), ({"jv": np.array([1, 2, 0], dtype="int32")}, IndexError),
        ({"mm": np.ones((4, 4), bool)}, IndexError), ({"y": np.ones(2)}, ValueError), ({"w": np.ones((2, 3))}, ValueError),
    ])
