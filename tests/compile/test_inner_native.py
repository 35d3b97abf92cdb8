"""Inner graphs lowered into the generated C++ (FAST_RUN): ifelse branches and OpFromGraph
graphs are functions of the graph's own library, so a function with them is ONE library (no
native segments, no Python between), only the branch taken runs, outputs are fresh arrays,
errors inside name the inner and the outer node; an inner graph holding a host-only op keeps
that node on the host (the old path) and stays lazy."""
import ctypes

import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.compile.builders import OpFromGraph
from transpile.compile.mode import Mode
from transpile.compile.native import NativeExecutor, SegmentedExecutor
from transpile.emit.program import DTYPE_CODES
from transpile.emit.registry import is_host_only
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.ifelse import ifelse

pytestmark = pytest.mark.single_mode


class Counted(Op):
    """Identity that counts its runs (a user op: host-only)."""

    __props__ = ("label",)
    runs = {}

    def __init__(self, label):
        self.label = label

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        Counted.runs[self.label] = Counted.runs.get(self.label, 0) + 1
        output_storage[0][0] = np.array(inputs[0], copy=True)


def _ops(f):
    return [type(n.op).__name__ for n in f.maker.fgraph.toposort()]


def test_one_library_and_only_the_branch_taken_runs(rng):
    """The then branch fails with a shape error when run (x and y differ in length): taking the
    else branch never runs it; taking it names the inner node and the ifelse node."""
    c, x, y = T.iscalar("c"), T.vector("x"), T.vector("y")
    out = ifelse(c, (x + y) * 2.0, T.exp(x))
    f = function([c, x, y], out, mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor) and "LazyIfElse" in _ops(f)
    lazy = next(n.op for n in f.maker.fgraph.toposort() if type(n.op).__name__ == "LazyIfElse")
    assert not lazy.then_fn._compiled and not lazy.else_fn._compiled  # no library of their own
    xv, yv = rng.standard_normal(3), rng.standard_normal(4)
    np.testing.assert_allclose(f(0, xv, yv), np.exp(xv), rtol=1e-12)
    np.testing.assert_allclose(f(5, xv, yv[:3]), (xv + yv[:3]) * 2.0, rtol=1e-12)
    with pytest.raises(ValueError) as info:
        f(1, xv, yv)
    message = str(info.value)
    assert "Input dimension mis-match" in message and "(3,)" in message and "(4,)" in message
    assert "Apply node that caused the error: node 0: Elemwise{" in message
    assert "in the inner graph of node: node 0: LazyIfElse(c, x, y, x)" in message


def test_nested_several_outputs_shapes_dtypes_and_fresh_outputs(rng):
    """One library: ifelse nested in a branch, branches of different shapes, several outputs,
    bool/int/float (NaN) conditions, float32 and int32 values, an output that is an input
    (returned as a fresh copy), and a graph output taken straight from the branch."""
    c, k = T.scalar("c"), T.iscalar("k")
    flag = T.TensorType("bool", ())("flag")
    x, m = T.vector("x"), T.matrix("m")
    s, i = T.vector("s", dtype="float32"), T.ivector("i")
    nested = ifelse(k, ifelse(T.lt(c, 0), x * 2.0, x[:2]), T.concatenate([x, x]))
    first, second = ifelse(flag, [m.T, T.sum(s)], [m * 3.0, T.max(s)])
    ints = ifelse(c, i + 1, i[::-1])
    same = ifelse(k, x, -x)
    f = function([c, k, flag, x, m, s, i], [nested, first, second, ints, same], mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor)
    xv, mv = rng.standard_normal(4), rng.standard_normal((2, 3))
    sv, iv = rng.standard_normal(5).astype("float32"), np.arange(6, dtype="int32")
    for cv, kv, fv in [(-1.0, 1, True), (2.0, 1, False), (0.0, 0, True), (np.nan, 0, False)]:
        got = f(cv, kv, fv, xv, mv, sv, iv)
        want = [(xv * 2.0 if cv < 0 else xv[:2]) if kv else np.concatenate([xv, xv]),
                mv.T if fv else mv * 3.0, sv.sum() if fv else sv.max(), iv + 1 if cv != 0 else iv[::-1],
                xv if kv else -xv]
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-6)
        assert not np.shares_memory(got[4], xv)
        got[4][...] = 0.0  # the caller owns it
    np.testing.assert_allclose(f(1.0, 1, True, xv, mv, sv, iv)[4], xv)


def test_ifelse_inside_op_from_graph_inside_ifelse(rng):
    c, v = T.scalar("c"), T.vector("v")
    pick = OpFromGraph([c, v], [ifelse(T.gt(c, 0.5), T.exp(v), -v), T.sum(v)], name="pick")
    d, x = T.scalar("d"), T.vector("x")
    picked, total = pick(d, x)
    out = ifelse(T.gt(d, 0.0), picked * total, T.zeros_like(x))
    f = function([d, x], [out, pick(d * 2.0, x)[0]], mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor)
    xv = rng.standard_normal(5)
    for dv in (1.0, 0.25, -1.0):
        got = f(dv, xv)
        inner = np.exp(xv) if dv > 0.5 else -xv
        np.testing.assert_allclose(got[0], inner * xv.sum() if dv > 0 else np.zeros(5), rtol=1e-12)
        np.testing.assert_allclose(got[1], np.exp(xv) if 2 * dv > 0.5 else -xv, rtol=1e-12)


def test_errors_inside_op_from_graph_name_both_nodes():
    a, b = T.vector("a"), T.vector("b")
    diff = OpFromGraph([a, b], [a - b], name="diff")
    x, y = T.vector("x"), T.vector("y")
    f = function([x, y], diff(x, y) * 3.0, mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor)
    np.testing.assert_allclose(f(np.ones(2), np.zeros(2)), [3.0, 3.0])
    with pytest.raises(ValueError, match=r"Elemwise\{sub,no_inplace\}\(a, b\)\nin the inner graph of node: "
                                         r"node 0: diff\{inline=False\}\(x, y\)"):
        f(np.ones(3), np.ones(4))


def test_a_host_op_in_a_branch_keeps_that_node_on_the_host(rng):
    """A branch holding a host-only op (even deep inside: an OpFromGraph in an ifelse) makes
    that ifelse node host-only; the other ifelse of the function stays native, and only the
    branch taken runs."""
    c, x, y = T.scalar("c"), T.vector("x"), T.vector("y")
    v = T.vector("v")
    wrapped = OpFromGraph([v], [Counted("deep")(v) * 2.0], name="wrapped")
    hosted = ifelse(T.gt(c, 0), T.sum(Counted("then")(x)), T.sum(wrapped(y)))
    native = ifelse(T.lt(c, 0), x * 2.0, y + 1.0)
    f = function([c, x, y], [hosted, native], mode="FAST_RUN")
    assert isinstance(f.executor, SegmentedExecutor)
    kinds = [(item[0], type(item[1].op).__name__ if item[0] == "host" else None) for item in f.executor.plan]
    assert ("host", "LazyIfElse") in kinds and sum(kind == "host" for kind, _ in kinds) == 1
    assert is_host_only(wrapped)
    xv, yv = rng.standard_normal(3), rng.standard_normal(3)
    Counted.runs.clear()
    got = f(1.0, xv, yv)
    np.testing.assert_allclose(got[0], xv.sum(), rtol=1e-12)
    np.testing.assert_allclose(got[1], yv + 1.0, rtol=1e-12)
    assert Counted.runs == {"then": 1}
    Counted.runs.clear()
    got = f(-1.0, xv, yv)
    np.testing.assert_allclose(got[0], 2.0 * yv.sum(), rtol=1e-12)
    np.testing.assert_allclose(got[1], xv * 2.0, rtol=1e-12)
    assert Counted.runs == {"deep": 1}


def test_plain_ifelse_is_a_native_select(rng):
    """Without the lazy pass the IfElse node (both values computed) copies the chosen one."""
    mode = Mode("native", "fast_run").excluding("lazy_ifelse")
    c, x, y = T.iscalar("c"), T.matrix("x"), T.matrix("y")
    first, second = ifelse(c, [x, T.exp(y)], [y.T, x + 1.0])
    f = function([c, x, y], [first, second], mode=mode)
    assert isinstance(f.executor, NativeExecutor) and "IfElse" in _ops(f) and "LazyIfElse" not in _ops(f)
    xv, yv = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    got = f(1, xv, yv)
    np.testing.assert_allclose(got[0], xv)
    np.testing.assert_allclose(got[1], np.exp(yv), rtol=1e-12)
    assert not np.shares_memory(got[0], xv)
    got = f(0, xv, yv)
    np.testing.assert_allclose(got[0], yv.T)
    np.testing.assert_allclose(got[1], xv + 1.0)


class _Tensor(ctypes.Structure):
    """transpile_tensor of the C ABI (templates/abi_types.h.j2): strides count elements."""
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("shape", ctypes.c_int64 * 16), ("strides", ctypes.c_int64 * 16),
                ("memory", ctypes.c_int32), ("device", ctypes.c_int32)]


def _describe(array):
    t = _Tensor()
    t.data, t.dtype, t.ndim = array.ctypes.data, DTYPE_CODES[array.dtype.name], array.ndim
    for d in range(array.ndim):
        t.shape[d], t.strides[d] = array.shape[d], array.strides[d] // array.itemsize
    return t


def test_a_branch_writes_into_the_callers_output_array(rng):
    """Through the C ABI with a caller-provided output: the branch's function writes straight
    into it (no copy, no allocation); a wrong shape is a clear error naming both nodes."""
    c, x, y = T.iscalar("c"), T.vector("x"), T.vector("y")
    f = function([c, x, y], ifelse(c, x * 2.0, y + 1.0), mode="FAST_RUN")
    artifact = f.executor.entry.artifact
    lib = ctypes.CDLL(str(artifact))
    name = artifact.name[len("lib"):-len(".so")]
    state = ctypes.c_void_p()
    assert getattr(lib, f"{name}_create")(ctypes.byref(state)) == 0
    run, last_error = getattr(lib, f"{name}_run"), getattr(lib, f"{name}_last_error")
    last_error.restype = ctypes.c_char_p
    xv, yv = rng.standard_normal(4), rng.standard_normal(4)
    try:
        for cv, want in ((1, xv * 2.0), (0, yv + 1.0)):
            out = np.full(4, np.nan)
            ins = (_Tensor * 3)(_describe(np.array(cv, dtype="int32")), _describe(xv), _describe(yv))
            outs = (_Tensor * 1)(_describe(out))
            assert run(state, ins, 3, outs, 1) == 0, last_error(state)
            assert outs[0].data == out.ctypes.data
            np.testing.assert_allclose(out, want, rtol=1e-12)
        wrong = np.zeros(3)
        outs = (_Tensor * 1)(_describe(wrong))
        assert run(state, ins, 3, outs, 1) == 4  # TRANSPILE_ERR_SHAPE
        message = last_error(state).decode()
        assert "expected a C-contiguous array of shape (4,), got shape (3,)" in message
        assert "in the inner graph of node: node 0: LazyIfElse(c, x, y)" in message
    finally:
        getattr(lib, f"{name}_destroy")(state)


def test_features_and_runtime_headers_asked_for_inside_branches(rng):
    """BLAS (dot), complex values and a runtime family (sort) used only inside branches reach
    the one generated source."""
    c, a, v, z = T.scalar("c"), T.matrix("a"), T.vector("v"), T.zvector("z")
    f = function([c, a, v, z], [ifelse(T.gt(c, 0), T.dot(a, v), v * 2.0),
                                ifelse(T.gt(c, 0), z * (1 + 2j), T.conj(z)),
                                ifelse(c, T.sort(v), -v)], mode="FAST_RUN")
    assert isinstance(f.executor, NativeExecutor)
    av, vv = rng.standard_normal((3, 3)), rng.standard_normal(3)
    zv = rng.standard_normal(2) + 1j * rng.standard_normal(2)
    for cv in (1.0, 0.0):
        got = f(cv, av, vv, zv)
        want = [av @ vv if cv else vv * 2.0, zv * (1 + 2j) if cv else np.conj(zv), np.sort(vv) if cv else -vv]
        for g, w in zip(got, want):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-12)
