"""Exercises 01_basics/03_advanced_expressions (basic indexing, n-d indexing, random numbers) of
the tutorial's exercise repository, with `transpile` for `theano`, checked against numpy."""
import numpy as np
import pytest

from transpile import config, function, shared
from transpile import tensor as T


# -- 01_basic_indexing -------------------------------------------------------------------------
def _increment_odd(x):
    """x with its odd-numbered elements incremented by 1."""
    return T.inc_subtensor(x[1::2], 1.0)


def test_increment_odd():
    """01_basic_indexing: inc_subtensor on the slice x[1::2] of a vector, evaluated with eval()."""
    x = T.vector()
    y = _increment_odd(x)
    assert y.type == x.type
    out = y.eval({x: np.zeros((4,), dtype=x.dtype)})
    np.testing.assert_array_equal(out, [0.0, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
def test_increment_odd_lengths(n, rng):
    """01_basic_indexing on odd and even lengths (and empty), random values; the input is left
    untouched."""
    x = T.vector()
    f = function([x], _increment_odd(x))
    xv = rng.normal(size=n)
    keep = xv.copy()
    expected = xv.copy()
    expected[1::2] += 1
    np.testing.assert_array_equal(f(xv), expected)
    np.testing.assert_array_equal(xv, keep)


def test_increment_and_set_slices(rng):
    """01_basic_indexing, more slices: negative steps and set_subtensor, on a matrix too."""
    x = T.matrix()
    xv = rng.normal(size=(5, 6))
    f = function([x], [T.inc_subtensor(x[::-2, 1:], 3.0), T.set_subtensor(x[1:4, ::3], -1.0),
                       T.inc_subtensor(x[2], x[0])])
    inc, st, row = f(xv)
    e_inc = xv.copy()
    e_inc[::-2, 1:] += 3.0
    e_set = xv.copy()
    e_set[1:4, ::3] = -1.0
    e_row = xv.copy()
    e_row[2] += xv[0]
    np.testing.assert_array_equal(inc, e_inc)
    np.testing.assert_array_equal(st, e_set)
    np.testing.assert_array_equal(row, e_row)


# -- 02_nd_indexing ----------------------------------------------------------------------------
def _shrink_tensor(x, w):
    """x without its first and last w elements along every axis (w a symbolic integer)."""
    return x[tuple([slice(w, -w)] * x.ndim)]


def test_shrink_tensor_shared_width(rng):
    """02_nd_indexing: trim the borders of a 3-d tensor with a width held in a shared int."""
    x = T.TensorType(config.floatX, (False, False, False))()
    xv = rng.normal(size=(10, 11, 12)).astype(config.floatX)
    y = _shrink_tensor(x, shared(3)).eval({x: xv})
    assert y.shape == (4, 5, 6)
    for i, j, k in np.ndindex(4, 5, 6):
        assert y[i, j, k] == xv[i + 3, j + 3, k + 3]


def test_shrink_tensor_docstring_examples():
    """02_nd_indexing: the exercise's two examples, [0..4] with w=2 -> [2], and the 3x3 matrix
    with w=1 -> [[5]]."""
    w = T.iscalar()
    v = T.vector()
    m = T.matrix()
    f = function([v, m, w], [_shrink_tensor(v, w), _shrink_tensor(m, w)])
    vout, _ = f(np.arange(5.0), np.zeros((5, 5)), 2)
    np.testing.assert_array_equal(vout, [2.0])
    _, mout = f(np.zeros(3), np.arange(1.0, 10.0).reshape(3, 3), 1)
    np.testing.assert_array_equal(mout, [[5.0]])


def test_shrink_tensor_width_changes(rng):
    """02_nd_indexing: the width is symbolic, so set_value on the shared width changes what the
    same compiled function trims; widths too large for an axis give empty axes, as in numpy."""
    x = T.tensor4()
    w = shared(1)
    f = function([x], _shrink_tensor(x, w))
    xv = rng.normal(size=(4, 5, 6, 7))
    for width in (1, 2, 3):
        w.set_value(width)
        sl = (slice(width, -width),) * 4
        np.testing.assert_array_equal(f(xv), xv[sl])
    assert f(xv).shape == xv[(slice(3, -3),) * 4].shape == (0, 0, 0, 1)


# -- 03_rng ------------------------------------------------------------------------------------
def _bernoulli_samples(p):
    """0/1 samples, each 1 with the probability of the matching element of p."""
    streams = T.random.RandomStreams(42)
    return streams.binomial(p=p, size=p.shape, dtype=p.dtype, n=1)


def test_bernoulli_samples():
    """03_rng: 100 evaluations of Bernoulli samples for p = 0, 0.1, ..., 1 are all 0 or 1 and
    their means are near p. (Theano's exercise uses MRG_RandomStreams; transpile's
    T.random.RandomStreams plays that part: each eval advances the draw's state through its
    default update.)"""
    p = shared(np.arange(11, dtype=config.floatX) / 10.0)
    s = _bernoulli_samples(p).reshape((1, 11))
    samples = np.concatenate([s.eval() for _ in range(100)], axis=0)
    assert samples.shape == (100, 11)
    assert samples.dtype == np.dtype(config.floatX)
    assert np.all((samples == 0) | (samples == 1))
    assert np.abs(samples.mean(axis=0) - p.get_value()).max() < 0.2
    # p = 0 and p = 1 are certain
    assert np.all(samples[:, 0] == 0) and np.all(samples[:, -1] == 1)
    # the state advanced between the evaluations: not every row is the same
    assert any(not np.array_equal(samples[0], row) for row in samples[1:])


def test_bernoulli_samples_compiled_function():
    """03_rng through a compiled function: a large sample matches p closely, calls draw fresh
    samples, and a stream with the same seed gives the same sequence."""
    p = T.vector()
    sample = _bernoulli_samples(p)
    f = function([p], sample)
    pv = np.linspace(0.0, 1.0, 11)
    draws = np.stack([f(pv) for _ in range(2000)])
    assert set(np.unique(draws)) <= {0.0, 1.0}
    # 4 standard errors of a mean of 2000 Bernoulli draws is at most 0.045
    assert np.abs(draws.mean(axis=0) - pv).max() < 0.045
    g = function([p], _bernoulli_samples(p))
    np.testing.assert_array_equal(np.stack([g(pv) for _ in range(5)]), draws[:5])


def test_bernoulli_samples_of_a_matrix():
    """03_rng with a 2-d p: size=p.shape follows p's shape, and the mean per element is near p."""
    pm = T.matrix()
    f = function([pm], _bernoulli_samples(pm))
    pv = np.array([[0.2, 0.8, 0.5], [0.0, 1.0, 0.3]])
    draws = np.stack([f(pv) for _ in range(1000)])
    assert draws.shape == (1000, 2, 3)
    assert np.abs(draws.mean(axis=0) - pv).max() < 0.07
