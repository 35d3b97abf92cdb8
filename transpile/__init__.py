"""transpile: a symbolic tensor compiler in the line of Theano.

    import transpile
    import transpile.tensor as T
    x, y = T.scalar("x"), T.scalar("y")
    f = transpile.function([x, y], x + y)
"""
from transpile.configdefaults import config
from transpile import graph, scalar, tensor  # noqa: F401
from transpile.compile import Mode, function, shared
from transpile.graph import clone_replace
from transpile import gradient  # noqa: F401
from transpile import gradcheck, jacobian_op  # noqa: F401  add verify_grad, jacobian, hessian to gradient
from transpile.gradient import grad, verify_grad
from transpile.compile.builders import OpFromGraph
from transpile import ifelse  # noqa: F401  the module (from transpile.ifelse import ifelse)
from transpile import sparse  # noqa: F401  registers shared() for scipy.sparse values
from transpile import export  # callable: transpile.export(f, directory, name)

__version__ = "0.1.0"

__all__ = ["Mode", "OpFromGraph", "clone_replace", "config", "export", "function", "grad", "gradient", "graph", "ifelse", "scalar", "shared",
           "tensor", "verify_grad"]
