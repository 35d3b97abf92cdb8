"""The main demo (`python -m transpile.demo`): build graphs the way the Theano tutorial does,
compile them, and run them; then, where the native backend is available, compile natively,
export a standalone project, and run the export with and without Python.
"""
import time
from collections import OrderedDict

import numpy as np

import transpile
from transpile import function, shared
from transpile import tensor as T


def section(title):
    print(f"\n== {title} ==")


def building_expressions(rng):
    section("Building expressions")
    x, y = T.vector("x"), T.vector("y")
    a = x * y
    b = T.dot(x, y)
    c = a + b
    f = function([x, y], c)
    xv, yv = rng.normal(size=4), rng.normal(size=4)
    print("x*y + dot(x, y) =", f(xv, yv))
    print("numpy           =", xv * yv + xv @ yv)
    m = T.TensorType("float32", (False, False, False))("m")
    g = function([m], [m.sum(), m.sum(axis=(0, 2)), m.max(axis=1)])
    mv = rng.normal(size=(2, 3, 4)).astype("float32")
    total, marginals, mx = g(mv)
    print("sum, marginals, max:", total, marginals, mx.shape)


def compiling_and_running():
    section("Compiling and running")
    x, y = T.scalar("x"), T.scalar("y")
    f = function([x, y], x + y)
    print("f(1., 2.) =", repr(f(1.0, 2.0)))
    s = shared(0.0, name="s")
    step = function([], updates=OrderedDict([(s, s + 1)]))
    step()
    s.set_value(100.0)
    step()
    print("shared after set_value(100) and one step:", s.get_value())
    z = T.scalar("z")
    fast = function([z], z / z)
    ref = function([z], z / z, mode="FAST_COMPILE")
    with np.errstate(invalid="ignore"):
        print(f"z/z at 0: FAST_RUN {fast(0.0)} (rewritten to 1), FAST_COMPILE {ref(0.0)} (reference)")


def logistic_regression(rng):
    section("Training a logistic regression (shared variables + updates)")
    n_in = 5
    X, yv = T.matrix("X"), T.vector("y")
    w = shared(np.zeros(n_in), name="w")
    b = shared(0.0, name="b")
    p = 1 / (1 + T.exp(-(T.dot(X, w) + b)))
    cost = -T.mean(yv * T.log(p) + (1 - yv) * T.log(1 - p))
    gw, gb = transpile.grad(cost, [w, b])
    train = function([X, yv], cost, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)])
    data = rng.normal(size=(200, n_in))
    labels = (data @ np.arange(1, n_in + 1) > 0).astype("float64")
    start = time.perf_counter()
    for epoch in range(100):
        c = train(data, labels)
    elapsed = time.perf_counter() - start
    print(f"cost after 100 steps: {float(c):.4f}  ({elapsed * 1e3:.1f} ms, mode {transpile.config.mode})")


def main():
    rng = np.random.default_rng(0)
    building_expressions(rng)
    compiling_and_running()
    logistic_regression(rng)
    from transpile.export import demo as export_demo
    export_demo.run(section)


if __name__ == "__main__":
    main()
