"""Compiling graphs into callables: `function`, `shared`, modes."""
from transpile.compile.function import Function, FunctionMaker, UnusedInputError, function
from transpile.compile.mode import FAST_COMPILE, FAST_RUN, Mode, get_mode, register_linker
from transpile.compile.ops import DeepCopyOp, deep_copy_op
from transpile.compile.sharedvalue import SharedVariable, TensorSharedVariable, shared, shared_constructor

__all__ = ["DeepCopyOp", "FAST_COMPILE", "FAST_RUN", "Function", "FunctionMaker", "Mode", "SharedVariable",
           "TensorSharedVariable", "UnusedInputError", "deep_copy_op", "function", "get_mode",
           "register_linker", "shared", "shared_constructor"]
