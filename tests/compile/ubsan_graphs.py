"""Representative native graphs run under UndefinedBehaviorSanitizer (by test_native_ubsan.py, in
a subprocess whose TRANSPILE_FLAGS add `-fsanitize=undefined -fno-sanitize-recover=all`): integer
arithmetic that overflows (numpy wraps), sum/prod reductions that overflow, float-to-integer casts
of NaN/inf/huge values, indexing, an integer power and a float product (the built-in kernel),
scan loops (storage growth, ring buffers, nit-sot storage allocated after step 0, the shape
error path that reruns a step).
Every result is compared with numpy; a UBSan report aborts the process."""
import numpy as np

import transpile
import transpile.tensor as T

INT_TYPES = ["int8", "int16", "int32", "int64", "uint16"]
CASTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def integer_arithmetic():
    for dtype in INT_TYPES:
        info = np.iinfo(dtype)
        x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
        outs = [x + y, x - y, x * y, -x, x * x, T.sum(x), T.prod(x), T.sum(x * y, axis=0), x ** 3]
        f = transpile.function([x, y], outs, mode="FAST_RUN")
        a = np.array([info.max, info.min, info.max - 1, -1 if info.min < 0 else 7, 3], dtype=dtype)
        b = np.array([info.max, info.min, 2, info.min, info.max], dtype=dtype)
        with np.errstate(all="ignore"):
            expected = [a + b, a - b, a * b, -a, a * a, a.sum(dtype=T.sum(x).dtype), a.prod(dtype=T.prod(x).dtype),
                        (a * b).sum(dtype=T.sum(x * y, axis=0).dtype), a ** 3]
        for got, want in zip(f(a, b), expected):
            np.testing.assert_array_equal(got, want, err_msg=dtype)


def casts():
    v = T.dvector("v")
    f = transpile.function([v], [T.cast(v, d) for d in CASTS] + [T.cast(T.cast(v, "float32"), "int32")],
                           mode="FAST_RUN")
    a = np.array([np.nan, np.inf, -np.inf, 1e300, -1e300, 3e9, -3e9, 1e19, 300.0, -1.0, -129.7, 2.9])
    with np.errstate(all="ignore"):
        expected = [a.astype(d) for d in CASTS] + [a.astype("float32").astype("int32")]
    for got, want, d in zip(f(a), expected, CASTS + ["f32-int32"]):
        np.testing.assert_array_equal(got, want, err_msg=d)


def indexing():
    m, i = T.dmatrix("m"), T.lvector("i")
    f = transpile.function([m, i], [m[-1], m[1:, ::-2], m[i], T.inc_subtensor(m[i, 0], 1.0), m[:, -2:].sum()],
                           mode="FAST_RUN")
    a, idx = np.arange(20.0).reshape(4, 5), np.array([3, -1, 0])
    inc = a.copy()
    np.add.at(inc[:, 0], idx, 1.0)
    for got, want in zip(f(a, idx), [a[-1], a[1:, ::-2], a[idx], inc, a[:, -2:].sum()]):
        np.testing.assert_array_equal(got, want)


def products():
    x, w = T.fmatrix("x"), T.fmatrix("w")
    f = transpile.function([x, w], T.dot(x, w), mode="FAST_RUN")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(7, 33)).astype("float32"), rng.normal(size=(33, 5)).astype("float32")
    np.testing.assert_allclose(f(a, b), a @ b, rtol=1e-5, atol=1e-5)
    i, v = T.imatrix("i"), T.ivector("v")
    g = transpile.function([i, v], [T.dot(i, v), T.dot(i, i.T)], mode="FAST_RUN")
    big = rng.integers(2 ** 30, 2 ** 31 - 1, (3, 40)).astype("int32")
    vec = rng.integers(-2 ** 31, 2 ** 31 - 1, 40).astype("int32")
    for got, want in zip(g(big, vec), [big @ vec, big @ big.T]):
        np.testing.assert_array_equal(got, want)


def scan_loops():
    top, i = T.scalar("top"), T.lvector("i")
    (powers, triples), _ = transpile.scan(lambda p, top: [p * 2, p * 3, transpile.until(p * 2 > top)],
                                          outputs_info=[T.constant(1.0), None], non_sequences=top, n_steps=1024)
    fib, _ = transpile.scan(lambda a, b: a + b, outputs_info=dict(initial=i[:2], taps=[-2, -1]), n_steps=i[2])
    ramps, _ = transpile.scan(lambda it: T.arange(it + 1) * 1.0, sequences=i)
    f = transpile.function([top, i], [powers, triples, fib[-1], ramps], mode="FAST_RUN")
    got = f(1e9, np.array([1, 1, 1]))
    np.testing.assert_array_equal(got[0], 2.0 ** np.arange(1, 31))
    np.testing.assert_array_equal(got[1], 3 * 2.0 ** np.arange(30))
    np.testing.assert_array_equal(got[2], 2)
    np.testing.assert_array_equal(got[3], np.zeros((3, 2)) + [0, 1])
    try:
        f(1.0, np.array([1, 1, 3]))
    except ValueError as err:
        assert "at scan step 2 of 3" in str(err), err
    else:
        raise AssertionError("a ramp of another length must fail")


if __name__ == "__main__":
    integer_arithmetic()
    casts()
    indexing()
    products()
    scan_loops()
    print("ubsan graphs: OK")
