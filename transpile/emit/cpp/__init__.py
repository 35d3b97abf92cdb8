"""The C++ target: how a program is spelled in C++ (OpenMP loops on the host).

- `syntax`: literals of every dtype, string literals, comments (re-exported here:
  `from transpile.emit import cpp; cpp.literal(...)`);
- `printer`: scalar ops as C++ expressions (`CppPrinter`, a table other targets merge over);
- `loops`: elementwise and reduction loop nests;
- `rules/`: the lowering rules, one file per op family (`@register_lowering(..., target="cpp")`).

Static C++ the rules call lives in `transpile/templates/runtime/` (`lc.use_runtime(family)`).
"""
from transpile.emit.cpp.syntax import array_initializer, comment, literal, string_literal

__all__ = ["array_initializer", "comment", "literal", "string_literal"]
