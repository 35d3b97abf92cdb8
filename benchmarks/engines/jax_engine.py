"""JAX: each workload one `jax.jit` function (CPU), results synchronized with block_until_ready.
Float64 (jax_enable_x64) for the overhead and linear algebra workloads; the RNN and LSTM are a
`jax.lax.scan` over the steps under `jax.value_and_grad`."""
import os

import numpy as np

from engines import NotApplicable, installed
from workloads import ARGS, LR, PARAMS

NAMES = ("jax",)
LIBRARY = "jax.numpy"


def available(name):
    return installed("jax")


def configure(name, cachedir):
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    if cachedir:  # a persistent compilation cache, so a warm process can reuse it
        os.environ["JAX_COMPILATION_CACHE_DIR"] = cachedir
        os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
        os.environ["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"


def make(name, workload, d):
    import jax
    import jax.numpy as jnp
    if workload in ("overhead", "cholesky", "solve", "inv_batched"):
        jax.config.update("jax_enable_x64", True)
    if workload == "fused":
        f = jax.jit(lambda x: jnp.exp(-x * x) * jnp.sin(x) + jnp.tanh(0.5 * x) * jnp.sqrt(jnp.abs(x) + 1))
        x = jnp.asarray(d["x"])
        return (lambda: f(x).block_until_ready()), (lambda out: [np.asarray(out)])
    if workload == "softmax":
        f = jax.jit(lambda x: jax.nn.softmax(x, axis=1))
        x = jnp.asarray(d["x"])
        return (lambda: f(x).block_until_ready()), (lambda out: [np.asarray(out)])
    if workload in ("mlp", "cold"):
        def loss(params, X, Y):
            W1, b1, W2, b2 = params
            z = jnp.tanh(X @ W1 + b1) @ W2 + b2
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(z, axis=1), Y[:, None], axis=1))

        @jax.jit
        def step(params, X, Y):
            cost, grads = jax.value_and_grad(loss)(params, X, Y)
            return cost, tuple(p - float(LR) * g for p, g in zip(params, grads))

        state = {"params": tuple(jnp.asarray(d[k]) for k in PARAMS)}
        X, Y = jnp.asarray(d["X"]), jnp.asarray(d["Y"])

        def run():
            cost, state["params"] = step(state["params"], X, Y)
            return cost.block_until_ready()
        return run, (lambda out: [np.asarray(out)] + [np.asarray(p) for p in state["params"]])
    if workload == "sgemm":
        f = jax.jit(jnp.dot)
        a, b = jnp.asarray(d["a"]), jnp.asarray(d["b"])
        return (lambda: f(a, b).block_until_ready()), (lambda out: [np.asarray(out)])
    if workload == "overhead":
        f = jax.jit(lambda x, y: x + y)
        x, y = jnp.asarray(d["x"]), jnp.asarray(d["y"])
        return (lambda: f(x, y).block_until_ready()), (lambda out: [np.asarray(out)])
    if workload in ("cholesky", "solve", "inv_batched"):
        import jax.scipy.linalg
        f = jax.jit({"cholesky": lambda a: jax.scipy.linalg.cholesky(a, lower=True), "solve": jax.scipy.linalg.solve,
                     "inv_batched": jnp.linalg.inv}[workload])
        args = [jnp.asarray(d[k]) for k in ARGS[workload]]
        return (lambda: f(*args).block_until_ready()), (lambda out: [np.asarray(out)])
    if workload in ("rnn", "lstm"):
        return rnn(workload, d)
    raise NotApplicable(workload)


def rnn(workload, d):
    import jax
    import jax.numpy as jnp

    def rnn_step(params, h, xt):
        w, u, b = params
        h = jnp.tanh(xt @ w + h @ u + b)
        return h, None

    def lstm_step(params, hc, xt):
        w, u, b = params
        h, c = hc
        i, f, g, o = jnp.split(xt @ w + h @ u + b, 4, axis=1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        return (jax.nn.sigmoid(o) * jnp.tanh(c), c), None

    def loss(params, x):
        h0 = jnp.zeros((x.shape[1], params[1].shape[0]), x.dtype)
        if workload == "rnn":
            h, _ = jax.lax.scan(lambda h, xt: rnn_step(params, h, xt), h0, x)
        else:
            (h, _), _ = jax.lax.scan(lambda hc, xt: lstm_step(params, hc, xt), (h0, h0), x)
        return jnp.sum(h * h)

    f = jax.jit(jax.value_and_grad(loss))
    x, *params = [jnp.asarray(d[k]) for k in ARGS[workload]]
    params = tuple(params)

    def run():
        return jax.block_until_ready(f(params, x))
    return run, (lambda out: [np.asarray(out[0])] + [np.asarray(g) for g in out[1]])
