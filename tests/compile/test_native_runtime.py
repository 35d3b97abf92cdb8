"""The runtime of native calls: temporaries are reused between calls (a per-thread pool),
including after a call that failed half-way, with shapes that change between calls and from
several threads; outputs above the huge-page size are ordinary arrays the caller owns; copies of
transposed views (tiled in the runtime) are exact for any layout."""
import threading

import numpy as np
import pytest

import transpile
import transpile.tensor as T

pytestmark = pytest.mark.single_mode


def _chain():
    """Nodes whose results are temporaries (softmax and dot are not fused), then a product that
    fails when the inner dimensions differ, after the temporaries exist."""
    x, w = T.matrix("x"), T.matrix("w")
    h = T.nnet.softmax(T.exp(x) + 1)
    return transpile.function([x, w], T.dot(T.tanh(h), w) + T.sum(h), mode="NATIVE")


def _expected(X, W):
    e = np.exp(X) + 1
    h = np.exp(e - e.max(axis=1, keepdims=True))
    h /= h.sum(axis=1, keepdims=True)
    return np.tanh(h) @ W + h.sum()


def test_repeated_calls_with_changing_shapes_and_failures(rng):
    f = _chain()
    for rows, cols in [(5, 7), (5, 7), (300, 400), (2, 3), (300, 400), (5, 7)]:
        X, W = rng.normal(size=(rows, cols)), rng.normal(size=(cols, 4))
        np.testing.assert_allclose(f(X, W), _expected(X, W), rtol=1e-10)
        with pytest.raises(ValueError, match="not aligned"):
            f(X, rng.normal(size=(cols + 1, 4)))
    X, W = rng.normal(size=(3, 6)), rng.normal(size=(6, 4))
    results = [f(X, W) for _ in range(3)]
    for r in results:  # every output is its own array, never a reused temporary
        np.testing.assert_allclose(r, _expected(X, W), rtol=1e-10)
    assert len({r.ctypes.data for r in results}) == 3


def test_calls_from_several_threads(rng):
    fs = [_chain() for _ in range(3)]  # one state each (a state serves one thread at a time)
    inputs = [(rng.normal(size=(40 + k, 30)), rng.normal(size=(30, 5))) for k in range(3)]
    errors = []

    def work(f, X, W):
        try:
            for _ in range(20):
                np.testing.assert_allclose(f(X, W), _expected(X, W), rtol=1e-10)
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=work, args=(f, *xs)) for f, xs in zip(fs, inputs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_large_output_is_an_ordinary_array(rng):
    x = T.fvector("x")
    f = transpile.function([x], T.exp(-x * x) * T.sin(x), mode="NATIVE")
    X = rng.normal(size=9 * 2**20).astype("float32")  # 36 MiB: above glibc's largest mmap threshold
    for _ in range(2):
        out = f(X)
        assert out.flags.c_contiguous and out.flags.owndata is False and out.dtype == np.float32
        np.testing.assert_allclose(out, np.exp(-X * X) * np.sin(X), rtol=1e-5, atol=1e-6)
        out[:] = 0  # writable, and freed when dropped
        del out


def test_large_outputs_alive_together_are_distinct(rng):
    """Freed blocks of 32 MiB and more wait in a cache for the next call: a block still owned by
    the caller is never handed out again, and a reused one is overwritten entirely."""
    x = T.fvector("x")
    f = transpile.function([x], T.sin(x) * 2, mode="NATIVE")
    X = rng.normal(size=9 * 2**20).astype("float32")
    first = f(X)
    second = f(X + 1)  # `out = f(x)` in a loop: the previous result is freed after the next call
    assert first.ctypes.data != second.ctypes.data
    del first
    third = f(X - 1)
    assert third.ctypes.data != second.ctypes.data
    np.testing.assert_allclose(second, np.sin(X + 1) * 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(third, np.sin(X - 1) * 2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape, dtype", [((600, 700), "float64"), ((40, 512), "float32"), ((17, 16), "int32"),
                                          ((3, 1000, 530), "float32"), ((2, 3, 64, 48), "float64")])
def test_transposed_copies(rng, shape, dtype):
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    order = list(range(len(shape) - 2)) + [len(shape) - 1, len(shape) - 2]
    outs = [x.dimshuffle(*order), x[::-1].dimshuffle(*order), T.cast(x.dimshuffle(*order), "float32")]
    f = transpile.function([x], outs, mode="NATIVE")
    X = (rng.normal(size=shape) * 100).astype(dtype)
    got = f(X)
    want = [X.transpose(order), X[::-1].transpose(order), X.transpose(order).astype("float32")]
    for g, w in zip(got, want):
        assert g.flags.c_contiguous and g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
