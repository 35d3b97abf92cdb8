"""Shared variables, where Theano kept them (`theano.compile.sharedvalue`): defined with the IR
(`transpile.graph.shared`) and the tensor language (`transpile.tensor.sharedvar`)."""
from transpile.graph.shared import Container, SharedVariable, shared, shared_constructor
from transpile.tensor.sharedvar import TensorSharedVariable

__all__ = ["Container", "SharedVariable", "TensorSharedVariable", "shared", "shared_constructor"]
