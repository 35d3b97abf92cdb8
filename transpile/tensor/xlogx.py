"""Theano's module `theano.tensor.xlogx`: the elementwise `xlogx` and `xlogy0`, and their scalar
ops under Theano's names `scalar_xlogx` and `scalar_xlogy0` (transpile.scalar's `xlogx` and
`xlogy`; aliases here only, so that transpile.scalar lists each op once)."""
from transpile.scalar.xlog import xlogx as scalar_xlogx
from transpile.scalar.xlog import xlogy as scalar_xlogy0
from transpile.tensor.math import xlogx, xlogy0

__all__ = ["xlogx", "xlogy0", "scalar_xlogx", "scalar_xlogy0"]
