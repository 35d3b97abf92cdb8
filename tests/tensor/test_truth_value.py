"""Truth value and iteration of symbolic variables, as in Theano: every variable is true except
a comparison's result (so `a < b < c` fails loudly), and a variable whose first dimension has a
length known while building the graph can be unpacked."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T


def test_variables_are_true_but_comparisons_refuse_bool():
    x, y = T.scalar("x"), T.scalar("y")
    w = None
    if not w:
        w = transpile.shared(np.zeros(2), "w")
    assert bool(w) and bool(x) and bool(x + y) and bool(T.constant(0.0)) and bool(T.matrix())
    for cmp in (x < y, x <= y, x > y, x >= y, T.eq(x, y), T.neq(x, y), T.lt(x, 1)):
        with pytest.raises(TypeError, match="result of a comparison"):
            bool(cmp)
    with pytest.raises(TypeError, match="chained comparisons"):
        x < y < x  # noqa: B015
    # the symbolic alternative still works
    f = transpile.function([x, y], T.and_(x < y, y < 3.0))
    assert f(1.0, 2.0) and not f(1.0, 4.0)


def test_unpacking_static_length(rng):
    x, y = T.scalar("x"), T.scalar("y")
    a, b = T.stack([x, y])
    m = T.matrix("m")
    r0, r1, r2 = T.stack([m, m * 2, m * 3])
    (c,) = T.vector("v").dimshuffle("x", 0)
    s0, s1, s2 = T.constant(np.arange(3.0))
    f = transpile.function([x, y, m], [b - a, r2 - r0, r1, s2 + s0])
    mv = rng.standard_normal((2, 3))
    d, e, g, h = f(1.0, 5.0, mv)
    assert d == 4.0 and h == 2.0
    np.testing.assert_allclose(e, 2 * mv)
    np.testing.assert_allclose(g, 2 * mv)
    assert c.ndim == 1
    assert len(list(m.shape)) == 2


def test_iteration_of_unknown_length_is_a_clear_error():
    for var in (T.vector("v"), T.matrix("m"), T.join(0, T.matrix(), T.matrix())):
        with pytest.raises(TypeError, match="cannot be iterated"):
            list(var)
    with pytest.raises(TypeError, match="cannot be iterated"):
        sum(T.vector("v"))
    with pytest.raises(TypeError, match="cannot be iterated"):
        iter(T.scalar("s"))
