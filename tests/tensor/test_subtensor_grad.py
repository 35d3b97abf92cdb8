"""Gradients of indexing and of inc/set_subtensor (finite differences via verify_grad)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng


BASIC_KEYS = [
    (1,), (slice(1, 3),), (slice(None, None, -2), 0), (Ellipsis, 1), (None, slice(-2, None)),
    (0, 2), (slice(None), slice(1, 2)),
]


def build_indexing(key):
    """x[key] of a (4, 3) matrix, or of a (4, 3, 2) tensor where the key holds an index array."""
    advanced = any(isinstance(k, np.ndarray) for k in key)
    shape = (4, 3, 2) if advanced else (4, 3)
    return (lambda x: x[key]), [case_rng().normal(size=shape)]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=str)
def test_basic(key, mode):
    batched_verify_grad(mode, BASIC_KEYS, build_indexing, key)


#: fn(x, y) and y's shape or value: y of fewer dims, or with length-1 dims (verify_grad makes them
#: broadcastable), for a (4, 3) x
BROADCAST_Y = {
    "inc x[1:] (3,)": (lambda x, y: T.inc_subtensor(x[1:], y), (3,)),
    "set x[:, :2] (1, 2)": (lambda x, y: T.set_subtensor(x[:, :2], y), (1, 2)),
    "inc x[[0, 2, 2]] (1, 3)": (lambda x, y: T.inc_subtensor(x[[0, 2, 2]], y), (1, 3)),
    "inc x[[0, 1], [2, 2]] (1,)": (lambda x, y: T.inc_subtensor(x[[0, 1], [2, 2]], y), np.array([0.5])),
    "set x[2, 1] ()": (lambda x, y: T.set_subtensor(x[2, 1], y), np.array(0.5)),
}
MORE_GRADS = ["symbolic bounds", "rows repeated", "mask", *BROADCAST_Y]  # one batched table


def build_more_grad(name):
    rng = case_rng()
    if name == "symbolic bounds":  # gradient flows to x only; integer bounds are closed over
        s = transpile.shared(2)
        return (lambda x: x[1:s, ::-1]), [rng.normal(size=(4, 3))]
    if name == "rows repeated":
        return (lambda x: x[np.array([0, 2, 2, -1, 0])]), [rng.normal(size=(4, 3))]
    if name == "mask":
        value = rng.normal(size=(3, 4))
        return (lambda x: x[value > 0]), [value]
    fn, y = BROADCAST_Y[name]
    value = rng.normal(size=(4, 3))
    return fn, [value, rng.normal(size=y) if isinstance(y, tuple) else y]


def test_basic_symbolic_bounds(mode):
    batched_verify_grad(mode, MORE_GRADS, build_more_grad, "symbolic bounds")
    a = T.lscalar("a")
    x = T.dmatrix("x")
    g = T.grad(T.sum(x[a:] * 3), x)
    got = transpile.function([x, a], g)(np.ones((4, 2)), 1)
    np.testing.assert_array_equal(got, [[0, 0], [3, 3], [3, 3], [3, 3]])


def test_advanced_rows_repeated(mode):
    batched_verify_grad(mode, MORE_GRADS, build_more_grad, "rows repeated")
    idx = np.array([0, 2, 2, -1, 0])
    x = T.dvector("x")
    g = T.grad(T.sum(x[idx]), x)
    np.testing.assert_array_equal(transpile.function([x], g)(np.zeros(4)), [2, 0, 2, 1])


ADVANCED_KEYS = [
    (slice(None), np.array([1, 1, 0])),
    (np.array([0, 3, 0]), np.array([[1], [2]])),
    (np.array([1, 2]), slice(None, None, -1), np.array([0, 0])),
    (0, slice(None), np.array([1, 1])),
    (np.array([True, False, True, True]),),
]


@pytest.mark.parametrize("key", ADVANCED_KEYS, ids=lambda k: str(len(k)))
def test_advanced_general(key, mode):
    batched_verify_grad(mode, ADVANCED_KEYS, build_indexing, key)


def test_mask(mode):
    batched_verify_grad(mode, MORE_GRADS, build_more_grad, "mask")


INC_KEYS = [
    (slice(1, 3),), (1, slice(None, None, -1)), np.array([0, 2, 0]), (slice(None), np.array([1, 1])),
    (np.array([0, 1]), np.array([2, 2])),
]
INC_CASES = [(key, set_instead) for key in INC_KEYS for set_instead in (False, True)]


def build_inc_set(case):
    key, set_instead = case
    rng = case_rng()
    value = rng.normal(size=(3, 4))
    region = value[key]
    fn = T.set_subtensor if set_instead else T.inc_subtensor
    has_repeats = isinstance(key, np.ndarray) or any(
        isinstance(k, np.ndarray) and len(np.unique(k)) < len(k) for k in key)
    if set_instead and has_repeats:
        # with repeated indices only the last write reaches the output: check x's gradient only
        yv = rng.normal(size=region.shape)
        return (lambda x: fn(x[key], T.constant(yv))), [value]
    return (lambda x, y: fn(x[key], y)), [value, rng.normal(size=region.shape)]


@pytest.mark.parametrize("key", INC_KEYS, ids=str)
@pytest.mark.parametrize("set_instead", [False, True])
def test_inc_set(key, set_instead, mode):
    batched_verify_grad(mode, INC_CASES, build_inc_set, (key, set_instead))


def test_inc_set_broadcast_y(mode):
    for name in BROADCAST_Y:
        batched_verify_grad(mode, MORE_GRADS, build_more_grad, name)


def test_set_grad_values():
    x, y = T.dvector("x"), T.dscalar("y")
    out = T.set_subtensor(x[1:3], y)
    gx, gy = T.grad(T.sum(out * np.arange(4.0)), [x, y])
    got = transpile.function([x, y], [gx, gy])(np.zeros(4), 0.0)
    np.testing.assert_array_equal(got[0], [0, 0, 0, 3])
    assert got[1] == 3


def test_int_index_inputs_are_not_differentiated(rng):
    x = T.dmatrix("x")
    i = T.lvector("i")
    a = T.lscalar("a")
    cost = T.sum(x[i]) + T.sum(x[a:]) + T.sum(T.inc_subtensor(x[:, i], 1.0))
    g = T.grad(cost, x)
    got = transpile.function([x, i, a], g)(np.zeros((3, 2)), np.array([1, 1]), 2)
    # x[i] takes row 1 twice, x[a:] row 2, the inc_subtensor passes ones everywhere
    np.testing.assert_array_equal(got, [[1, 1], [3, 3], [2, 2]])


def build_float32_grad(name):
    rng = case_rng()
    value = rng.normal(size=(4, 3)).astype("float32")
    if name == "index":
        return (lambda x: x[1:, [0, 2]] * 2), [value]
    return (lambda x, y: T.inc_subtensor(x[::2], y)), [value, rng.normal(size=(2, 3)).astype("float32")]


def test_float32_grads(mode):
    for name in ["index", "inc_subtensor"]:  # a table of their own: float32 tolerances
        batched_verify_grad(mode, ["index", "inc_subtensor"], build_float32_grad, name)
