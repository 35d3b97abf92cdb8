"""Helpers of the rewrite tests: compile in the test's mode (optionally without some phases)
and describe the optimized graph."""
import numpy as np

from transpile import config, function
from transpile.compile.mode import get_mode
from transpile.scalar.composite import Composite
from transpile.tensor.elemwise import Elemwise


def compile_fn(inputs, outputs, *excluding, mode=None, **kwargs):
    """`function` in `mode` (default: the test's mode, config.mode) minus the tags `excluding`."""
    m = get_mode(mode or config.mode)
    if excluding:
        m = m.excluding(*excluding)
    return function(inputs, outputs, mode=m, **kwargs)


def unfused(inputs, outputs, mode=None, **kwargs):
    """Compiled without the fusion and inplace phases, so each elementwise op is its own node."""
    return compile_fn(inputs, outputs, "fusion", "inplace", mode=mode, **kwargs)


def nodes(f):
    return f.maker.fgraph.toposort()


def op_types(f):
    """Class names of the ops of the optimized graph, in toposort order."""
    return [type(n.op).__name__ for n in nodes(f)]


def scalar_names(f):
    """Names of the scalar ops computed by elementwise nodes (inside Composites too)."""
    names = []
    for n in nodes(f):
        sop = getattr(n.op, "scalar_op", None)
        if sop is None:
            continue
        if isinstance(sop, Composite):
            names.extend(type(op).__name__ for op, _, _ in sop.instructions)
        else:
            names.append(type(sop).__name__)
    return names


def elemwise_nodes(f, scalar_class):
    return [n for n in nodes(f) if isinstance(n.op, Elemwise) and isinstance(n.op.scalar_op, scalar_class)]


def fast_run(mode):
    return mode == "FAST_RUN"


def assert_close(got, expected, dtype=None):
    got = np.asarray(got)
    tol = 1e-5 if (dtype or got.dtype) == np.float32 else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol * 10, atol=tol)
