"""transpile: NATIVE (FAST_RUN rewrites, generated C++) and FAST_COMPILE (the numpy reference)."""
import os

import numpy as np

from engines import NotApplicable
from workloads import ARGS, LR, PARAMS

NAMES = ("transpile", "transpile-fc")
LIBRARY = "transpile.tensor"
MODES = {"transpile": "NATIVE", "transpile-fc": "FAST_COMPILE"}


def available(name):
    return None


def configure(name, cachedir):
    if cachedir:
        os.environ["TRANSPILE_FLAGS"] = f"compiledir={cachedir}"


def build(workload, d, mode):
    """(compiled function, its arguments, shared variables by name) of `workload`."""
    import transpile
    import transpile.tensor as T
    if workload == "fused":
        x = T.fvector("x")
        f = transpile.function([x], T.exp(-x * x) * T.sin(x) + T.tanh(0.5 * x) * T.sqrt(abs(x) + 1), mode=mode)
        return f, (d["x"],), {}
    if workload == "softmax":
        x = T.fmatrix("x")
        return transpile.function([x], T.nnet.softmax(x), mode=mode), (d["x"],), {}
    if workload in ("mlp", "cold"):
        shared = {k: transpile.shared(d[k].copy(), name=k) for k in PARAMS}
        x, y = T.fmatrix("x"), T.ivector("y")
        h = T.tanh(T.dot(x, shared["W1"]) + shared["b1"])
        prob = T.nnet.softmax(T.dot(h, shared["W2"]) + shared["b2"])
        cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
        params = [shared[k] for k in PARAMS]
        updates = [(p, p - LR * g) for p, g in zip(params, T.grad(cost, params))]
        return transpile.function([x, y], cost, updates=updates, mode=mode), (d["X"], d["Y"]), shared
    if workload == "sgemm":
        a, b = T.fmatrix("a"), T.fmatrix("b")
        return transpile.function([a, b], T.dot(a, b), mode=mode), (d["a"], d["b"]), {}
    if workload == "overhead":
        x, y = T.dscalar("x"), T.dscalar("y")
        return transpile.function([x, y], x + y, mode=mode), (d["x"], d["y"]), {}
    if workload in ("cholesky", "solve", "inv_batched"):
        a = T.dmatrix("a") if workload != "inv_batched" else T.dtensor3("a")
        if workload == "cholesky":
            return transpile.function([a], T.slinalg.cholesky(a), mode=mode), (d["a"],), {}
        if workload == "solve":
            b = T.dvector("b")
            return transpile.function([a, b], T.slinalg.solve(a, b), mode=mode), (d["a"], d["b"]), {}
        return transpile.function([a], T.nlinalg.matrix_inverse(a), mode=mode), (d["a"],), {}
    if workload in ("rnn", "lstm"):
        x, w, u, b = T.ftensor3("x"), T.fmatrix("w"), T.fmatrix("u"), T.fvector("b")
        h0 = T.zeros((x.shape[1], u.shape[0]), dtype="float32")
        if workload == "rnn":
            def step(xt, h, w, u, b):
                return T.tanh(T.dot(xt, w) + T.dot(h, u) + b)
            hs, _ = transpile.scan(step, sequences=x, outputs_info=h0, non_sequences=[w, u, b])
        else:
            def step(xt, h, c, w, u, b):
                n = u.shape[0]
                z = T.dot(xt, w) + T.dot(h, u) + b
                i, f = T.nnet.sigmoid(z[:, :n]), T.nnet.sigmoid(z[:, n:2 * n])
                g, o = T.tanh(z[:, 2 * n:3 * n]), T.nnet.sigmoid(z[:, 3 * n:])
                c = f * c + i * g
                return o * T.tanh(c), c
            (hs, _), _ = transpile.scan(step, sequences=x, outputs_info=[h0, h0], non_sequences=[w, u, b])
        loss = T.sum(hs[-1] ** 2)
        f = transpile.function([x, w, u, b], [loss, *T.grad(loss, [w, u, b])], mode=mode)
        return f, tuple(d[k] for k in ARGS[workload]), {}
    raise NotApplicable(workload)


def make(name, workload, d):
    f, args, shared = build(workload, d, MODES[name])
    if len(args) == 1:
        (a,) = args
        run = lambda: f(a)  # noqa: E731
    elif len(args) == 2:
        a, b = args
        run = lambda: f(a, b)  # noqa: E731
    else:
        run = lambda: f(*args)  # noqa: E731
    if workload in ("rnn", "lstm"):
        return run, (lambda out: [np.asarray(v) for v in out])
    return run, (lambda out: [np.asarray(out)] + [shared[k].get_value() for k in PARAMS if k in shared])
