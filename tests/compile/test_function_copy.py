"""Function.copy(share_memory, swap, delete_updates): Theano's semantics."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import In, function, shared


def test_copy_swap_delete_updates_share_memory(rng):
    x = T.vector("x")
    w, b = shared(np.ones(3), "w"), shared(0.5, "b")
    w2 = shared(np.full(3, 2.0), "w2")
    step = function([x], T.dot(w, x) + b, updates={w: w + x}, name="step")
    a = rng.standard_normal(3)

    swapped = step.copy(swap={w: w2})
    np.testing.assert_allclose(swapped(a), 2 * a.sum() + 0.5)
    np.testing.assert_allclose(w2.get_value(), 2.0 + a)  # the swapped variable is updated
    np.testing.assert_allclose(w.get_value(), np.ones(3))  # the original is not
    assert swapped.name == "step copy"

    frozen = step.copy(delete_updates=True, name="frozen")
    np.testing.assert_allclose(frozen(a), a.sum() + 0.5)
    np.testing.assert_allclose(w.get_value(), np.ones(3))
    assert frozen.name == "frozen"

    shared_copy = step.copy(share_memory=True)
    assert shared_copy.executor is step.executor
    np.testing.assert_allclose(shared_copy(a), a.sum() + 0.5)
    np.testing.assert_allclose(w.get_value(), 1.0 + a)  # same shared variables, updated
    np.testing.assert_allclose(step(a), (1.0 + a) @ a + 0.5)
    np.testing.assert_allclose(w.get_value(), 1.0 + 2 * a)
    assert type(step.copy()) is type(step)


def test_copy_keeps_defaults_in_own_containers():
    s = T.scalar("s")
    f = function([In(s, value=0.0, update=s + 1.0)], s * 2.0)
    f()
    g = f.copy()
    assert g["s"] == 1.0
    g(), g()
    assert g["s"] == 3.0 and f["s"] == 1.0
    h = f.copy(delete_updates=True)
    assert h() == 2.0 and h["s"] == 1.0


def test_copy_swap_errors():
    x = T.scalar("x")
    w = shared(1.0, "w")
    f = function([x], x * w)
    with pytest.raises(ValueError, match="not a shared variable used by this function"):
        f.copy(swap={shared(2.0): shared(3.0)})
    with pytest.raises(TypeError, match="has type"):
        f.copy(swap={w: shared(np.ones(2))})
    with pytest.raises(TypeError, match="must be a shared variable"):
        f.copy(swap={w: 3.0})
    with pytest.raises(TypeError, match="must be a dict"):
        f.copy(swap=[(w, w)])


def test_copy_of_a_profiled_function_is_profiled():
    x = T.scalar("x")
    f = function([x], x * 2.0, profile=True)
    g, h = f.copy(), f.copy(share_memory=True)
    g(1.0), g(2.0), h(3.0)
    assert g.profile is not f.profile and g.profile.call_count == 2
    assert h.profile is f.profile and f.profile.call_count == 1
    assert function([x], x * 2.0).copy().profile is None
