"""Compiling graphs into callables: `function`, `shared`, modes."""
from transpile.compile.function import Function, FunctionMaker, UnusedInputError, function
from transpile.compile.io import In, Out
from transpile.compile.pfunc import function_dump, pfunc
from transpile.compile.mode import FAST_COMPILE, FAST_RUN, Mode, get_default_mode, get_mode, register_linker
from transpile.compile.ops import DeepCopyOp, FromFunctionOp, as_op, deep_copy_op, wrap_py
from transpile.tensor.view_ops import ViewOp, view_op
from transpile.compile.debugmode import (
    BadDestroyMap,
    BadOptimizationError,
    BadShapeError,
    BadViewMap,
    DebugMode,
    DebugModeError,
    InvalidValueError,
)
from transpile.compile.monitormode import MonitorMode
from transpile.compile.nanguardmode import NanGuardError, NanGuardMode
from transpile.compile.sharedvalue import SharedVariable, TensorSharedVariable, shared, shared_constructor
from transpile.compile import native  # noqa: F401,E402  registers the "native" linker and mode NATIVE

DEBUG_MODE = DebugMode()

__all__ = ["BadDestroyMap", "BadOptimizationError", "BadShapeError", "BadViewMap", "DEBUG_MODE", "DebugMode",
           "DebugModeError", "DeepCopyOp", "FAST_COMPILE", "FAST_RUN", "FromFunctionOp", "Function", "FunctionMaker",
           "In", "InvalidValueError", "Mode", "MonitorMode", "NanGuardError", "NanGuardMode", "Out", "SharedVariable",
           "TensorSharedVariable", "UnusedInputError", "ViewOp", "as_op", "deep_copy_op", "function", "function_dump",
           "get_default_mode", "get_mode", "pfunc", "register_linker", "shared", "shared_constructor", "view_op",
           "wrap_py"]
