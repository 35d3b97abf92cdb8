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
from transpile.gradient import grad, verify_grad
from transpile import sparse  # noqa: F401  registers shared() for scipy.sparse values
from transpile import scan_module  # noqa: F401
from transpile.scan_module import foldl, foldr, map, reduce, scan, until
from transpile import export  # callable: transpile.export(f, directory, name)

__version__ = "0.1.0"

__all__ = ["Mode", "clone_replace", "config", "export", "foldl", "foldr", "function", "grad", "gradient", "graph",
           "map", "reduce", "scalar", "scan", "scan_module", "shared", "tensor", "until", "verify_grad"]
