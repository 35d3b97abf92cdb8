"""Golden vectors: example inputs and the reference executor's outputs at export time.

The inputs are the caller's `example_inputs` (a list in input order, or a dict by input name
or identifier), else each input's `tag.test_value`, else deterministic random values (every
non-broadcastable dim of length 3: enough for elementwise graphs; anything with fixed inner
dims needs `example_inputs`). The expected values come from the numpy reference executor
(`PerformExecutor`: each node's numpy `perform`, what FAST_COMPILE runs) on a clone of the
exported graph, called with copies of the shared values: one step, whose updated shared values
are golden too. Nothing here touches the Python-side shared variables.
"""
import numpy as np

from transpile.compile.executor import PerformExecutor
from transpile.graph.fg import FunctionGraph

GUESSED_LENGTH = 3


def example_values(source, example_inputs=None):
    """One ndarray per explicit input (exact dtype and rank)."""
    given = _given(source, example_inputs)
    rng = np.random.default_rng(0)
    values = []
    for k, port in enumerate(source.inputs):
        value = given[k]
        if value is None:
            test_value = getattr(source.function.maker.inputs[k].tag, "test_value", None)
            value = test_value if test_value is not None else _random(rng, port)
        arr = np.asarray(value)
        if arr.dtype != np.dtype(port.dtype):
            if not np.can_cast(arr.dtype, port.dtype, "same_kind"):
                raise TypeError(f"export: example input {port.label!r} has dtype {arr.dtype}, expected {port.dtype}")
            arr = arr.astype(port.dtype)
        if arr.ndim != port.ndim:
            raise ValueError(f"export: example input {port.label!r} has {arr.ndim} dims, expected {port.ndim}")
        values.append(np.array(arr, order="C"))
    return values


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


def _random(rng, port):
    shape = tuple(1 if b else GUESSED_LENGTH for b in port.broadcastable)
    kind = np.dtype(port.dtype).kind
    if kind == "b":
        return rng.random(shape) < 0.5
    if kind in "iu":
        return rng.integers(0, GUESSED_LENGTH, size=shape).astype(port.dtype)
    if kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(port.dtype)
    return rng.standard_normal(shape).astype(port.dtype)


def reference(source, input_values):
    """(outputs, shared values after one step) computed by the numpy reference executor."""
    fgraph = FunctionGraph(source.fgraph.inputs, source.fgraph.outputs, clone=True)
    shared = [p.value.copy() for p in source.shared]
    try:
        results = PerformExecutor(fgraph)([v.copy() for v in input_values] + shared)
    except Exception as err:
        names = ", ".join(f"{p.ident}{tuple(v.shape)}" for p, v in zip(source.inputs, input_values))
        raise ValueError(f"export: the reference executor failed on the example inputs ({names}): {err}\n"
                         "pass example_inputs=[...] with values the graph accepts") from err
    n_out = len(source.outputs)
    outputs = [np.array(r, dtype=p.dtype, order="C") for r, p in zip(results[:n_out], source.outputs)]
    after = list(shared)
    for target, value in zip(source.update_targets, results[n_out:]):
        after[target] = np.array(value, dtype=source.shared[target].dtype, order="C")
    return outputs, after
