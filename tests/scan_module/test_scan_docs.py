"""Theano's scan documentation examples, checked against numpy loops in every mode (one compiled
function per case, so FAST_RUN builds few libraries)."""
import numpy as np

import transpile
import transpile.tensor as T
from transpile.scan_module import Scan


def test_power_by_repeated_multiplication(rng):
    """A**k: the whole sequence of powers, and only the last one (`result[-1]`)."""
    k, A = T.iscalar("k"), T.vector("A")
    result, updates = transpile.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
                                     non_sequences=A, n_steps=k)
    assert len(updates) == 0
    f = transpile.function([A, k], [result, result[-1]], updates=updates)
    a = rng.uniform(-2, 2, size=5)
    for steps in (1, 4):
        powers, last = f(a, steps)
        np.testing.assert_allclose(powers, np.stack([a ** (j + 1) for j in range(steps)]))
        np.testing.assert_allclose(last, a ** steps)


def test_power_keeps_only_the_last_value(mode, rng):
    """Only `result[-1]` is used: FAST_RUN's loop keeps no per-step history (Theano's memory saving)."""
    k, A = T.iscalar("k"), T.vector("A")
    result, updates = transpile.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
                                     non_sequences=A, n_steps=k)
    f = transpile.function([A, k], result[-1], updates=updates)
    a = rng.uniform(-2, 2, size=5)
    for steps in (1, 6):
        np.testing.assert_allclose(f(a, steps), a ** steps)
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    assert node.op.last_only == (("last_step",) if mode == "FAST_RUN" else (None,))


def test_polynomial_from_coefficients(rng):
    """Sequences (coefficients and their powers via arange), a non-sequence, nit-sot output."""
    coefficients, x = T.vector("coefficients"), T.scalar("x")
    components, _ = transpile.scan(lambda c, power, x: c * (x ** power), outputs_info=None,
                                   sequences=[coefficients, T.arange(1000)], non_sequences=x)
    polynomial = components.sum()
    f = transpile.function([coefficients, x], [polynomial, components])
    coef = rng.uniform(-1, 1, size=6)
    value, comps = f(coef, 1.5)
    np.testing.assert_allclose(comps, coef * 1.5 ** np.arange(6))
    np.testing.assert_allclose(value, np.polyval(coef[::-1], 1.5))


def test_fibonacci_with_two_taps():
    """taps [-2, -1]: initial[0] is tap -2, initial[1] tap -1 at the first step."""
    n = T.iscalar("n")
    init = T.lvector("init")
    fib, _ = transpile.scan(lambda a, b: a + b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=n)
    f = transpile.function([init, n], fib)
    expected = [1, 1]
    for _ in range(10):
        expected.append(expected[-2] + expected[-1])
    np.testing.assert_array_equal(f(np.array([1, 1]), 10), expected[2:])
    assert f(np.array([1, 1]), 10).dtype == np.int64


def test_until_powers_of_two():
    """A while loop: outputs have as many entries as steps ran, the stopping step included."""
    max_value = T.scalar("max_value")

    def power_of_2(previous, max_value):
        return previous * 2, transpile.until(previous * 2 > max_value)

    values, _ = transpile.scan(power_of_2, outputs_info=T.constant(1.0), non_sequences=max_value, n_steps=1024)
    f = transpile.function([max_value], values)
    np.testing.assert_allclose(f(45.0), [2, 4, 8, 16, 32, 64])
    np.testing.assert_allclose(f(0.5), [2])
    # more steps than the initial buffer capacity (it grows), and the n_steps bound is honoured
    np.testing.assert_allclose(f(1e9), 2.0 ** np.arange(1, 31))


def test_until_bounded_by_n_steps():
    x = T.scalar("x")
    values, _ = transpile.scan(lambda p: (p + 1, transpile.scan_module.until(p > 100)), outputs_info=x, n_steps=5)
    np.testing.assert_allclose(transpile.function([x], values)(0.0), [1, 2, 3, 4, 5])


def test_jacobian_by_scan(rng):
    x = T.vector("x")
    y = x ** 2 + T.sum(x)
    J, _ = transpile.scan(lambda i, y, x: T.grad(y[i], x), sequences=T.arange(y.shape[0]), non_sequences=[y, x])
    v = rng.uniform(-1, 1, size=4)
    np.testing.assert_allclose(transpile.function([x], J)(v), np.diag(2 * v) + 1)


def test_shared_counter_updated_inside_the_step(mode):
    """The step returns (outputs, updates); the final value becomes the function's update."""
    counter = transpile.shared(np.int64(0), name="counter")
    x = T.vector("x")
    doubled, updates = transpile.scan(lambda xt: (xt * 2, {counter: counter + 1}), sequences=x)
    assert list(updates) == [counter]
    f = transpile.function([x], doubled, updates=updates)
    np.testing.assert_allclose(f(np.arange(4.0)), np.arange(4.0) * 2)
    assert counter.get_value() == 4
    f(np.arange(3.0))
    assert counter.get_value() == 7
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    assert node.op.last_only == (("tail",) if mode == "FAST_RUN" else (None,))  # only the final count is kept


def test_shared_variable_read_inside_is_an_implicit_non_sequence(rng):
    W = transpile.shared(rng.uniform(-1, 1, size=(3, 3)), name="W")
    x = T.matrix("x")
    out, updates = transpile.scan(lambda xt: T.dot(xt, W), sequences=x)
    assert len(updates) == 0
    assert isinstance(out.owner.op, Scan) and any(v is W for v in out.owner.inputs)
    f = transpile.function([x], out)
    xv = rng.uniform(-1, 1, size=(4, 3))
    np.testing.assert_allclose(f(xv), xv @ W.get_value())
    W.set_value(np.eye(3))
    np.testing.assert_allclose(f(xv), xv)


def test_random_draws_inside_a_step():
    """Fresh numbers each step; the stream's state advances through the returned updates."""
    from transpile.tensor.random import distributions, philox
    srng = T.random.RandomStreams(seed=7)
    h0 = T.vector("h0")
    hs, updates = transpile.scan(lambda h: h + srng.uniform(size=(3,)), outputs_info=h0, n_steps=4)
    (state,) = list(updates)
    f = transpile.function([h0], hs, updates=updates)
    key, counter = (int(v) for v in state.get_value())
    draws = np.stack([distributions.uniform((3,), "float64", key, counter + t) for t in range(4)])
    np.testing.assert_allclose(f(np.zeros(3)), np.cumsum(draws, axis=0))
    assert int(state.get_value()[1]) == (counter + 4) & philox.MASK64
    more = np.stack([distributions.uniform((3,), "float64", key, counter + 4 + t) for t in range(4)])
    np.testing.assert_allclose(f(np.zeros(3)), np.cumsum(more, axis=0))


def test_random_draws_without_passing_the_updates():
    """Without scan's updates the stream's state does not advance (as in Theano): the same
    numbers at every call; the draw inside the step is not pulled into the outer graph."""
    srng = T.random.RandomStreams(seed=11)
    x = T.matrix("x")
    noisy, updates = transpile.scan(lambda xt: xt + srng.uniform(size=xt.shape), sequences=x)
    (state,) = list(updates)
    before = state.get_value()
    f = transpile.function([x], noisy)
    first = f(np.zeros((3, 2)))
    assert len({tuple(row) for row in first}) == 3  # a fresh draw per step
    np.testing.assert_array_equal(f(np.zeros((3, 2))), first)
    np.testing.assert_array_equal(state.get_value(), before)


def test_sequence_taps_and_go_backwards(rng):
    """taps [-1, 0, 1] read neighbours; go_backwards reads the sequence from its end."""
    x = T.vector("x")
    centred, _ = transpile.scan(lambda a, b, c: a - 2 * b + c, sequences=dict(input=x, taps=[-1, 0, 1]))
    backwards, _ = transpile.scan(lambda xt, acc: acc * 10 + xt, sequences=x, outputs_info=T.constant(0.0),
                                  go_backwards=True)
    f = transpile.function([x], [centred, backwards])
    v = np.array([1.0, 4.0, 2.0, 8.0, 5.0])
    c, b = f(v)
    np.testing.assert_allclose(c, v[:-2] - 2 * v[1:-1] + v[2:])
    np.testing.assert_allclose(b, [5, 58, 582, 5824, 58241])


def test_symbolic_n_steps_with_sequences(rng):
    """n_steps shorter than the sequence; several outputs, one not fed back."""
    x, n = T.vector("x"), T.lscalar("n")
    (acc, sq), _ = transpile.scan(lambda xt, a: (a + xt, xt ** 2), sequences=x,
                                  outputs_info=[T.constant(0.0), None], n_steps=n)
    f = transpile.function([x, n], [acc, sq])
    v = rng.uniform(-1, 1, size=6)
    a, s = f(v, 4)
    np.testing.assert_allclose(a, np.cumsum(v[:4]))
    np.testing.assert_allclose(s, v[:4] ** 2)
    a, s = f(v, 0)
    assert a.shape == (0,) and s.shape == (0,)


def test_map_reduce_foldl_foldr(rng):
    x = T.vector("x")
    squares, _ = transpile.map(lambda v: v * v, sequences=x)
    total, _ = transpile.reduce(lambda v, acc: acc + v, sequences=x, outputs_info=T.constant(0.0))
    left, _ = transpile.foldl(lambda v, acc: acc * 2 + v, sequences=x, outputs_info=T.constant(0.0))
    right, _ = transpile.foldr(lambda v, acc: acc * 2 + v, sequences=x, outputs_info=T.constant(0.0))
    f = transpile.function([x], [squares, total, left, right])
    v = np.array([1.0, 2.0, 3.0])
    s, t, lft, rgt = f(v)
    np.testing.assert_allclose(s, v ** 2)
    np.testing.assert_allclose(t, 6.0)
    np.testing.assert_allclose(lft, ((0 * 2 + 1) * 2 + 2) * 2 + 3)
    np.testing.assert_allclose(rgt, ((0 * 2 + 3) * 2 + 2) * 2 + 1)


def test_float32_matrix_state(rng):
    """A matrix state in float32 with a closure over a matrix."""
    M = T.fmatrix("M")
    S0 = T.fmatrix("S0")
    out, _ = transpile.scan(lambda s: T.dot(s, M) * np.float32(0.5), outputs_info=S0, n_steps=3)
    f = transpile.function([M, S0], out)
    m = rng.uniform(-1, 1, size=(2, 2)).astype("float32")
    s0 = rng.uniform(-1, 1, size=(3, 2)).astype("float32")
    got = f(m, s0)
    assert got.dtype == np.float32 and got.shape == (3, 3, 2)
    expected, s = [], s0
    for _ in range(3):
        s = (s @ m) * np.float32(0.5)
        expected.append(s)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
