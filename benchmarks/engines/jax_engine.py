"""JAX: each workload one `jax.jit` function (CPU), results synchronized with block_until_ready."""
import os

import numpy as np

from engines import NotApplicable, installed
from workloads import LR, PARAMS

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
    if workload == "overhead":
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
    raise NotApplicable(workload)
