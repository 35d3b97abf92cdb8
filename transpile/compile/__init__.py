"""Compiling graphs into callables: `function`, `shared`, modes."""
from transpile.compile.function import Function, FunctionMaker, UnusedInputError, function
from transpile.compile.mode import FAST_COMPILE, FAST_RUN, Mode, get_mode, register_linker
from transpile.compile.ops import DeepCopyOp, deep_copy_op
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
           "DebugModeError", "DeepCopyOp", "FAST_COMPILE", "FAST_RUN", "Function", "FunctionMaker",
           "InvalidValueError", "Mode", "MonitorMode", "NanGuardError", "NanGuardMode", "SharedVariable",
           "TensorSharedVariable", "UnusedInputError", "deep_copy_op", "function", "get_mode",
           "register_linker", "shared", "shared_constructor"]
