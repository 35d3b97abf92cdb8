"""DebugMode catches wrong ops and wrong rewrites, naming the node."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config, function
from transpile.compile import (
    BadDestroyMap,
    BadOptimizationError,
    BadShapeError,
    BadViewMap,
    DebugMode,
    DebugModeError,
    InvalidValueError,
    get_mode,
)
from transpile.graph import Apply, Op
from transpile.graph.rewriting import node_rewriter
from transpile.scalar import arith as S


class _Unary(Op):
    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return input_shapes


class WrongShape(_Unary):
    """Doubles x, but claims its output has one more row."""

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0] * 2

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [(shp[0] + 1,) + tuple(shp[1:])]


class WrongDtype(_Unary):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].astype("float32")


class PythonScalar(_Unary):
    def perform(self, node, inputs, out):
        out[0][0] = float(inputs[0].sum())


class Overwrites(_Unary):
    def perform(self, node, inputs, out):
        inputs[0] *= 2
        out[0][0] = inputs[0].copy()


class Aliases(_Unary):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0]


class MakesNan(_Unary):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0] * np.nan


@node_rewriter("test_debugmode_bad_rewrite", tracks=(T.Elemwise,))
def debugmode_bad_exp_rewrite(fgraph, node):
    """A deliberately wrong rewrite: exp(x) -> x + 1."""
    if isinstance(node.op.scalar_op, S.Exp):
        return [node.inputs[0] + 1.0]
    return None


def test_predefined_and_config():
    assert isinstance(get_mode("DEBUG_MODE"), DebugMode)
    assert isinstance(transpile.compile.DEBUG_MODE, DebugMode)
    assert issubclass(DebugModeError, ValueError)
    for cls in (InvalidValueError, BadShapeError, BadOptimizationError, BadDestroyMap, BadViewMap):
        assert issubclass(cls, DebugModeError)
    x = T.vector()
    with config.change_flags(mode="DEBUG_MODE"):
        f = function([x], T.exp(x))
    assert isinstance(f.maker.mode, DebugMode)


def test_good_graph_passes(rng):
    x, m = T.vector("x"), T.matrix("m")
    w = transpile.shared(rng.normal(size=3), name="w")
    out = T.sum(T.exp(m) * x + w, axis=0) / (1 + T.sum(x * x))
    f = function([x, m], [out, T.grad(T.sum(out), x)], mode="DEBUG_MODE", updates=[(w, w * 0.5)])
    X, M = rng.normal(size=3), rng.normal(size=(2, 3))
    ref = function([x, m], out, mode="FAST_COMPILE")(X, M)
    np.testing.assert_allclose(f(X, M)[0], ref)
    np.testing.assert_allclose(w.get_value(), function([], w, mode="FAST_COMPILE")())


def test_wrong_infer_shape():
    x = T.matrix("x")
    f = function([x], WrongShape()(x), mode="DEBUG_MODE")
    with pytest.raises(BadShapeError, match=r"(?s)WrongShape.*\(2, 3\).*\(3, 3\)"):
        f(np.ones((2, 3)))


def test_wrong_dtype_perform():
    x = T.vector("x")
    f = function([x], WrongDtype()(x) * 2, mode="DEBUG_MODE")
    with pytest.raises(InvalidValueError, match="(?s)WrongDtype.*float64"):
        f(np.ones(3))
    g = function([x], PythonScalar()(x), mode="DEBUG_MODE")
    with pytest.raises(InvalidValueError, match="PythonScalar"):
        g(np.ones(3))


def test_nan_appearing():
    x = T.vector("x")
    f = function([x], T.sum(MakesNan()(x)), mode="DEBUG_MODE")
    with pytest.raises(InvalidValueError, match="(?s)NaN.*MakesNan"):
        f(np.ones(3))
    g = function([x], T.log(x), mode="DEBUG_MODE")
    with pytest.raises(ValueError, match="log"):
        g(np.array([-1.0, 2.0]))
    # NaN already in the inputs is not the node's fault
    np.testing.assert_allclose(function([x], x * 2, mode="DEBUG_MODE")(np.array([np.nan, 1.0])), [np.nan, 2.0])
    # ... and the check can be turned off
    function([x], T.log(x), mode=DebugMode(check_isfinite=False))(np.array([-1.0]))


def test_inf_appearing():
    x = T.vector("x")
    f = function([x], 1.0 / x, mode="DEBUG_MODE")
    with pytest.raises(InvalidValueError, match="(?s)Inf.*true_div"):
        f(np.array([0.0, 1.0]))


def test_wrong_rewrite():
    x = T.vector("x")
    mode = DebugMode().including("test_debugmode_bad_rewrite")
    f = function([x], T.exp(x) * 2, mode=mode)
    assert not any(isinstance(getattr(n.op, "scalar_op", None), S.Exp) for n in f.maker.fgraph.toposort())
    with pytest.raises(BadOptimizationError, match="(?s)debugmode_bad_exp_rewrite.*exp"):
        f(np.array([0.5, 1.0]))
    # without the bad rewrite all is well
    function([x], T.exp(x) * 2, mode="DEBUG_MODE")(np.array([0.5, 1.0]))


def test_undeclared_destroy_and_view():
    x = T.vector("x")
    with pytest.raises(BadDestroyMap, match="Overwrites"):
        function([x], Overwrites()(x) + 1, mode="DEBUG_MODE")(np.ones(2))
    with pytest.raises(BadViewMap, match="Aliases"):
        function([x], Aliases()(x) + 1, mode="DEBUG_MODE")(np.ones(2))


def test_error_includes_debugprint():
    x = T.matrix("xin")
    f = function([x], WrongShape()(x), mode="DEBUG_MODE")
    with pytest.raises(BadShapeError) as info:
        f(np.ones((2, 2)))
    assert "xin" in str(info.value) and "Apply node" in str(info.value)


def test_optimizer_none_still_checks():
    x = T.matrix("x")
    f = function([x], WrongShape()(x), mode=DebugMode(optimizer=None))
    with pytest.raises(BadShapeError):
        f(np.ones((1, 1)))
