"""The lowering driver and registry: rules found through the MRO, host-only ops, clear errors,
buffer roles (views never copy, outputs are caller-visible buffers), temporaries freed."""
import pytest

import transpile.tensor as T
from transpile.emit import LoweringError, find_lowering, is_host_only, lower, register_host_only
from transpile.emit.registry import HOST_ONLY, LOWERINGS, RULE_INFO, register_lowering, rule_info
from transpile.graph import Apply, Op
from transpile.graph.fg import FunctionGraph
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.reduce import Max, Min

pytestmark = pytest.mark.single_mode


class Opaque(Op):
    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])


def test_rules_are_found_through_the_mro():
    assert find_lowering(Min((0,))) is find_lowering(Max((0,)))  # Min subclasses Max: CAReduce's rule

    class MyElemwise(Elemwise):
        pass

    assert find_lowering(MyElemwise(T.exp.op.scalar_op)) is find_lowering(T.exp.op)
    assert find_lowering(Opaque()) is None


def test_each_target_has_its_own_table(monkeypatch):
    """A rule is registered for one target (C++ by default), a CUDA rule with what the
    placement needs to know (inputs read on the host, the nodes it accepts)."""
    find_lowering(T.exp.op, target="cuda")  # the built-in rules are registered first
    monkeypatch.setitem(LOWERINGS, "cuda", dict(LOWERINGS["cuda"]))
    monkeypatch.setitem(RULE_INFO, "cuda", dict(RULE_INFO["cuda"]))

    def rule(lc, node):
        raise AssertionError("never called")

    accepts = lambda node: node.inputs[0].dtype == "float32"  # noqa: E731
    assert register_lowering(Opaque, target="cuda", host_inputs=(1,), when=accepts)(rule) is rule
    assert find_lowering(Opaque(), target="cuda") is rule
    assert rule_info(Opaque(), target="cuda").host_inputs == (1,)
    assert rule_info(Opaque(), target="cuda").accepts(Opaque()(T.fvector()).owner)
    assert not rule_info(Opaque(), target="cuda").accepts(Opaque()(T.dvector()).owner)
    assert find_lowering(Opaque()) is None and find_lowering(Opaque(), target="cpp") is None and rule_info(Opaque()) is None
    assert find_lowering(T.exp.op, target="cuda") is not find_lowering(T.exp.op)
    for bad in (lambda: find_lowering(T.exp.op, target="metal"), lambda: register_lowering(Opaque, target="gpu")):
        with pytest.raises(ValueError, match="unknown lowering target"):
            bad()


def test_missing_lowering_names_the_op_and_the_node():
    x = T.vector("x")
    with pytest.raises(LoweringError) as info:
        lower(FunctionGraph([x], [T.exp(Opaque()(x))]))
    message = str(info.value)
    assert "no native lowering for op Opaque" in message and "node 0" in message
    assert "test_lowering.Opaque" in message and "FAST_COMPILE" in message


def test_host_only_declarations(monkeypatch):
    from transpile.printing import Print
    assert is_host_only(Print("hi"))
    # a user op (defined outside transpile) without a lowering runs on the host
    assert is_host_only(Opaque())
    # an op of transpile itself without a lowering is host-only only when declared
    monkeypatch.setattr(Opaque, "__module__", "transpile.fake")
    assert not is_host_only(Opaque())
    register_host_only(Opaque, "a test op that only Python can run")
    try:
        assert is_host_only(Opaque())
    finally:
        del HOST_ONLY[f"{Opaque.__module__}.{Opaque.__qualname__}"]


def test_views_alias_outputs_copy_and_temporaries_are_freed():
    x, y = T.matrix("x"), T.matrix("y")
    a = T.exp(x)            # temp, dead after b
    b = a * y               # output 0
    view = b.T              # a view of an output, itself returned: copied into out1
    program = lower(FunctionGraph([x, y], [b, view, x], clone=False))
    roles = {buf.name: buf.role for buf in program.buffers}
    assert roles == {"in0": "input", "in1": "input", "t0": "temp", "t1": "output", "t2": "view",
                     "out1": "output", "out2": "output"}
    views = [b for b in program.buffers if b.role == "view"]
    assert views[0].base.name == "t1" and views[0].slot is None  # no memory of its own
    released = [(step.comment.split(":")[0], line) for step in program.steps for line in step.lines if "release" in line]
    assert released == [("node 1", "tr::release(slots_[0]);  // t0 is dead")]
    assert [b.name for b in program.outputs] == ["t1", "out1", "out2"]
    assert program.steps[-1].comment.startswith("output 2: a copy of x")


def test_rules_record_the_unit_kernels_they_call():
    """A rule calling a kernel that a runtime unit instantiates records the instance
    (emit/cpp/unit_kernels.py), once, in the order of first use: a graph built before the unit
    has exactly these compiled beside its own source (compile/units.py)."""
    x, w = T.fmatrix("x"), T.fmatrix("w")
    fg = FunctionGraph([x, w], [T.nnet.softmax(T.dot(x, w)), x.sum(axis=0), T.nnet.logsoftmax(x, axis=0),
                                T.nnet.softmax(T.dot(w, x))])
    assert lower(fg).kernels == [
        ("blas", "void tr::product<float, float, float>(int64_t, int64_t, int64_t, float, tr::Mat<float>, tr::Mat<float>, "
                 "float, float*, int64_t, int64_t)"),
        ("softmax", "void softmax_last<false, float, 2>(const tr::Array<float, 2>&, const tr::Array<float, 2>&)"),
        ("copy", "void tr::copy<float, double, 1>(const tr::Array<float, 1>&, const tr::Array<double, 1>&)"),
        ("softmax", "void softmax_rows<true, float, 2>(const tr::Array<float, 2>&, const tr::Array<float, 2>&, int)"),
    ]
