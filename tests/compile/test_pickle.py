"""Compiled functions, shared variables and graphs survive pickle and copy.deepcopy, in every
mode: the copy computes the same values, owns its shared state (updates applied to it leave the
original alone), and loads its native library from the cache or rebuilds it in a new process."""
import copy
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import transpile
import transpile.tensor as T


def _training_step(mode):
    rng = np.random.default_rng(3)
    x, y = T.matrix("x"), T.vector("y")
    w = transpile.shared(rng.normal(size=3), name="w")
    b = transpile.shared(np.float64(0.5), name="b")
    p = T.nnet.sigmoid(T.dot(x, w) + b)
    cost = T.mean((p - y) ** 2)
    gw, gb = transpile.grad(cost, [w, b])
    step = transpile.function([x, y], [cost, p], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)], mode=mode,
                              name="step")
    return step, w, b


def _data():
    rng = np.random.default_rng(4)
    return rng.normal(size=(5, 3)), (rng.random(5) > 0.5).astype("float64")


def _shared(f, name):
    return next(s for s in f.maker.shared_inputs if s.name == name)


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_function_roundtrip_keeps_values_and_owns_its_state(mode, how):
    step, w, b = _training_step(mode)
    X, Y = _data()
    step(X, Y)
    clone = pickle.loads(pickle.dumps(step)) if how == "pickle" else copy.deepcopy(step)
    assert type(clone) is type(step) and clone.name == "step"
    np.testing.assert_array_equal(_shared(clone, "w").get_value(), w.get_value())
    for _ in range(2):
        got, want = clone(X, Y), step(X, Y)
        for g, v in zip(got, want):
            np.testing.assert_allclose(g, v, rtol=1e-12)
    np.testing.assert_allclose(_shared(clone, "w").get_value(), w.get_value(), rtol=1e-12)
    w_before = w.get_value()
    clone(X, Y)
    np.testing.assert_array_equal(w.get_value(), w_before)  # the original's state is untouched
    assert not np.array_equal(_shared(clone, "w").get_value(), w_before)


def test_single_output_and_keyword_call_survive(mode):
    x = T.vector("x")
    f = transpile.function([x], T.exp(x).sum(), mode=mode)
    g = pickle.loads(pickle.dumps(f))
    v = np.arange(4.0)
    assert g(x=v) == f(v)
    assert np.ndim(g(v)) == 0


def test_debug_mode_function_pickles():
    x = T.vector("x")
    f = transpile.function([x], T.tanh(x) * 2, mode="DEBUG_MODE")
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g(np.arange(3.0)), np.tanh(np.arange(3.0)) * 2)


def test_shared_variables_and_graphs_pickle(mode):
    w = transpile.shared(np.arange(3.0), name="w")
    w2 = pickle.loads(pickle.dumps(w))
    np.testing.assert_array_equal(w2.get_value(), w.get_value())
    w2.set_value(np.zeros(3))
    np.testing.assert_array_equal(w.get_value(), np.arange(3.0))

    x = T.vector("x")
    y = T.sum(T.exp(x) * w)
    x2, y2 = pickle.loads(pickle.dumps((x, y)))
    f = transpile.function([x2], y2, mode=mode)
    np.testing.assert_allclose(f(np.ones(3)), np.sum(np.e * np.arange(3.0)))
    g = copy.deepcopy(y)
    assert g is not y and g.owner.op == y.owner.op


@pytest.mark.single_mode
@pytest.mark.slow
def test_unpickled_in_another_process_rebuilds_from_an_empty_cache(tmp_path):
    step, w, _ = _training_step("FAST_RUN")
    X, Y = _data()
    path = tmp_path / "step.pkl"
    path.write_bytes(pickle.dumps(step))
    want_cost, _ = step(X, Y)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    script = textwrap.dedent(f"""
        import pickle, numpy as np, transpile
        transpile.config.compiledir = {str(tmp_path / "fresh-cache")!r}
        step = pickle.loads(open({str(path)!r}, "rb").read())
        cost, _ = step(np.load({str(tmp_path / "X.npy")!r}), np.load({str(tmp_path / "Y.npy")!r}))
        print(type(step).__name__, repr(float(cost)))
    """)
    env = {k: v for k, v in os.environ.items() if k != "TRANSPILE_FLAGS"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    kind, cost = out.stdout.split()
    assert kind == "NativeFunction"
    assert float(cost) == float(want_cost)
    assert (tmp_path / "fresh-cache").is_dir()


def test_functions_with_scan_and_ifelse_pickle(mode):
    from transpile.ifelse import ifelse
    x, h0 = T.vector("x"), T.scalar("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(hp + xt), sequences=x, outputs_info=h0)
    f = transpile.function([x, h0], [h, ifelse(h0 < 0, h.sum(), h0 * 2)], mode=mode)
    v = np.arange(3.0)
    for h_start in (0.5, -0.5):
        want = f(v, h_start)
        for clone in (pickle.loads(pickle.dumps(f)), copy.deepcopy(f)):
            for g, w in zip(clone(v, h_start), want):
                np.testing.assert_allclose(g, w, rtol=1e-12)
