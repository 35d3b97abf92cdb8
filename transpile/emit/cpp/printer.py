"""Scalar ops as C++ expressions.

A printer is one table {scalar op class: template function} merged over the scalar ops' own
`c_code(input_dtypes, output_dtype)` (the convention is in `transpile.scalar.basic`), and a
`literal(value, dtype)` for constants. A target that spells some ops differently (CUDA's
`expf`, ...) subclasses the printer and merges its entries over `CppPrinter.table`,
tinygrad-style (see `transpile/emit/cuda/printer.py`):

    class CudaPrinter(CppPrinter):
        table = {**CppPrinter.table, Exp: lambda op, ins, out: "expf({0})" if out == "float32" else None}

A table function returns a format template or None (then the op's `c_code` is used).
`Composite` (fused elementwise DAGs) prints as one local per instruction, so shared
subexpressions are computed once.
"""
import re

from transpile.emit.cpp.syntax import literal
from transpile.emit.registry import LoweringError
from transpile.scalar.composite import Composite
from transpile.scalar.dtypes import C_TYPES


class CppPrinter:
    table = {}

    def literal(self, value, dtype):
        """A constant of `dtype` (Composite's constants)."""
        return literal(value, dtype)

    def template(self, op, input_dtypes, output_dtype):
        """The format template of `op` for these dtypes."""
        for cls in type(op).__mro__:
            entry = self.table.get(cls)
            if entry is not None:
                text = entry(op, tuple(input_dtypes), output_dtype)
                if text is not None:
                    return text
                break
        try:
            return op.c_code(tuple(input_dtypes), output_dtype)
        except NotImplementedError as err:
            raise LoweringError(f"scalar op {op} ({type(op).__qualname__}) has no C++ form: {err}") from None

    def runtimes(self, op):
        """The runtime families (templates/runtime/) the printed form of `op` calls: its
        `c_runtime`, or for a Composite its instructions' (in order, each once). A rule printing
        `op` asks for each with `lc.use_runtime(family)`."""
        found = []
        for sop in ([s for s, _, _ in op.instructions] if isinstance(op, Composite) else [op]):
            for family in (self.runtimes(sop) if isinstance(sop, Composite) else getattr(sop, "c_runtime", ())):
                if family not in found:
                    found.append(family)
        return found

    def expr(self, op, args, input_dtypes, output_dtype):
        """One expression computing `op` on the C++ expressions `args` (of the input dtypes'
        C types). Its value converts implicitly to the output's C type where it is stored."""
        if op.nout != 1:
            raise LoweringError(f"scalar op {op} has {op.nout} outputs; only Composite may have several")
        text = self.template(op, input_dtypes, output_dtype)
        try:
            return text.format(*[f"({a})" if not _atomic(a) else a for a in args], otype=C_TYPES[output_dtype])
        except (IndexError, KeyError, ValueError) as err:
            raise LoweringError(f"scalar op {op}: bad C++ template {text!r}: {err}") from None

    def block(self, op, args, input_dtypes, output_dtypes, prefix):
        """Statements and result expressions for `op` applied to `args`.

        Returns (lines, exprs): `lines` declare locals named `prefix<k>`; `exprs` holds one
        expression per output."""
        if not isinstance(op, Composite):
            return [], [self.expr(op, args, input_dtypes, output_dtypes[0])]
        lines, names, dtypes = [], [], []
        for k, (sop, sargs, dtype) in enumerate(op.instructions):
            operands, operand_dtypes = [], []
            for a in sargs:
                if a[0] == "i":
                    operands.append(args[a[1]])
                    operand_dtypes.append(input_dtypes[a[1]])
                elif a[0] == "t":
                    operands.append(names[a[1]])
                    operand_dtypes.append(dtypes[a[1]])
                else:
                    operands.append(self.literal(a[1], a[2]))
                    operand_dtypes.append(a[2])
            name = f"{prefix}{k}"
            lines.append(f"const {C_TYPES[dtype]} {name} = {self.expr(sop, operands, operand_dtypes, dtype)};")
            names.append(name)
            dtypes.append(dtype)
        return lines, [names[o] for o in op.outputs]


_ATOMIC = re.compile(r"^([A-Za-z_][\w.]*(\[[^\[\]]*\])?|[0-9][\w.+-]*|\(.*\))$")


def _atomic(text):
    """True when `text` needs no parentheses: a name, a subscript, a number, or already
    parenthesized as a whole."""
    if not _ATOMIC.match(text):
        return False
    if text.startswith("("):  # "(a) + (b)" starts and ends with parentheses but is not one group
        depth = 0
        for i, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(text) - 1:
                return False
    return True


cpp_printer = CppPrinter()
