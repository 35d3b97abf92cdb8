"""One compiled function called from many threads at once: large calls release the GIL, so calls
really overlap in the generated code; each must compute its own result and, when it fails,
report its own error (the shapes it was given), never another thread's message."""
import threading

import numpy as np
import pytest

import transpile
import transpile.tensor as T

pytestmark = pytest.mark.single_mode

THREADS = 8
CALLS = 40


def test_one_function_many_threads_with_failures_mixed_in():
    x, y = T.vector("x"), T.vector("y")
    f = transpile.function([x, y], T.tanh(x) * 2 + y, mode="NATIVE")
    problems = []
    start = threading.Barrier(THREADS)

    def work(k):
        rng = np.random.default_rng(k)
        n = 70_000 + 7 * k  # above the size that releases the GIL, distinct per thread
        X, Y = rng.normal(size=n), rng.normal(size=n)
        want = np.tanh(X) * 2 + Y
        start.wait()
        first = None  # every later result must be its bits: numpy's tanh differs by ulps per CPU
        for call in range(CALLS):
            if (call + k) % 3 == 0:
                bad = rng.normal(size=n + 1)
                try:
                    f(X, bad)
                    problems.append(f"thread {k}: a mismatched call succeeded")
                except ValueError as err:
                    if f"({n},)" not in str(err) or f"({n + 1},)" not in str(err):
                        problems.append(f"thread {k} got another call's message: {err}")
            else:
                got = f(X, Y)
                if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-12):
                    problems.append(f"thread {k}: wrong result at call {call}")
                elif first is not None and not np.array_equal(got, first):
                    problems.append(f"thread {k}: call {call} differs from the thread's first result")
                first = got if first is None else first

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not problems, "\n".join(problems[:10])


def test_small_calls_from_many_threads_share_the_state_under_the_gil():
    x = T.vector("x")
    f = transpile.function([x], T.sum(x * x), mode="NATIVE")
    problems = []

    def work(k):
        X = np.full(10 + k, float(k))
        for _ in range(200):
            got = f(X)
            if got != (10 + k) * k * k:
                problems.append((k, got))
        try:
            f(np.zeros((2, 2)))
        except TypeError as err:
            if "x" not in str(err):
                problems.append((k, str(err)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not problems
