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

The base table gives integer arithmetic numpy's defined results where plain C++ would be
undefined behaviour: + - * negation and squaring wrap (`tr::wrap_*`), float-to-integer casts
give numpy's x86 results for NaN and out-of-range values (`tr::float_to_int`), and an integer
power with a negative exponent raises numpy's error. That last one sets the flag `FAULT_FLAG`,
which a rule declares and checks around its loop with `guard_faults`. Floats print unchanged.
"""
import re

from transpile.emit.cpp.syntax import literal
from transpile.emit.registry import LoweringError
from transpile.scalar import dtypes as D
from transpile.scalar.arith import Add, Cast, Mul, Neg, Pow, Sqr, Sub
from transpile.scalar.basic import c_cast_inputs
from transpile.scalar.composite import Composite
from transpile.scalar.dtypes import C_TYPES

FAULT_FLAG = "tr_fault_"
NEGATIVE_POWER = "Integers to negative integer powers are not allowed."


def _integer_fold(function):
    """A table entry folding an n-ary op with `tr::<function><T>` on integer outputs."""
    def entry(op, input_dtypes, output_dtype):
        if not D.is_integer(output_dtype):
            return None
        text = "{0}"
        for k in range(1, len(input_dtypes)):
            text = f"tr::{function}<{{otype}}>({text}, {{{k}}})"
        return c_cast_inputs(text, list(input_dtypes), [output_dtype] * len(input_dtypes))
    return entry


def _integer_unary(template):
    def entry(op, input_dtypes, output_dtype):
        if not D.is_integer(output_dtype):
            return None
        return c_cast_inputs(template, list(input_dtypes), [output_dtype])
    return entry


def _integer_pow(op, input_dtypes, output_dtype):
    if not D.is_integer(output_dtype):
        return None
    return c_cast_inputs(f"tr::int_pow<{{otype}}>({{0}}, {{1}}, {FAULT_FLAG})", list(input_dtypes), [output_dtype] * 2)


def _float_to_int(op, input_dtypes, output_dtype):
    if not (D.is_integer(output_dtype) and D.is_float(input_dtypes[0])):
        return None
    return "tr::float_to_int<{otype}>({0})"


DEFINED_INTEGER_TABLE = {
    Add: _integer_fold("wrap_add"),
    Sub: _integer_fold("wrap_sub"),
    Mul: _integer_fold("wrap_mul"),
    Neg: _integer_unary("tr::wrap_neg<{otype}>({0})"),
    Sqr: _integer_unary("tr::wrap_mul<{otype}>({0}, {0})"),
    Pow: _integer_pow,
    Cast: _float_to_int,
}


def guard_faults(lc, lines):
    """`lines` (a node's loop) in a block declaring `FAULT_FLAG` and failing with a value error
    after the loop when an element set it; unchanged when they never use it."""
    if not any(FAULT_FLAG in line for line in lines):
        return list(lines)
    return ["{", f"  std::atomic<int> {FAULT_FLAG}{{0}};", *["  " + line for line in lines],
            f"  if ({FAULT_FLAG}.load() != 0) {{", "    " + lc.fail("value", NEGATIVE_POWER), "  }", "}"]


class CppPrinter:
    table = dict(DEFINED_INTEGER_TABLE)

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
