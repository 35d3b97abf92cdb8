"""The inner function of a scan: its graph compiled once for a mode and called once per step.

This is the one place that knows how a step runs: the mode's rewrites and linker turn the inner
graph into an executor (numpy `perform`s under FAST_COMPILE, a native library under FAST_RUN),
called with the step's input values and returning its output values.
"""
from transpile.compile.function import prepare_nodes, protect_outputs
from transpile.graph.fg import FunctionGraph


class InnerFunction:
    """`inner(values) -> outputs` for one step; built once per (scan op, mode)."""

    def __init__(self, inputs, outputs, mode):
        fgraph = FunctionGraph(inputs, outputs, clone=True)
        mode.optimize(fgraph)
        protect_outputs(fgraph)
        prepare_nodes(fgraph, mode)
        self.fgraph = fgraph
        self.mode = mode
        self.executor = mode.make_executor(fgraph)

    def __call__(self, values):
        return self.executor(values)
