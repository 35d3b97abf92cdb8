"""The backend-agnostic graph IR."""
from transpile.graph.basic import Apply, Constant, Scratchpad, Variable
from transpile.graph.fg import FunctionGraph, MissingInputError
from transpile.graph.op import Op
from transpile.graph.traversal import (
    ancestors,
    clone,
    clone_get_equiv,
    clone_replace,
    graph_inputs,
    io_toposort,
    variables_between,
)
from transpile.graph.type import Type

__all__ = [
    "Apply", "Constant", "FunctionGraph", "MissingInputError", "Op", "Scratchpad", "Type", "Variable",
    "ancestors", "clone", "clone_get_equiv", "clone_replace", "graph_inputs", "io_toposort",
    "variables_between",
]
