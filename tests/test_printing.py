"""transpile.printing: debugprint, min_informative_str, pprint, Print."""
import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import transpile
from transpile import tensor as T
from transpile.graph import Apply, FunctionGraph, Op
from transpile.printing import Print, char_from_number, debugprint, min_informative_str, pp, pprint

RAW = transpile.Mode(linker="py", optimizer=None)  # no rewrites: goldens independent of them


class TwoOut(Op):
    """Test op with two outputs (x and -x)."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].copy()
        output_storage[1][0] = -inputs[0]


def seed_graph():
    x = T.scalar()
    y = T.scalar()
    z = x + y
    z.name = "z"
    return 2. * z


# -- debugprint ------------------------------------------------------------------------------------
@pytest.mark.single_mode
def test_char_from_number():
    assert [char_from_number(n) for n in (0, 1, 25, 26, 27, 51, 52, 675, 676)] == \
        ["A", "B", "Z", "BA", "BB", "BZ", "CA", "ZZ", "BAA"]


@pytest.mark.single_mode
def test_debugprint_seed():
    assert debugprint(seed_graph(), file="str") == textwrap.dedent("""\
        Elemwise{mul,no_inplace} [id A] ''
         |TensorConstant{2.0} [id B]
         |Elemwise{add,no_inplace} [id C] 'z'
           |<TensorType(float64, scalar)> [id D]
           |<TensorType(float64, scalar)> [id E]
        """)


@pytest.mark.single_mode
def test_debugprint_ids_modes():
    a = seed_graph()
    assert debugprint(a, file="str", ids="int").splitlines() == [
        "Elemwise{mul,no_inplace} [id 0] ''",
        " |TensorConstant{2.0} [id 1]",
        " |Elemwise{add,no_inplace} [id 2] 'z'",
        "   |<TensorType(float64, scalar)> [id 3]",
        "   |<TensorType(float64, scalar)> [id 4]",
    ]
    assert debugprint(a, file="str", ids="").splitlines() == [
        "Elemwise{mul,no_inplace} ''",
        " |TensorConstant{2.0}",
        " |Elemwise{add,no_inplace} 'z'",
        "   |<TensorType(float64, scalar)>",
        "   |<TensorType(float64, scalar)>",
    ]
    with pytest.raises(ValueError, match="ids"):
        debugprint(a, file="str", ids="letters")


@pytest.mark.single_mode
def test_debugprint_repeated_node_and_indentation():
    x, y = T.scalar("x"), T.scalar("y")
    z = x + y
    out = T.exp(z) * z
    assert debugprint(out, file="str").splitlines() == [
        "Elemwise{mul,no_inplace} [id A] ''",
        " |Elemwise{exp,no_inplace} [id B] ''",
        " | |Elemwise{add,no_inplace} [id C] ''",
        " |   |x [id D]",
        " |   |y [id E]",
        " |Elemwise{add,no_inplace} [id C] ''",
    ]


@pytest.mark.single_mode
def test_debugprint_depth_stop_on_name_and_type():
    a = seed_graph()
    assert debugprint(a, file="str", depth=1) == "Elemwise{mul,no_inplace} [id A] ''\n"
    assert debugprint(a, file="str", depth=2).splitlines()[-1] == " |Elemwise{add,no_inplace} [id C] 'z'"
    assert debugprint(a, file="str", stop_on_name=True).splitlines() == [
        "Elemwise{mul,no_inplace} [id A] ''",
        " |TensorConstant{2.0} [id B]",
        " |Elemwise{add,no_inplace} [id C] 'z'",
    ]
    assert debugprint(a, file="str", print_type=True).splitlines()[:2] == [
        "Elemwise{mul,no_inplace} [id A] <TensorType(float64, scalar)> ''",
        " |TensorConstant{2.0} [id B] <TensorType(float64, scalar)>",
    ]


@pytest.mark.single_mode
def test_debugprint_multi_output_and_apply():
    x = T.vector("x")
    o0, o1 = TwoOut()(x)
    expected = ["TwoOut.0 [id A] ''", " |x [id B]", "TwoOut.1 [id A] ''"]
    assert debugprint([o0, o1], file="str").splitlines() == expected
    assert debugprint(o0.owner, file="str").splitlines() == expected
    assert debugprint(o1, file="str").splitlines() == ["TwoOut.1 [id A] ''", " |x [id B]"]


@pytest.mark.single_mode
def test_debugprint_compiled_function_with_updates():
    x, y = T.vector("x"), T.vector("y")
    w = transpile.shared(np.zeros(3), name="w")
    f = transpile.function([x, y], x * y, updates={w: w + x}, mode=RAW)
    assert debugprint(f, file="str") == textwrap.dedent("""\
        Elemwise{mul,no_inplace} [id A] ''   0
         |x [id B]
         |y [id C]
        Elemwise{add,no_inplace} [id D] ''   1
         |w [id E]
         |x [id B]
        Updates:
         w [id E] <- Elemwise{add,no_inplace} [id D]
        """)


@pytest.mark.single_mode
def test_debugprint_function_graph_uses_toposort_positions():
    x, y = T.scalar("x"), T.scalar("y")
    prod = x * y
    fg = FunctionGraph([x, y], [T.exp(prod), prod], clone=False)
    assert debugprint(fg, file="str").splitlines() == [
        "Elemwise{exp,no_inplace} [id A] ''   1",
        " |Elemwise{mul,no_inplace} [id B] ''   0",
        "   |x [id C]",
        "   |y [id D]",
        "Elemwise{mul,no_inplace} [id B] ''   0",
    ]


def test_debugprint_compiled_function_any_mode(mode):
    x = T.vector("x")
    f = transpile.function([x], T.exp(x) * 2)
    text = debugprint(f, file="str")
    assert text.endswith("\n") and "[id A]" in text and "Updates:" not in text
    # the update section only appears with updates, and every line is printable
    assert all(line.strip() for line in text.splitlines())


@pytest.mark.single_mode
def test_debugprint_files_and_done(capsys):
    a = seed_graph()
    assert debugprint(a) is sys.stdout
    assert capsys.readouterr().out == debugprint(a, file="str")
    buf = io.StringIO()
    assert debugprint(a, file=buf) is buf
    assert buf.getvalue() == debugprint(a, file="str")
    done = {}
    debugprint(a, file="str", done=done)
    second = debugprint(T.exp(a), file="str", done=done).splitlines()
    assert second == ["Elemwise{exp,no_inplace} [id F] ''", " |Elemwise{mul,no_inplace} [id A] ''"]
    with pytest.raises(TypeError, match="debugprint"):
        debugprint(3.0)


@pytest.mark.single_mode
def test_debugprint_deep_graph_does_not_recurse():
    x = T.scalar("x")
    y = x
    for _ in range(3000):
        y = T.exp(y)
    lines = debugprint(y, file="str", ids="").splitlines()
    assert len(lines) == 3001 and lines[-1].endswith("|x")
    assert pprint(y).count("exp(") == 3000
    assert min_informative_str(y).splitlines()[-1].strip() == f"{char_from_number(3000)}. x" == "ELK. x"


# -- min_informative_str --------------------------------------------------------------------------
@pytest.mark.single_mode
def test_min_informative_str_seed():
    assert min_informative_str(seed_graph()) == "A. Elemwise{mul,no_inplace}\n B. TensorConstant{2.0}\n C. z"


@pytest.mark.single_mode
def test_min_informative_str_grad_shape():
    """The seed's "grad method" outline: a nested graph where the constant 2.0 appears twice."""
    from transpile.scalar import arith as S
    x = T.scalar("x")
    two, one = T.constant(2.0), T.constant(1.0)
    mul_named = T.Elemwise(S.mul, name="Elemwise{mul}")
    g = mul_named(T.second(two * x, one), two)
    assert min_informative_str(g).splitlines() == [
        "A. Elemwise{mul}",
        " B. Elemwise{second,no_inplace}",
        "  C. Elemwise{mul,no_inplace}",
        "   D. TensorConstant{2.0}",
        "   E. x",
        "  F. TensorConstant{1.0}",
        " <D>",
    ]
    assert min_informative_str(g, indent_level=2).splitlines()[0] == "  A. Elemwise{mul}"


@pytest.mark.single_mode
def test_min_informative_str_shares_tags():
    x = T.scalar("x")
    prev, tags = {}, None
    from transpile.printing import _TagGenerator
    tags = _TagGenerator()
    first = min_informative_str(x * 2, _prev_obs=prev, _tag_generator=tags)
    second = min_informative_str(x * 3, _prev_obs=prev, _tag_generator=tags)
    assert first.splitlines()[1] == " B. x"
    assert second.splitlines() == ["D. Elemwise{mul,no_inplace}", " <B>", " E. TensorConstant{3.0}"]
    assert min_informative_str(np.ones(2)) == "A. <ndarray>"


# -- pprint ----------------------------------------------------------------------------------------
@pytest.mark.single_mode
def test_pprint_infix_and_functions():
    x, y, a = T.scalar("x"), T.scalar("y"), T.scalar("a")
    assert pp is pprint
    assert pprint((x + y) * x) == "((x + y) * x)"
    assert pprint(T.exp(a)) == "exp(a)"
    assert pprint(2. * x) == "(2.0 * x)"
    assert pprint(x - (y - x)) == "(x - (y - x))"
    assert pprint(x + y + a) == "((x + y) + a)"
    assert pprint(T.add(x, y, a)) == "(x + y + a)"
    assert pprint(-x) == "(-x)"
    assert pprint(x ** -1.) == "(x ** (-1.0))"
    assert pprint(x / T.sqrt(y)) == "(x / sqrt(y))"
    assert pprint(T.second(x, y)) == "second(x, y)"
    iv = T.ivector("iv")
    assert pprint(iv + 1) == "(iv + 1)"
    assert pprint([x + y, T.exp(x)]) == "(x + y)\nexp(x)"


@pytest.mark.single_mode
def test_pprint_minimal_parens():
    x, y, a = T.scalar("x"), T.scalar("y"), T.scalar("a")
    def mp(v):
        return pprint(v, minimal_parens=True)
    assert mp((x + y) * x) == "(x + y) * x"
    assert mp(x + y * a) == "x + y * a"
    assert mp(x - (y - a)) == "x - (y - a)"
    assert mp((x - y) - a) == "x - y - a"
    assert mp(x ** (y ** a)) == "x ** y ** a"
    assert mp((x ** y) ** a) == "(x ** y) ** a"
    assert mp(-(-x)) == "-(-x)"
    assert mp(-(x + y)) == "-(x + y)"


@pytest.mark.single_mode
def test_pprint_dimshuffle_reduce_shape_constants():
    m, q, v = T.tensor3("m"), T.matrix("q"), T.vector("v")
    assert pprint(q.T) == "q.T"
    assert pprint((q + q).T) == "(q + q).T"
    assert pprint(m.dimshuffle(2, "x", 0, 1)) == "DimShuffle{2,x,0,1}(m)"
    assert pprint(v + 1) == "(v + 1.0)"  # the broadcasting DimShuffle of 1.0 is not shown
    assert pprint(m.sum(axis=(0, 2))) == "sum(m, axis=(0, 2))"
    assert pprint(m.sum()) == "sum(m)"
    assert pprint(m.max(axis=1)) == "max(m, axis=1)"
    assert pprint(q.shape) == "q.shape"
    assert pprint(q + T.constant(np.array([[1., 2.]]))) == "(q + [[1., 2.]])"
    assert pprint(T.constant(3.0, name="three") * v) == "(three * v)"
    big = T.constant(np.zeros(20))
    assert pprint(big) == str(big)


@pytest.mark.single_mode
def test_pprint_indexing_and_dot():
    x, i, iv, y = T.matrix("x"), T.iscalar("i"), T.ivector("iv"), T.vector("y")
    assert pprint(x[0:2]) == "x[0:2]"
    assert pprint(x[1:i:2, 0]) == "x[1:i:2, 0]"
    assert pprint(x[i]) == "x[i]"
    assert pprint(x[::2]) == "x[::2]"
    assert pprint(x[iv]) == "x[iv]"
    assert pprint((x + x)[0]) == "(x + x)[0]"
    assert pprint(T.set_subtensor(x[0], y)) == "set_subtensor(x[0], y)"
    assert pprint(T.inc_subtensor(x[iv], 1.0)) == "inc_subtensor(x[iv], 1.0)"
    assert pprint(T.dot(x, y)) == "dot(x, y)"


@pytest.mark.single_mode
def test_pprint_unknown_ops_names_and_rules():
    x, y = T.vector("x"), T.vector("y")
    o0, o1 = TwoOut()(x)
    assert pprint(o0 + o1) == "(TwoOut(x).0 + TwoOut(x).1)"
    z = x + y
    z.name = "z"
    assert pprint(z * x) == "((x + y) * x)"
    assert pprint(z * x, stop_on_name=True) == "(z * x)"
    assert pprint(z, stop_on_name=True) == "(x + y)"
    assert pprint(Print("here")(x)) == "Print{here}(x)"
    from transpile.printing import PPrinter
    custom = PPrinter()
    custom.assign(TwoOut, lambda state, var, args: (f"two[{var.index}]({args[0][0]})", 100))
    assert custom(o1) == "two[1](x)"
    with pytest.raises(TypeError, match="pprint"):
        pprint(3)


# -- Print -----------------------------------------------------------------------------------------
def test_print_passes_value_through(mode, capsys):
    x = T.vector("x")
    f = transpile.function([x], Print("x")(x) * 2)
    np.testing.assert_array_equal(f(np.array([1.0, 2.0])), [2.0, 4.0])
    assert capsys.readouterr().out == "x __str__ = [1. 2.]\n"


def test_print_attrs_and_global_fn(mode):
    seen = []
    x = T.matrix("x")
    p = Print("m", attrs=("shape", "sum"), global_fn=lambda op, v: seen.append((op.message, v.copy())))
    f = transpile.function([x], T.exp(p(x)))
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(f(value), np.exp(value))
    assert len(seen) == 1 and seen[0][0] == "m"
    np.testing.assert_array_equal(seen[0][1], value)


@pytest.mark.single_mode
def test_print_default_fn_formats_attrs(capsys):
    x = T.matrix("x")
    out = Print("m", attrs=("shape", "sum"))(x)
    out.owner.op.perform(out.owner, [np.ones((2, 3))], [[None]])
    assert capsys.readouterr().out == "m shape = (2, 3)\nm sum = 6.0\n"


@pytest.mark.single_mode
def test_print_op_properties():
    x = T.vector("x")
    op = Print("x")
    assert op == Print("x") and hash(op) == hash(Print("x")) and op != Print("y")
    assert op.view_map == {0: [0]} and op.foldable is False
    out = op(x)
    assert out.type == x.type and str(op) == "Print{x}"
    assert op.infer_shape(out.owner, [("s0",)]) == [("s0",)]
    assert op.grad([x], ["g"]) == ["g"]
    value = np.array([1.0, 2.0])
    cell = [None]
    Print("v", global_fn=lambda op, v: None).perform(out.owner, [value], [cell])
    assert cell[0] is value  # a view: passed through, not copied


def test_print_not_constant_folded(mode):
    seen = []
    c = Print("c", global_fn=lambda op, v: seen.append(float(v)))(T.constant(3.0))
    f = transpile.function([], c * 2)
    assert seen == []
    assert float(f()) == 6.0 and seen == [3.0]
    f()
    assert seen == [3.0, 3.0]


def test_print_grad_passes_through(mode):
    grad = transpile.gradient.grad
    x = T.vector("x")
    silent = Print("x", global_fn=lambda op, v: None)
    g = grad((silent(x) ** 2).sum(), x)
    f = transpile.function([x], g)
    np.testing.assert_allclose(f(np.array([1.0, -2.0, 3.0])), [2.0, -4.0, 6.0])


# -- determinism -----------------------------------------------------------------------------------
SCRIPT = """
import numpy as np
import transpile
from transpile import tensor as T
from transpile.printing import debugprint, min_informative_str, pprint, pydotprint
x, y = T.matrix("x"), T.vector("y")
w = transpile.shared(np.ones(3), name="w")
z = T.exp(x * w + y.dimshuffle(0, "x")).sum(axis=1)
cost = (z * z + T.log(z)).sum()
f = transpile.function([x, y], [cost, z], updates={w: w * 2},
                       mode=transpile.Mode(linker="py", optimizer=None))
print(debugprint([cost, z], file="str"))
print(debugprint(f, file="str"))
print(min_informative_str(cost))
print(pprint(cost))
print(pydotprint(f))
print(pydotprint([cost, z], format="html"))
"""


@pytest.mark.single_mode
def test_output_independent_of_hash_seed():
    root = os.path.dirname(os.path.dirname(os.path.abspath(transpile.__file__)))
    outputs = []
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=root)
        env.pop("TRANSPILE_FLAGS", None)
        run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert "Updates:" in outputs[0] and "<svg" in outputs[0]
