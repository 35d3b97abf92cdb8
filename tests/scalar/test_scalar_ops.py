"""Scalar ops on their own: the vocabulary, type rules, numpy impls and the C++ template form."""
import string

import numpy as np
import pytest

import transpile.scalar as S
from transpile import config
from transpile.scalar.basic import ScalarOp, c_cast_inputs, c_join

pytestmark = pytest.mark.single_mode

OPS = list(S.ALL_OPS)


def _arity(op):
    return 2 if op.nin < 0 else op.nin


def test_vocabulary_size():
    assert len(OPS) >= 60
    assert len({op.name for op in OPS}) == len(OPS)
    assert len({type(op) for op in OPS}) == len(OPS)


@pytest.mark.parametrize("op", OPS, ids=str)
def test_op_interface(op):
    assert isinstance(op, ScalarOp)
    n = _arity(op)
    dtypes = ["int32" if op in (S.and_, S.or_, S.xor, S.invert) else "float64"] * n
    (odtype,) = op.output_dtypes(*dtypes)
    assert odtype in ("float64", "bool", "int32")
    # the template is a format string over {0}..{n-1} and {otype}, nothing else
    code = op.c_code(dtypes, odtype)
    fields = {f for _, f, _, _ in string.Formatter().parse(code) if f is not None}
    assert fields <= {str(k) for k in range(n)} | {"otype"}
    assert code.format(*[f"(x{k})" for k in range(n)], otype="double")
    assert type(op).grad is not ScalarOp.grad


def test_equality_and_hash():
    assert S.Add("plus") == S.add and hash(S.Add("plus")) == hash(S.add)
    assert S.exp != S.log
    assert S.Cast("int32") == S.Cast("int32") and S.Cast("int32") != S.Cast("int64")
    assert len({S.Cast("int32"), S.Cast("int32"), S.Cast("float32")}) == 2
    assert str(S.Cast("int32")) == "Cast{int32}"
    assert str(S.exp) == "exp"


@pytest.mark.parametrize("op, inputs, expected", [
    (S.exp, ["int8"], "float32"), (S.exp, ["uint8"], "float32"), (S.exp, ["bool"], "float32"),
    (S.exp, ["int32"], "float64"), (S.exp, ["float32"], "float32"), (S.sin, ["int64"], "float64"),
    (S.true_div, ["int32", "int32"], "float64"), (S.true_div, ["int8", "int8"], "float32"),
    (S.true_div, ["float32", "int64"], "float64"), (S.inv, ["int16"], "float32"),
    (S.add, ["int32", "float32"], "float64"), (S.add, ["uint8", "int8"], "int16"),
    (S.add, ["bool", "bool"], "bool"), (S.mul, ["bool", "int8", "float32"], "float32"),
    (S.int_div, ["int32", "int32"], "int32"), (S.int_div, ["bool", "bool"], "int8"),
    (S.int_div, ["float32", "float32"], "float32"), (S.mod, ["uint8", "uint8"], "uint8"),
    (S.pow, ["bool", "bool"], "int8"), (S.sqr, ["bool"], "int8"), (S.abs_, ["bool"], "bool"),
    (S.floor, ["int32"], "int32"), (S.round_half_to_even, ["bool"], "bool"), (S.ceil, ["float32"], "float32"),
    (S.eq, ["int32", "float64"], "bool"), (S.isnan, ["int32"], "bool"),
    (S.maximum, ["int32", "float32"], "float64"), (S.clip, ["float32", "int8", "int8"], "float32"),
    (S.switch, ["bool", "int32", "float32"], "float64"), (S.switch, ["float64", "int8", "int8"], "int8"),
    (S.and_, ["bool", "bool"], "bool"), (S.and_, ["int8", "uint8"], "int16"), (S.invert, ["uint8"], "uint8"),
    (S.second, ["float64", "int8"], "int8"), (S.Cast("int16"), ["float64"], "int16"),
    (S.erf, ["int32"], "float64"), (S.sigmoid, ["uint8"], "float32"), (S.arctan2, ["int8", "float32"], "float32"),
])
def test_output_dtypes(op, inputs, expected):
    assert op.output_dtypes(*inputs) == (expected,)


@pytest.mark.parametrize("op, inputs", [
    (S.sub, ["bool", "bool"]), (S.neg, ["bool"]), (S.sgn, ["bool"]), (S.and_, ["float32", "int32"]),
    (S.invert, ["float64"]), (S.lt, ["complex128", "float64"]), (S.exp, ["int32", "int32"]),
    (S.clip, ["float64", "float64"]), (S.sin, ["complex64"]),
])
def test_refused_dtypes(op, inputs):
    with pytest.raises(TypeError):
        op.output_dtypes(*inputs)


def test_float32_rules_under_floatx_float32():
    with config.change_flags(floatX="float32"):
        assert S.add.output_dtypes("int32", "float32") == ("float32",)
        assert S.exp.output_dtypes("int32") == ("float32",)
        assert S.true_div.output_dtypes("int64", "int64") == ("float32",)
        assert S.add.output_dtypes("int32", "float64") == ("float64",)


def test_impl_computes_in_the_output_dtype():
    """int8 inputs of exp compute in float32 (numpy alone would give float16)."""
    x = np.array([1, 2, 3], dtype="int8")
    assert S.exp.impl(x).dtype == np.float32
    np.testing.assert_allclose(S.exp.impl(x), np.exp(np.arange(1, 4, dtype="float32")))
    # int32 + float32 is float64 and computed in float64
    a, b = np.array([16777217], dtype="int32"), np.array([0.0], dtype="float32")
    assert S.add.impl(a, b).dtype == np.float64 and S.add.impl(a, b)[0] == 16777217
    # comparisons compare in the common dtype: int32 -1 is less than uint32 1
    assert S.lt.impl(np.array([-1], "int32"), np.array([1], "uint32"))[0]
    # switch leaves its condition alone
    np.testing.assert_array_equal(S.switch.impl(np.array([0.5, 0.0]), np.array([1, 2], "int8"), np.array([3, 4], "int8")),
                                  [1, 4])


def test_impl_on_zero_d_and_python_values():
    assert float(S.sqrt.impl(np.float64(4.0))) == 2.0
    assert S.add.impl(np.array(1.5), np.array(2.5), np.array(1.0)) == 5.0
    assert S.mul.impl(np.array([2, 3]), np.array(4))[1] == 12


def test_c_cast_inputs():
    template = "[]({otype} a) {{ return a; }}({0}) + {1}"
    out = c_cast_inputs(template, ["int32", "float64"], ["float64", "float64"])
    assert out == "[]({otype} a) {{ return a; }}(static_cast<double>({0})) + {1}"
    assert c_cast_inputs("{0}", ["int8"], [None]) == "{0}"
    assert c_join("+", 3) == "({0} + {1} + {2})"


def test_c_code_forms():
    assert S.add.c_code(["float64", "float64", "float64"], "float64") == "({0} + {1} + {2})"
    assert S.add.c_code(["int32", "float32"], "float64") == "(static_cast<double>({0}) + static_cast<double>({1}))"
    assert S.mul.c_code(["float32", "float32"], "float32") == "({0} * {1})"
    assert S.lt.c_code(["int32", "uint32"], "bool") == "(static_cast<int64_t>({0}) < static_cast<int64_t>({1}))"
    assert S.switch.c_code(["bool", "int8", "float32"], "float32") == "({0} ? static_cast<float>({1}) : {2})"
    assert S.exp.c_code(["int32"], "float64") == "std::exp(static_cast<double>({0}))"
    assert S.exp.c_code(["float32"], "float32") == "std::exp({0})"
    # integer and float forms differ where C and numpy disagree
    assert S.int_div.c_code(["int32", "int32"], "int32") != S.int_div.c_code(["float64", "float64"], "float64")
    assert S.mod.c_code(["uint8", "uint8"], "uint8") != S.mod.c_code(["int8", "int8"], "int8")
    assert S.abs_.c_code(["float32"], "float32") == "std::abs({0})"
    assert S.invert.c_code(["bool"], "bool") == "(!{0})"
    assert S.invert.c_code(["int32"], "int32") == "(~{0})"
    assert S.isnan.c_code(["int32"], "bool") == "false"
    assert S.floor.c_code(["int32"], "int32") == "{0}"
    assert S.Cast("int8").c_code(["float64"], "int8") == "static_cast<{otype}>({0})"


def test_reduction_identities():
    assert S.add.identity == 0 and S.mul.identity == 1
    assert S.maximum.identity == -np.inf and S.minimum.identity == np.inf
    assert S.add.commutative and S.add.associative and not S.sub.commutative
