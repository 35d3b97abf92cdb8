"""The seed's "Compiling and running expressions" slides, with `transpile` for `theano`."""
import os
import subprocess
import sys

import numpy as np
import pytest

import transpile
from transpile import config, function, shared
from transpile import tensor as T
from transpile.compat.python2x import OrderedDict  # as the slide imports it


def test_theano_function():
    x = T.scalar()
    y = T.scalar()
    # first arg is list of SYMBOLIC inputs, second arg is SYMBOLIC output
    f = function([x, y], x + y)
    # Call it with NUMERICAL values, get a NUMERICAL output
    out = f(1., 2.)
    assert isinstance(out, np.ndarray)
    assert out.shape == () and out.dtype == np.float64
    assert repr(out) == "array(3.)"


def test_shared_variable_example():
    x = shared(0.)
    updates = OrderedDict()
    updates[x] = x + 1
    f = function([], updates=updates)
    assert f() == []
    assert x.get_value() == 1.0
    x.set_value(100.)
    assert f() == []
    assert x.get_value() == 101.0


@pytest.mark.parametrize("kind", ["OrderedDict", "list", "dict"])
def test_which_dict(kind):
    """Updates may be an OrderedDict, a list of pairs, or a dict (insertion-ordered since
    Python 3.7, so it is deterministic too)."""
    a, b = shared(1.0, name="a"), shared(2.0, name="b")
    pairs = [(a, a + b), (b, a * b)]
    updates = {"OrderedDict": OrderedDict(pairs), "list": pairs, "dict": dict(pairs)}[kind]
    f = function([], updates=updates)
    f()
    # both updates see the values from before the call
    assert (a.get_value(), b.get_value()) == (3.0, 2.0)


def test_shared_get_value_is_a_copy():
    s = shared(np.arange(3.0))
    v = s.get_value()
    v[0] = 99
    assert s.get_value()[0] == 0


@pytest.mark.single_mode
@pytest.mark.parametrize("name", ["FAST_RUN", "FAST_COMPILE"])
def test_compilation_modes(name, rng):
    x = T.vector()
    f = function([x], T.exp(x) * 2, mode=name)
    xv = rng.normal(size=4)
    np.testing.assert_allclose(f(xv), np.exp(xv) * 2)
    assert str(f.maker.mode) == name


@pytest.mark.single_mode
def test_example_preset_compilation_modes_from_flags():
    """Presets can be chosen with the environment variable TRANSPILE_FLAGS."""
    code = ("import transpile; print(transpile.config.mode, transpile.config.floatX); "
            "import transpile.tensor as T; print(T.scalar().dtype)")
    env = dict(os.environ, TRANSPILE_FLAGS="mode=FAST_COMPILE,floatX=float32")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["FAST_COMPILE", "float32", "float32"]
    bad = dict(os.environ, TRANSPILE_FLAGS="mode=FAST_WALK")
    res = subprocess.run([sys.executable, "-c", "import transpile"], env=bad, capture_output=True, text=True)
    assert res.returncode != 0 and "FAST_WALK" in res.stderr
    bad = dict(os.environ, TRANSPILE_FLAGS="flaotX=float32")
    res = subprocess.run([sys.executable, "-c", "import transpile"], env=bad, capture_output=True, text=True)
    assert res.returncode != 0 and "flaotX" in res.stderr


def test_compilation_for_gpu_floatx(rng):
    """GPU aside: T.fscalar/fvector/fmatrix are 32 bit; T.scalar/vector/matrix follow floatX."""
    assert T.fscalar().dtype == T.fvector().dtype == T.fmatrix().dtype == "float32"
    assert T.scalar().dtype == "float64"
    with config.change_flags(floatX="float32"):
        x = T.matrix()
        assert x.dtype == "float32"
        f = function([x], x * 2.5 + 1)
        out = f(rng.normal(size=(2, 2)).astype("float32"))
        assert out.dtype == np.float32


def test_optimizations_faster(rng):
    """(x+y)+(x+y): the rewritten graph computes the same values."""
    x, y = T.vector(), T.vector()
    f = function([x, y], (x + y) + (x + y))
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(f(xv, yv), 2 * (xv + yv))


def test_optimizations_more_stable(rng):
    """exp(a)/exp(a).sum() computes a softmax."""
    a = T.vector()
    f = function([a], T.exp(a) / T.exp(a).sum())
    av = rng.normal(size=5)
    np.testing.assert_allclose(f(av), np.exp(av) / np.exp(av).sum())


def test_optimizations_discard_error_checking(mode):
    x = T.scalar()
    f = function([x], x / x)
    if mode == "FAST_RUN":
        # the rewrite x/x -> 1 drops the division by zero
        assert f(0.) == 1.0
        assert repr(f(0.)) == "array(1.)"
    else:
        # FAST_COMPILE keeps the reference semantics
        with np.errstate(invalid="ignore"):
            assert np.isnan(f(0.))
