"""Exercises 01_basics/02_compiling_and_running (function, shared, bug) of the tutorial's exercise
repository, with `transpile` for `theano`."""
from collections import OrderedDict

import numpy as np
import pytest

from transpile import function, shared
from transpile import tensor as T
from transpile.compile import DEBUG_MODE


# -- 01_function -------------------------------------------------------------------------------
def _evaluate(x, y, expr, x_value, y_value):
    """The value of `expr` with x_value substituted for x and y_value for y."""
    return function([x, y], expr)(x_value, y_value)


def test_evaluate_integer_sum():
    """01_function: compile x + y for two int32 scalars and call it with Python ints."""
    x = T.iscalar()
    y = T.iscalar()
    out = _evaluate(x, y, x + y, 1, 2)
    assert out == 3
    assert out.shape == () and out.dtype == np.int32


def test_evaluate_other_expressions(rng):
    """01_function with other expressions and types: vectors, a matrix, a mixed-dtype product."""
    x = T.vector()
    y = T.matrix()
    xv = rng.normal(size=3)
    yv = rng.normal(size=(2, 3))
    np.testing.assert_allclose(_evaluate(x, y, T.dot(y, x) + 1, xv, yv), yv @ xv + 1, rtol=1e-12)
    np.testing.assert_allclose(_evaluate(x, y, (y * x).sum(axis=0), xv, yv), (yv * xv).sum(axis=0),
                               rtol=1e-12)
    i = T.iscalar()
    s = T.fscalar()
    out = _evaluate(i, s, i * s, 3, np.float32(0.5))
    assert out == 1.5 and out.dtype == np.float64  # int32 * float32 -> float64, as in numpy


def test_evaluate_rejects_bad_values():
    """01_function: an int32 input does not silently take a float (Theano refuses the downcast)."""
    x = T.iscalar()
    y = T.iscalar()
    f = function([x, y], x + y)
    with pytest.raises(TypeError):
        f(1.5, 2)
    with pytest.raises(TypeError):
        f(1)


# -- 02_shared ---------------------------------------------------------------------------------
def _make_shared(shape):
    return shared(np.zeros(shape))


def _exchange_shared(a, b):
    """Swap the values of two shared variables with get_value / set_value."""
    tmp = a.get_value()
    a.set_value(b.get_value())
    b.set_value(tmp)


def _make_exchange_func(a, b):
    """A function of no input and no output whose updates swap a and b."""
    updates = OrderedDict()
    updates[a] = b
    updates[b] = a
    return function([], updates=updates)


def test_shared_exchange():
    """02_shared: make shared tensors of a given shape, swap their values by hand, then with a
    compiled function whose updates swap them (updates all read the values before the call);
    the function returns an empty list."""
    a = _make_shared((5, 4, 3))
    assert a.get_value().shape == (5, 4, 3)
    b = _make_shared((5, 4, 3))
    assert b.get_value().shape == (5, 4, 3)
    a.set_value(np.zeros((5, 4, 3), dtype=a.dtype))
    b.set_value(np.ones((5, 4, 3), dtype=b.dtype))
    _exchange_shared(a, b)
    assert np.all(a.get_value() == 1.0)
    assert np.all(b.get_value() == 0.0)
    f = _make_exchange_func(a, b)
    rval = f()
    assert isinstance(rval, list) and len(rval) == 0
    assert np.all(a.get_value() == 0.0)
    assert np.all(b.get_value() == 1.0)
    # and back again
    assert f() == []
    assert np.all(a.get_value() == 1.0)
    assert np.all(b.get_value() == 0.0)


def test_shared_exchange_distinct_values(rng):
    """02_shared with random values (not just 0 and 1), checking that every element moves and
    that get_value hands out copies the swap does not disturb."""
    av = rng.normal(size=(5, 4, 3))
    bv = rng.normal(size=(5, 4, 3))
    a = shared(av.copy(), name="a")
    b = shared(bv.copy(), name="b")
    before = a.get_value()
    f = _make_exchange_func(a, b)
    for k in range(3):
        f()
        first, second = (bv, av) if k % 2 == 0 else (av, bv)
        np.testing.assert_array_equal(a.get_value(), first)
        np.testing.assert_array_equal(b.get_value(), second)
    np.testing.assert_array_equal(before, av)


def test_shared_exchange_with_expression(rng):
    """02_shared, variation: the updates may be expressions of the old values, all evaluated
    before any shared variable changes."""
    a = shared(rng.normal(size=4))
    b = shared(rng.normal(size=4))
    av, bv = a.get_value(), b.get_value()
    f = function([], updates=[(a, b * 2), (b, a + b)])
    assert f() == []
    np.testing.assert_allclose(a.get_value(), bv * 2, rtol=1e-12)
    np.testing.assert_allclose(b.get_value(), av + bv, rtol=1e-12)


# -- 03_bug ------------------------------------------------------------------------------------
def _bug_function(mode=None):
    """x + zeros_like(y): the sum is only defined when x and y have the same length."""
    x = T.vector()
    y = T.vector()
    return function([x, y], x + T.zeros_like(y), mode=mode)


def test_bug_shape_check_depends_on_mode(mode):
    """03_bug: x + zeros_like(y) with len(x)=1, len(y)=2 should be a shape error. FAST_COMPILE
    keeps the reference semantics and raises; FAST_RUN rewrites x + zeros_like(y) -> x, which
    drops the check and returns x (transpile documents this: the seed's "optimizations discard
    error checking")."""
    f = _bug_function()
    xv = np.zeros((1,))
    yv = np.zeros((2,))
    if mode == "FAST_COMPILE":
        with pytest.raises(ValueError, match=r"\(1,\).*\(2,\)"):
            f(xv, yv)
        assert any("add" in str(node.op) for node in f.maker.fgraph.apply_nodes)
    else:
        np.testing.assert_array_equal(f(xv, yv), xv)
        assert not any("add" in str(node.op) for node in f.maker.fgraph.apply_nodes)


def test_bug_caught_by_debug_mode():
    """03_bug: DEBUG_MODE runs the unoptimized graph too, so it catches the bad shapes whatever
    the rewrites do."""
    for debug in (DEBUG_MODE, "DEBUG_MODE"):
        f = _bug_function(mode=debug)
        with pytest.raises(ValueError, match=r"(?s)add.*\(1,\).*\(2,\)"):
            f(np.zeros((1,)), np.zeros((2,)))


def test_bug_good_shapes_agree_in_every_mode(rng):
    """03_bug: with matching lengths every mode computes x."""
    xv = rng.normal(size=4)
    yv = rng.normal(size=4)
    for m in (None, "FAST_COMPILE", "FAST_RUN", "DEBUG_MODE"):
        np.testing.assert_array_equal(_bug_function(mode=m)(xv, yv), xv)
