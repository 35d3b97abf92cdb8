"""Differential test: random graphs built by hypothesis from the op vocabulary run natively
(FAST_RUN: every rewrite, then C++) and with the reference executor (FAST_COMPILE); the results
must agree within the dtype's tolerance.

Each hypothesis example builds GRAPHS_PER_EXAMPLE graphs and compiles them as one function (one
native build: its fixed cost dominates graphs this small), so CI checks EXAMPLES *
GRAPHS_PER_EXAMPLE graphs (208 by default); set TRANSPILE_DIFFERENTIAL_EXAMPLES for more. Four
more examples each build in a new compiledir whose runtime units are never built: the path of a
first `function()`, where the rules' recorded kernels compile beside the graph.
"""
import os
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transpile
import transpile.tensor as T
from transpile import config
from transpile.compile import units
from transpile.printing import pprint

EXAMPLES = int(os.environ.get("TRANSPILE_DIFFERENTIAL_EXAMPLES", "13"))
COLD_EXAMPLES = 4  # each in a new compiledir
GRAPHS_PER_EXAMPLE = 16
STEPS = 6

UNARY = [T.tanh, T.sin, T.cos, T.abs_, T.sqr, T.neg, T.nnet.sigmoid, T.nnet.softplus,
         lambda a: T.exp(T.clip(a, -5, 5)), lambda a: T.log1p(T.abs_(a)), lambda a: T.sqrt(T.abs_(a) + 1),
         lambda a: a * 0.5 + 1, lambda a: T.nnet.relu(a)]
BINARY = [T.add, T.sub, T.mul, T.maximum, T.minimum, lambda a, b: a / (T.abs_(b) + 1),
          lambda a, b: T.switch(T.gt(a, b), a, b * 2)]


def _reductions(a):
    out = [a.sum(axis=-1), a.max(axis=0), a.mean(), a.prod(axis=-1, keepdims=True) * 0.1]
    if a.ndim == 2:
        out += [T.nnet.softmax(a), a.T, T.dot(a, a.T), a[::-1, ::-1], a.dimshuffle(1, "x", 0).sum(axis=2)]
    return out


def _build(data, inputs):
    pool = list(inputs)
    for _ in range(STEPS):
        kind = data.draw(st.sampled_from(["unary", "binary", "structure"]))
        a = data.draw(st.sampled_from(pool))
        if kind == "unary":
            new = data.draw(st.sampled_from(UNARY))(a)
        elif kind == "binary":
            same_shape = [b for b in pool if b.ndim <= a.ndim]
            b = data.draw(st.sampled_from(same_shape))
            new = data.draw(st.sampled_from(BINARY))(a, b)
        else:
            if a.ndim == 0:
                continue
            new = data.draw(st.sampled_from(_reductions(a)))
        pool.append(new)
    return pool[-1]


def _agree(data, dtype):
    """Build GRAPHS_PER_EXAMPLE random graphs as one native function and one reference function
    and compare their results; returns the native function."""
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    v = T.vector("v", dtype=dtype)
    outputs = [_build(data, [x, y, v]) for _ in range(GRAPHS_PER_EXAMPLE)]
    rng = np.random.default_rng(len(str(outputs)))
    values = [rng.normal(size=(3, 3)).astype(dtype), rng.normal(size=(3, 3)).astype(dtype),
              rng.normal(size=3).astype(dtype)]
    native = transpile.function([x, y, v], outputs, mode="FAST_RUN", on_unused_input="ignore")
    reference = transpile.function([x, y, v], outputs, mode="FAST_COMPILE", on_unused_input="ignore")
    got, expected = native(*values), reference(*values)
    for out, a, b in zip(outputs, got, expected):
        assert a.dtype == b.dtype and a.shape == b.shape, pprint(out)
        tol = 2e-4 if dtype == "float32" else 1e-9
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True,
                                   err_msg=pprint(out))
    return native


@pytest.mark.single_mode
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), dtype=st.sampled_from(["float64", "float32"]))
def test_native_agrees_with_reference_on_random_graphs(data, dtype):
    _agree(data, dtype)


@pytest.mark.single_mode
@settings(max_examples=COLD_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), dtype=st.sampled_from(["float64", "float32"]))
def test_first_graphs_of_a_compiledir_agree_with_reference(data, dtype, tmp_path_factory):
    """The same in a new compiledir each time, with the runtime's units never built: every graph
    compiles the units' kernels its rules recorded beside it (compile/units.py) and instantiates
    the others itself."""
    with config.change_flags(compiledir=str(tmp_path_factory.mktemp("cold"))), \
            mock.patch.object(units, "_build_later", lambda *args: None):
        native = _agree(data, dtype)
        log = (native.executor.entry.path / "build.log").read_text()
        assert "-DTRANSPILE_COPY_LOCAL=1" in log  # no unit was built: the first-graph path
        assert "transpile_kernels.cpp" in log  # sixteen graphs always call some recorded kernel
