"""Golden vectors: example inputs and the reference executor's outputs at export time.

The inputs are the caller's `example_inputs` (a list in input order, or a dict by input name
or identifier), else each input's `tag.test_value`, else deterministic random values of the
shapes the graph implies (`implied_shapes`: a product with a shared (4, 3) matrix fixes the
input's last dim to 4; unconstrained dims have length 3). The expected values come from the
numpy reference executor (`PerformExecutor`: each node's numpy `perform`, what FAST_COMPILE
runs) on a clone of the exported graph, called with copies of the shared values: one step, whose
updated shared values are golden too. When the values were guessed and the reference rejects
them, the project is written without golden vectors and a warning says how to add them.
Nothing here touches the Python-side shared variables.
"""
import warnings

import numpy as np

from transpile.compile.executor import PerformExecutor
from transpile.export.implied_shapes import implied_input_shapes
from transpile.graph.fg import FunctionGraph

GUESSED_LENGTH = 3


def example_values(source, example_inputs=None):
    """(one ndarray per explicit input (exact dtype and rank), whether any of them was guessed)."""
    given = _given(source, example_inputs)
    rng = np.random.default_rng(0)
    shapes = implied_input_shapes(source.fgraph, len(source.inputs), [p.value for p in source.shared], GUESSED_LENGTH)
    values, guessed = [], False
    for k, port in enumerate(source.inputs):
        value = given[k]
        if value is None:
            value = getattr(source.function.maker.inputs[k].tag, "test_value", None)
        if value is None:
            value, guessed = _random(rng, port, shapes[k]), True
        arr = np.asarray(value)
        if arr.dtype != np.dtype(port.dtype):
            if not np.can_cast(arr.dtype, port.dtype, "same_kind"):
                raise TypeError(f"export: example input {port.label!r} has dtype {arr.dtype}, expected {port.dtype}")
            arr = arr.astype(port.dtype)
        if arr.ndim != port.ndim:
            raise ValueError(f"export: example input {port.label!r} has {arr.ndim} dims, expected {port.ndim}")
        values.append(np.array(arr, order="C"))
    return values, guessed


def _given(source, example_inputs):
    n = len(source.inputs)
    if example_inputs is None:
        return [None] * n
    if isinstance(example_inputs, dict):
        given = [None] * n
        for key, value in example_inputs.items():
            matches = [k for k, p in enumerate(source.inputs) if key in (p.ident, p.label)]
            if not matches:
                known = ", ".join(p.ident for p in source.inputs)
                raise ValueError(f"export: example_inputs names {key!r}, which is not an input ({known})")
            given[matches[0]] = value
        return given
    values = list(example_inputs)
    if len(values) != n:
        raise ValueError(f"export: {len(values)} example inputs given, the graph has {n} inputs")
    return values


def _random(rng, port, shape):
    kind = np.dtype(port.dtype).kind
    if kind == "b":
        return rng.random(shape) < 0.5
    if kind in "iu":
        return rng.integers(0, GUESSED_LENGTH, size=shape).astype(port.dtype)
    if kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(port.dtype)
    return rng.standard_normal(shape).astype(port.dtype)


def reference(source, input_values, guessed=False):
    """(outputs, shared values after one step) computed by the numpy reference executor; None
    (with a warning) when `guessed` input values are rejected by the graph."""
    fgraph = FunctionGraph(source.fgraph.inputs, source.fgraph.outputs, clone=True)
    shared = [p.value.copy() for p in source.shared]
    try:
        results = PerformExecutor(fgraph)([v.copy() for v in input_values] + shared)
    except Exception as err:
        names = ", ".join(f"{p.ident}{tuple(v.shape)}" for p, v in zip(source.inputs, input_values))
        if guessed:
            warnings.warn(f"export: no golden test vectors: the graph rejects the input shapes guessed from it "
                          f"({names}: {err}); pass example_inputs=[...] (or set each input's tag.test_value) "
                          "to have them written and checked by ctest", stacklevel=3)
            return None
        raise ValueError(f"export: the reference executor failed on the example inputs ({names}): {err}\n"
                         "pass example_inputs=[...] with values the graph accepts") from err
    n_out = len(source.outputs)
    outputs = [np.array(r, dtype=p.dtype, order="C") for r, p in zip(results[:n_out], source.outputs)]
    after = list(shared)
    for target, value in zip(source.update_targets, results[n_out:]):
        after[target] = np.array(value, dtype=source.shared[target].dtype, order="C")
    return outputs, after
