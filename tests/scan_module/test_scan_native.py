"""Scan lowered into the generated C++ (FAST_RUN): the loop and its step are code of the graph's
own library, so a function with scans is ONE native library (no host-only node, no library of
the step's own); the errors are those of the reference loop (`Scan.perform`); a step holding a
host-only op keeps that scan on the host; the generated source is deterministic."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.compile.native import NativeExecutor, SegmentedExecutor
from transpile.emit import lower
from transpile.emit.registry import is_host_only
from transpile.emit.render import render
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scan_module import Scan
from transpile.tensor.random import distributions


def _scans(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _assert_native(f, n_scans):
    """One library, every scan lowered (none host-only, none with a compiled step of its own)."""
    assert isinstance(f.executor, NativeExecutor)
    nodes = f.maker.fgraph.toposort()
    assert not any(is_host_only(n.op) for n in nodes)
    scans = _scans(f)
    assert len(scans) == n_scans
    assert all(not n.op.step_function._executors for n in scans)


@pytest.mark.single_mode
def test_doc_examples_run_natively(rng):
    """Power (whole and last value), polynomial (nit-sot), Fibonacci (taps [-2, -1]), until,
    random draws in a step (the stream's update), jacobian by scan: one library."""
    k, A = T.iscalar("k"), T.vector("A")
    power, _ = transpile.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A), non_sequences=A, n_steps=k)
    coefficients, x = T.vector("coefficients"), T.scalar("x")
    components, _ = transpile.scan(lambda c, p, x: c * (x ** p), sequences=[coefficients, T.arange(1000)],
                                   non_sequences=x)
    init, n = T.lvector("init"), T.iscalar("n")
    fib, _ = transpile.scan(lambda a, b: a + b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=n)
    top = T.scalar("top")
    doubling, _ = transpile.scan(lambda p, top: (p * 2, transpile.until(p * 2 > top)), outputs_info=T.constant(1.0),
                                 non_sequences=top, n_steps=1024)
    srng = T.random.RandomStreams(seed=7)
    h0 = T.vector("h0")
    noisy, updates = transpile.scan(lambda h: h + srng.uniform(size=(3,)), outputs_info=h0, n_steps=4)
    (state,) = list(updates)
    y = A ** 2 + T.sum(A)
    J, _ = transpile.scan(lambda i, y, A: T.grad(y[i], A), sequences=T.arange(y.shape[0]), non_sequences=[y, A])
    f = transpile.function([A, k, coefficients, x, init, n, top, h0],
                           [power, power[-1], components.sum(), components, fib, doubling, noisy, J],
                           updates=updates, mode="FAST_RUN")
    _assert_native(f, 6)
    a, coef = rng.uniform(-2, 2, size=5), rng.uniform(-1, 1, size=6)
    key, counter = (int(v) for v in state.get_value())
    got = f(a, 4, coef, 1.5, np.array([1, 1]), 10, 45.0, np.zeros(3))
    np.testing.assert_allclose(got[0], np.stack([a ** (j + 1) for j in range(4)]))
    np.testing.assert_allclose(got[1], a ** 4)
    np.testing.assert_allclose(got[2], np.polyval(coef[::-1], 1.5))
    np.testing.assert_allclose(got[3], coef * 1.5 ** np.arange(6))
    fibs = [1, 1]
    for _ in range(10):
        fibs.append(fibs[-2] + fibs[-1])
    np.testing.assert_array_equal(got[4], fibs[2:])
    assert got[4].dtype == np.int64
    np.testing.assert_allclose(got[5], [2, 4, 8, 16, 32, 64])
    draws = np.stack([distributions.uniform((3,), "float64", key, counter + t) for t in range(4)])
    np.testing.assert_allclose(got[6], np.cumsum(draws, axis=0))
    assert int(state.get_value()[1]) == counter + 4
    np.testing.assert_allclose(got[7], np.diag(2 * a) + 1)
    # the while loop grows its storage (more than 16 steps), n_steps 0 and 1
    got = f(a, 1, coef[:0], 1.5, np.array([2, 3]), 0, 1e9, np.zeros(3))
    np.testing.assert_allclose(got[0], a[None])
    assert got[3].shape == (0,) and got[4].shape == (0,)
    np.testing.assert_allclose(got[5], 2.0 ** np.arange(1, 31))


@pytest.mark.single_mode
def test_tanh_rnn_and_its_gradient_run_natively(rng):
    """Forward and backward loops (the gradient is a scan too) in one library, against numpy BPTT."""
    x, W, h0 = T.matrix("x"), T.matrix("W"), T.vector("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0)
    cost = T.sum(h ** 2)
    gW, gx, gh0 = T.grad(cost, [W, x, h0])
    f = transpile.function([x, W, h0], [h, gW, gx, gh0], mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor) and len(_scans(f)) >= 2
    assert not any(is_host_only(n.op) for n in f.maker.fgraph.toposort())
    xv, Wv, h0v = rng.uniform(-1, 1, size=(6, 4)), rng.uniform(-0.8, 0.8, size=(4, 4)), rng.uniform(-1, 1, size=4)
    hs = [h0v]
    for t in range(6):
        hs.append(np.tanh(hs[-1] @ Wv + xv[t]))
    dW, dx, dh = np.zeros_like(Wv), np.zeros_like(xv), np.zeros(4)
    for t in reversed(range(6)):
        dh = dh + 2 * hs[t + 1]
        da = dh * (1 - hs[t + 1] ** 2)
        dW += np.outer(hs[t], da)
        dx[t] = da
        dh = da @ Wv.T
    got = f(xv, Wv, h0v)
    np.testing.assert_allclose(got[0], np.stack(hs[1:]), rtol=1e-12)
    for g, w in zip(got[1:], [dW, dx, dh]):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.single_mode
def test_the_gradient_of_a_while_loop_runs_natively():
    """Backpropagated through the steps run (read from the forward outputs' length)."""
    x0, w = T.vector("x0"), T.scalar("w")
    hs, _ = transpile.scan(lambda p, w: (p * w + 1.0, transpile.until(T.sum(p * w + 1.0) > 20.0)), outputs_info=x0,
                           non_sequences=w, n_steps=100)
    f = transpile.function([x0, w], [hs, *T.grad(T.sum(hs), [x0, w])], mode="FAST_RUN")
    _assert_native(f, 2)
    hs_v, g_x0, g_w = f(np.array([1.0, 2.0]), 1.5)
    values = [np.array([1.0, 2.0])]
    while len(values) < 101:
        values.append(values[-1] * 1.5 + 1.0)
        if values[-1].sum() > 20.0:
            break
    steps = len(values) - 1
    np.testing.assert_allclose(hs_v, np.stack(values[1:]))
    # d sum(hs) / d h[t] = 1 + 1.5 + ... + 1.5^(steps - 1 - t); h[t] = 1.5 h[t-1] + 1
    later = [sum(1.5 ** j for j in range(steps - t)) for t in range(steps)]
    np.testing.assert_allclose(g_x0, np.full(2, 1.5 * later[0]), rtol=1e-12)
    np.testing.assert_allclose(g_w, sum(later[t] * values[t].sum() for t in range(steps)), rtol=1e-12)


@pytest.mark.single_mode
def test_nested_scan_and_matrix_states(rng):
    """A scan inside a step (its own inner function, called from the outer step's), a matrix
    state in float32, a sequence read backwards, a ring buffer (only the last value used)."""
    X = T.matrix("X")
    rows, _ = transpile.scan(lambda row: transpile.scan(lambda v, acc: acc + v, sequences=row,
                                                        outputs_info=T.constant(0.0))[0], sequences=X)
    M, S0 = T.fmatrix("M"), T.fmatrix("S0")
    states, _ = transpile.scan(lambda s: T.dot(s, M) * np.float32(0.5), outputs_info=S0, n_steps=3)
    v = T.vector("v")
    back, _ = transpile.scan(lambda vt, acc: acc * 10 + vt, sequences=v, outputs_info=T.constant(0.0),
                             go_backwards=True)
    f = transpile.function([X, M, S0, v], [rows, states, back[-1]], mode="FAST_RUN")
    _assert_native(f, 3)
    Xv = rng.uniform(-1, 1, size=(3, 4))
    m, s0 = rng.uniform(-1, 1, size=(2, 2)).astype("float32"), rng.uniform(-1, 1, size=(3, 2)).astype("float32")
    got = f(Xv, m, s0, np.array([1.0, 4.0, 2.0]))
    np.testing.assert_allclose(got[0], np.cumsum(Xv, axis=1), rtol=1e-12)
    want, s = [], s0
    for _ in range(3):
        s = (s @ m) * np.float32(0.5)
        want.append(s)
    assert got[1].dtype == np.float32
    np.testing.assert_allclose(got[1], want, rtol=1e-5)
    np.testing.assert_allclose(got[2], 241.0)


def test_initial_state_of_the_wrong_length_names_the_output(mode):
    init = T.vector("init")
    fib, _ = transpile.scan(lambda a, b: a + b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=3)
    f = transpile.function([init], fib)
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [3, 5, 8])
    with pytest.raises(ValueError, match=r"Scan\{scan_fn\}: the initial state of output 0 has 1 entries, "
                                         r"taps \[-2, -1\] need 2"):
        f(np.array([1.0]))


def test_a_nit_sot_output_that_changes_shape_names_the_step(mode):
    """Step t returns t + 1 values: step 1 differs from step 0."""
    i = T.lvector("i")
    out, _ = transpile.scan(lambda it: T.arange(it + 1) * 1.0, sequences=i)
    f = transpile.function([i], out)
    np.testing.assert_allclose(f(np.array([2, 2])), [[0, 1, 2], [0, 1, 2]])
    with pytest.raises(ValueError, match=r"output 0 of the step function has shape \(2,\) at scan step 1 of 3, "
                                         r"but step 0 gave shape \(1,\); every step must return the same shape"):
        f(np.array([0, 1, 2]))


def test_a_failing_step_of_a_while_loop_names_the_step(mode):
    """Step 2 reads past the end of v; the loop would stop later."""
    v = T.vector("v")
    out, _ = transpile.scan(lambda i, acc, v: (acc + v[i], transpile.until(acc > 100)), sequences=T.arange(5),
                            outputs_info=T.constant(0.0), non_sequences=v)
    f = transpile.function([v], out)
    np.testing.assert_allclose(f(np.arange(5.0)), [0, 1, 3, 6, 10])
    with pytest.raises((IndexError, ValueError), match=r"at scan step 2 of at most 5"):
        f(np.arange(2.0))


@pytest.mark.single_mode
def test_errors_inside_the_native_step_name_both_nodes():
    v, idx = T.vector("v"), T.lvector("idx")
    out, _ = transpile.scan(lambda i, v: v[i] * 2, sequences=idx, non_sequences=v)
    f = transpile.function([v, idx], out, mode="FAST_RUN")
    _assert_native(f, 1)
    with pytest.raises((IndexError, ValueError)) as info:
        f(np.arange(3.0), np.arange(5))
    message = str(info.value)
    assert "in the inner graph of node: node " in message and "Scan{scan_fn}" in message
    assert message.index("in the inner graph of node") < message.index("at scan step 3 of 5")


class Twice(Op):
    """x * 2 computed in Python (a user op: host-only)."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0] * 2)


@pytest.mark.single_mode
def test_a_step_holding_a_host_op_keeps_that_scan_on_the_host(rng):
    x = T.vector("x")
    hosted, _ = transpile.scan(lambda xt, acc: acc + Twice()(xt), sequences=x, outputs_info=T.constant(0.0))
    native, _ = transpile.scan(lambda xt, acc: acc * 2 + xt, sequences=x, outputs_info=T.constant(0.0))
    f = transpile.function([x], [hosted, native], mode="FAST_RUN")
    assert isinstance(f.executor, SegmentedExecutor)
    host = [item[1] for item in f.executor.plan if item[0] == "host"]
    assert len(host) == 1 and isinstance(host[0].op, Scan) and is_host_only(host[0].op)
    xv = rng.uniform(-1, 1, size=5)
    got = f(xv)
    np.testing.assert_allclose(got[0], np.cumsum(2 * xv), rtol=1e-12)
    want, acc = [], 0.0
    for value in xv:
        acc = acc * 2 + value
        want.append(acc)
    np.testing.assert_allclose(got[1], want, rtol=1e-12)


def _rnn_source():
    """The generated source of a tanh RNN and its gradient, built from scratch."""
    x, W, h0 = T.matrix("x"), T.matrix("W"), T.vector("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0)
    f = transpile.function([x, W, h0], [h, *T.grad(T.sum(h), [W, h0])], mode="FAST_RUN")
    project = render(lower(f.maker.fgraph))
    return project.files[f"src/{project.name}.cpp"]


@pytest.mark.single_mode
def test_the_generated_loop_is_deterministic():
    first, second = _rnn_source(), _rnn_source()
    assert first == second
    assert "tr::run_step<" in first and "int inner0(" in first and "int inner1(" in first


def test_step_outputs_that_are_inputs_constants_broadcastable_bool_and_complex(mode):
    """Step outputs the loop must copy into its storage (a tap, a non-sequence, a constant), a
    broadcastable entry, bool and complex entries: the same values in every mode."""
    x, h0, c = T.matrix("x"), T.vector("h0"), T.vector("c")
    same, _ = transpile.scan(lambda h: h, outputs_info=h0, n_steps=3)
    others, _ = transpile.scan(lambda xt, c: [c, T.constant(np.array([1.0, 2.0])), T.shape_padleft(xt), xt > 0,
                                              xt * 1j], sequences=x, non_sequences=c)
    f = transpile.function([x, h0, c], [same] + others)
    xv, hv, cv = np.arange(6.0).reshape(3, 2) - 2, np.array([5.0, 6.0]), np.array([7.0, 8.0])
    want = [np.tile(hv, (3, 1)), np.tile(cv, (3, 1)), np.tile([1.0, 2.0], (3, 1)), xv[:, None, :], xv > 0, xv * 1j]
    for got, w in zip(f(xv, hv, cv), want):
        assert got.dtype == w.dtype and got.shape == w.shape
        np.testing.assert_array_equal(got, w)


def test_strided_non_sequences_are_read_contiguous(mode, rng):
    """A transposed non-sequence (`W.T`) and a strided slice (`V[::2, ::2]`) read at every step:
    the native loop copies each once into contiguous memory (when it runs more than one step);
    the values are numpy's in every mode, for 3 steps, 1 step and none."""
    x, W, V, h0 = T.matrix("x"), T.matrix("W"), T.matrix("V"), T.vector("h0")
    n = T.iscalar("n")
    hs, _ = transpile.scan(lambda xt, h, A, B: T.tanh(T.dot(T.dot(h, A), B) + xt), sequences=x, outputs_info=h0,
                           non_sequences=[W.T, V[::2, ::2]], n_steps=n)
    f = transpile.function([x, W, V, h0, n], hs)
    xv, Wv, Vv, hv = (rng.uniform(-1, 1, size=s) for s in [(3, 2), (2, 2), (4, 4), 2])
    for steps in (3, 1, 0):
        h, want = hv, []
        for t in range(steps):
            h = np.tanh(h @ Wv.T @ Vv[::2, ::2] + xv[t])
            want.append(h)
        np.testing.assert_allclose(f(xv, Wv, Vv, hv, steps), np.reshape(want, (steps, 2)), rtol=1e-12)
    if mode == "FAST_RUN":
        _assert_native(f, 1)
        project = render(lower(f.maker.fgraph))
        source = project.files[f"src/{project.name}.cpp"]
        assert source.count("!tr::contiguous(") >= 2 and "scan_nonseq" in source
