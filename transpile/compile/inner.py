"""Inner graphs of ops (OpFromGraph, the branches of ifelse, the step of a scan): compiled once
per mode, then called.

An op that owns an inner graph keeps an `InnerFunction`. Its `perform` (the reference
semantics) calls `run(values)`, which compiles the inner graph with the reference executor
(FAST_COMPILE: numpy `perform`, the cheap rewrites). The native linker instead calls the op's
`prepare_host(mode)` while it compiles the outer function, then the op's
`run_host(node, inputs, output_storage, mode)`, which runs the same inner graph compiled once
with the outer function's mode (FAST_RUN: a native library of its own, called from the host).
The native backend lowers inner graphs into C++ functions of the outer graph's source instead
(`optimized(mode)` gives the rewritten graph it lowers; transpile/emit/inner.py); the host path
remains for ops whose inner graph holds a host-only op. A scan's host loop calls its step
through `executor(mode)`: the bare executor of the mode, without a Function's per-call work.
"""
import numpy as np

from transpile.compile.function import function, prepare_nodes, protect_outputs
from transpile.compile.mode import FAST_COMPILE, get_mode
from transpile.graph.basic import Constant
from transpile.graph.fg import FunctionGraph


def _mode_key(mode):
    return (mode.linker, mode.optimizer, mode.include, mode.exclude)


class InnerFunction:
    """`inputs` (fresh variables owned by the op) -> `outputs`; `run(values, mode)` returns the
    list of output values (fresh arrays, never aliases of the inputs)."""

    def __init__(self, inputs, outputs, name=None):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.name = name
        self._compiled = {}
        self._graphs = {}
        self._executors = {}
        # outputs that are inputs or constants need no compiled function (a branch of ifelse
        # that only selects a value): their positions, or None when something is computed
        positions = {id(v): k for k, v in enumerate(self.inputs)}
        if all(id(o) in positions or isinstance(o, Constant) for o in self.outputs):
            self._passthrough = [positions.get(id(o), o) for o in self.outputs]
        else:
            self._passthrough = None

    def compiled(self, mode=None):
        """The inner graph as a compiled function of `mode` (FAST_COMPILE by default), built on
        first use and kept."""
        mode = FAST_COMPILE if mode is None else mode
        key = _mode_key(mode)
        fn = self._compiled.get(key)
        if fn is None:
            fn = self._compiled[key] = function(self.inputs, list(self.outputs), mode=mode,
                                                on_unused_input="ignore", name=self.name)
        return fn

    def optimized(self, mode=None):
        """The inner graph as a FunctionGraph rewritten with `mode`'s rewrites (FAST_RUN's by
        default), built on first use and kept: what the native backend lowers into a C++
        function of the outer graph's source (`lc.inner_graph`)."""
        mode = get_mode("FAST_RUN") if mode is None else get_mode(mode)
        key = _mode_key(mode)
        fgraph = self._graphs.get(key)
        if fgraph is None:
            fgraph = FunctionGraph(self.inputs, list(self.outputs), clone=True)
            mode.optimize(fgraph)
            self._graphs[key] = fgraph
        return fgraph

    def executor(self, mode):
        """`executor(values) -> outputs` of the inner graph compiled for `mode` (its rewrites and
        linker; fresh output arrays), built on first use and kept per mode object: what a loop
        on the host calls once per step."""
        entry = self._executors.get(id(mode))
        if entry is None:
            fgraph = FunctionGraph(self.inputs, list(self.outputs), clone=True)
            mode.optimize(fgraph)
            protect_outputs(fgraph)
            prepare_nodes(fgraph, mode)
            entry = self._executors[id(mode)] = (mode, mode.make_executor(fgraph))  # keeps `mode` alive
        return entry[1]

    def prepare(self, mode=None):
        """Compile now (the native linker calls it while compiling the outer function, so a
        branch's build errors surface then, not at its first run)."""
        if self._passthrough is None:
            self.compiled(mode)

    def run(self, values, mode=None):
        if self._passthrough is not None:
            return [np.array(values[p], copy=True) if isinstance(p, int) else np.array(p.data, copy=True)
                    for p in self._passthrough]
        return self.compiled(mode)(*values)


def store(node, output_storage, values):
    """Put `values` in `output_storage`, cast to each output's exact dtype."""
    for var, cell, value in zip(node.outputs, output_storage, values):
        value = np.asarray(value)
        if value.dtype != np.dtype(var.type.dtype):
            value = value.astype(var.type.dtype)
        cell[0] = value
