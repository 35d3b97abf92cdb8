"""Theano's module `theano.tensor.xlogx`: the elementwise `xlogx` and `xlogy0` and their scalar
ops `scalar_xlogx` and `scalar_xlogy0` (transpile's `xlogx` and `xlogy`)."""
from transpile.scalar.xlog import scalar_xlogx, scalar_xlogy0
from transpile.tensor.math import xlogx, xlogy0

__all__ = ["xlogx", "xlogy0", "scalar_xlogx", "scalar_xlogy0"]
