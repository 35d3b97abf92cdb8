"""The native backend's front half: graph -> program IR -> C++ sources of a CMake project.

- `registry`: lowering rules per op class, host-only ops, `LoweringError`;
- `program`: the IR (buffers, steps);
- `lower`: the driver and the context rules use; `rules/`: the rules, one file per op family;
- `cpp_printer`: scalar ops as C++ expressions; `loops`: loop nests; `cpp`: literals, strings;
- `render`: the IR through the jinja2 templates into a project's files.
See README.md in this directory for how to add a lowering.
"""
from transpile.emit.cpp_printer import CppPrinter, cpp_printer
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
