"""Ops the compiler inserts, where Theano kept them (`theano.compile.ops`); `DeepCopyOp` is
defined with the IR (`transpile.graph.deepcopy`) so that backends below the compiler lower it."""
from transpile.graph.deepcopy import DeepCopyOp, deep_copy_op

__all__ = ["DeepCopyOp", "deep_copy_op"]
