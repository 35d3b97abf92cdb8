"""Spelling values and scalar ops in C++: literals of every dtype, escaping, the printer table."""
import math

import numpy as np
import pytest

import transpile
import transpile.scalar as S
import transpile.tensor as T
from transpile.emit import LoweringError
from transpile.emit.cpp import array_initializer, comment, literal, string_literal
from transpile.emit.cpp.printer import CppPrinter, cpp_printer
from transpile.scalar.composite import Composite

pytestmark = pytest.mark.single_mode


@pytest.mark.parametrize("value, dtype, text", [
    (1.0, "float64", "1.0"), (-2.5, "float64", "(-2.5)"), (0.1, "float32", "0.1f"), (1, "float32", "1.0f"),
    (1e-5, "float32", "1e-05f"), (3, "int32", "3"), (-7, "int32", "(-7)"),
    (3, "int8", "static_cast<int8_t>(3LL)"), (True, "bool", "true"), (0, "bool", "false"),
    (2**64 - 1, "uint64", "static_cast<uint64_t>(18446744073709551615ULL)"),
    (-2**63, "int64", "static_cast<int64_t>((-9223372036854775807LL - 1))"),
    (math.inf, "float64", "std::numeric_limits<double>::infinity()"),
    (-math.inf, "float32", "(-std::numeric_limits<float>::infinity())"),
    (math.nan, "float64", "std::numeric_limits<double>::quiet_NaN()"),
    (1 + 2j, "complex128", "std::complex<double>(1.0, 2.0)"),
])
def test_literals(value, dtype, text):
    assert literal(value, dtype) == text


def test_float_literals_round_trip():
    for v in [0.1, 1 / 3, 1e300, 5e-324, -0.0, 123456789.125]:
        assert float(literal(v, "float64").strip("()")) == v
    for v in [0.1, 1 / 3, 3.4e38, 1e-45]:
        assert np.float32(literal(v, "float32").strip("()").rstrip("f")) == np.float32(v)


def test_strings_and_comments_are_escaped():
    assert string_literal('a"b\\c') == '"a\\"b\\\\c"'
    assert string_literal("x\ny") == '"x\\012y"'
    assert string_literal("??=") == '"\\?\\?="'
    assert string_literal("é") == '"\\303\\251"'
    assert comment("a\nb\\") == "a?b?"
    assert len(comment("x" * 500)) == 160
    assert array_initializer(np.arange(3, dtype="int32"), "int32") == ["0, 1, 2,"]
    assert array_initializer(np.zeros(0), "float64") == ["0.0,"]


def test_expressions_from_the_scalar_ops():
    p = cpp_printer
    assert p.expr(S.add, ["a", "b", "c"], ["float64"] * 3, "float64") == "(a + b + c)"
    assert p.expr(S.exp, ["a[i]"], ["float32"], "float32") == "std::exp(a[i])"
    assert p.expr(S.add, ["a", "b"], ["float32", "int32"], "float64") == \
        "(static_cast<double>(a) + static_cast<double>(b))"
    assert p.expr(S.sub, ["x + y", "z"], ["float64"] * 2, "float64") == "((x + y) - z)"


def test_composite_prints_one_local_per_instruction():
    # tanh(i0 * 2.0 + i1), with i0 * 2.0 used twice
    comp = Composite(2, [(S.mul, (("i", 0), ("c", 2.0, "float64")), "float64"),
                         (S.add, (("t", 0), ("i", 1)), "float64"),
                         (S.tanh, (("t", 1),), "float64"),
                         (S.mul, (("t", 0), ("t", 2)), "float64")], [3])
    lines, exprs = cpp_printer.block(comp, ["p0[i]", "p1v"], ["float64", "float64"], ["float64"], "v")
    assert lines == ["const double v0 = (p0[i] * 2.0);", "const double v1 = (v0 + p1v);",
                     "const double v2 = std::tanh(v1);", "const double v3 = (v0 * v2);"]
    assert exprs == ["v3"]


def test_backend_tables_merge_over_the_scalar_ops():
    class FloatExpPrinter(CppPrinter):
        table = {**CppPrinter.table, S.Exp: lambda op, ins, out: "expf({0})" if out == "float32" else None}

    p = FloatExpPrinter()
    assert p.expr(S.exp, ["x"], ["float32"], "float32") == "expf(x)"
    assert p.expr(S.exp, ["x"], ["float64"], "float64") == "std::exp(x)"  # falls back to c_code


def test_scalar_op_without_cpp_form_is_a_lowering_error():
    class NoCode(S.UnaryScalarOp):
        pass

    with pytest.raises(LoweringError, match="nocode"):
        cpp_printer.expr(NoCode(), ["x"], ["float64"], "float64")


def test_integer_arithmetic_is_defined_and_floats_print_unchanged():
    p = cpp_printer
    assert p.expr(S.add, ["a", "b", "c"], ["int32"] * 3, "int32") == "tr::wrap_add<int32_t>(tr::wrap_add<int32_t>(a, b), c)"
    assert p.expr(S.sub, ["a", "b"], ["int8", "int64"], "int64") == "tr::wrap_sub<int64_t>(static_cast<int64_t>(a), b)"
    assert p.expr(S.neg, ["a"], ["int16"], "int16") == "tr::wrap_neg<int16_t>(a)"
    assert p.expr(S.pow, ["a", "b"], ["int32"] * 2, "int32") == "tr::int_pow<int32_t>(a, b, tr_fault_)"
    assert p.expr(S.Cast("int32"), ["a"], ["float64"], "int32") == "tr::float_to_int<int32_t>(a)"
    assert p.expr(S.Cast("int32"), ["a"], ["int64"], "int32") == "static_cast<int32_t>(a)"
    assert p.expr(S.mul, ["a", "b"], ["float32"] * 2, "float32") == "(a * b)"
    assert p.expr(S.neg, ["a"], ["float64"], "float64") == "(-a)"


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_negative_integer_power_raises_like_the_reference(mode):
    x, y = T.ivector("x"), T.ivector("y")
    f = transpile.function([x, y], [x ** y, T.sum(x ** y)], mode=mode)
    a, b = np.array([2, 3, -2], "int32"), np.array([31, 2, 3], "int32")
    got = f(a, b)
    np.testing.assert_array_equal(got[0], a ** b)  # 2 ** 31 wraps like numpy
    assert got[1] == (a ** b).sum()
    for base in ([2, 3, -2], [1, 1, 1]):  # numpy refuses a negative exponent even for base 1
        with pytest.raises(ValueError, match="Integers to negative integer powers are not allowed"):
            f(np.array(base, "int32"), np.array([1, -1, 2], "int32"))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_overflowing_integer_arithmetic_and_casts_match_numpy(mode):
    """numpy wraps integer overflow and casts NaN/inf/out-of-range floats to defined values on
    x86; native code gives the same (without undefined behaviour: see test_native_ubsan.py)."""
    outs, inputs, expected = [], [], []
    with np.errstate(all="ignore"):
        for dtype in ["int8", "int16", "int32", "int64", "uint16", "uint64"]:
            info = np.iinfo(dtype)
            x, y = T.vector(f"x_{dtype}", dtype=dtype), T.vector(f"y_{dtype}", dtype=dtype)
            a = np.array([info.max, info.min, info.max // 3, 5], dtype=dtype)
            b = np.array([info.max, 1, 7, info.min], dtype=dtype)
            inputs += [(x, a), (y, b)]
            for out, want in [(x + y, a + b), (x - y, a - b), (x * y, a * b), (-x, -a), (T.sqr(x), a * a),
                              (T.sum(x), a.sum(dtype=T.sum(x).dtype)), (T.prod(x), a.prod(dtype=T.prod(x).dtype))]:
                outs.append(out)
                expected.append(want)
        v = T.dvector("v")
        c = np.array([np.nan, np.inf, -np.inf, 1e300, -1e300, 3e9, -3e9, 1e19, 300.0, -1.0, -129.7, 2.9, -2.9])
        inputs.append((v, c))
        for dtype in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
            outs += [T.cast(v, dtype), T.cast(T.cast(v, "float32"), dtype)]
            expected += [c.astype(dtype), c.astype("float32").astype(dtype)]
    f = transpile.function([v for v, _ in inputs], outs, mode=mode)
    for k, (got, want) in enumerate(zip(f(*[a for _, a in inputs]), expected)):
        assert got.dtype == want.dtype, k
        np.testing.assert_array_equal(got, want, err_msg=str(outs[k]))
