"""The native backend's front half: graph -> program IR -> sources of a CMake project.

Target-independent (this directory):
- `registry`: lowering rules per target and op class, host-only ops, `LoweringError`;
- `program`: the IR (buffers, steps, runtime families); `lower`: the driver and the context
  rules use; `runtime`: the runtime headers of `transpile/templates/runtime/` rules ask for;
- `render`, `templates`: the IR through the jinja2 templates into a project's files.
One package per target: `cpp/` (printer, loops, literals, rules: the C++ host target) and
`cuda/` (placement on the GPU, GPU memory, the CUDA printer, kernels, rules).
See README.md in this directory for how to add a lowering.
"""
from transpile.emit.cpp.printer import CppPrinter, cpp_printer
from transpile.emit.lower import LoweringContext, lower
from transpile.emit.program import Buffer, Program, Step
from transpile.emit.registry import (
    LoweringError,
    find_lowering,
    is_host_only,
    register_host_only,
    register_lowering,
)

__all__ = ["Buffer", "CppPrinter", "LoweringContext", "LoweringError", "Program", "Step", "cpp_printer",
           "find_lowering", "is_host_only", "lower", "register_host_only", "register_lowering"]
