"""transpile: a symbolic tensor compiler in the line of Theano.

    import transpile
    import transpile.tensor as T
    x, y = T.scalar("x"), T.scalar("y")
    f = transpile.function([x, y], x + y)
"""
from transpile.configdefaults import config
from transpile import graph, scalar, tensor  # noqa: F401
from transpile import compile  # noqa: F401  (shadows the builtin only as transpile.compile, as in Theano)
from transpile.compile import In, Mode, Out, as_op, function, function_dump, shared, wrap_py
from transpile.graph.updates import OrderedUpdates
from transpile.graph import clone_replace
from transpile import gradient  # noqa: F401
from transpile import gradcheck, gradient_extras, jacobian_op  # noqa: F401  complete transpile.gradient
from transpile.gradient import grad, verify_grad
from transpile.compile.builders import OpFromGraph
from transpile import ifelse  # noqa: F401  the module (from transpile.ifelse import ifelse)
from transpile import sparse  # noqa: F401  registers shared() for scipy.sparse values
from transpile import printing  # noqa: F401
from transpile import d3viz  # noqa: F401  (transpile.d3viz.d3viz(f, 'graph.html'))
from transpile import scan_module  # noqa: F401
from transpile.scan_module import foldl, foldr, map, reduce, scan, scan_checkpoints, until
from transpile import compat  # noqa: F401  (from transpile.compat.python2x import OrderedDict)
from transpile import export  # callable: transpile.export(f, directory, name)

__version__ = "0.1.0"

__all__ = ["In", "Mode", "OpFromGraph", "Out", "as_op", "clone_replace", "compile", "config", "export", "foldl",
           "foldr", "function", "grad", "gradient", "graph", "ifelse", "map", "printing", "reduce", "scalar", "scan",
           "scan_checkpoints", "scan_module", "shared", "sparse", "tensor", "until", "verify_grad", "wrap_py"]
