"""DEBUG_MODE runs each graph optimized and unoptimized and compares them node by node: the
rewrites keep values (and every new op's infer_shape agrees with its perform)."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.compile.debugmode import DebugMode
from transpile import function

pytestmark = pytest.mark.single_mode


def _check(inputs, outputs, values):
    f = function(inputs, outputs, mode="DEBUG_MODE")
    f(*values)  # raises BadOptimizationError / BadShapeError / ... on any disagreement
    return f


def test_arithmetic_rewrites(rng):
    x, y = T.vector("x"), T.vector("y")
    out = [(x + y) + (x + y), x * 1 + 0 - 0, -(-x) / 1, x ** 2 + x ** 0.5 + x ** -1, 3 * x + x,
           T.log(1 + x), T.exp(x) - 1, T.log(T.sigmoid(y)), T.log(1 - T.sigmoid(y)), x + T.zeros_like(y)]
    _check([x, y], out, [rng.uniform(0.5, 2, size=4), rng.normal(size=4)])


def test_shape_rewrites(rng):
    m = T.matrix("m")
    e = T.exp(m) * 2
    _check([m], [e.shape, e.shape[1], T.zeros((e.shape[0], 2)), T.dot(e, m.T).shape], [rng.normal(size=(2, 3))])


def test_softmax_and_xent(rng):
    x, y = T.matrix("x"), T.ivector("y")
    W, b = T.matrix("W"), T.vector("b")
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = T.mean(T.nnet.categorical_crossentropy(p, y))
    gW, gb = T.grad(cost, [W, b])
    e = T.exp(x)
    naive = e / e.sum(axis=1, keepdims=True)
    _check([x, y, W, b], [cost, gW, gb, naive, T.log(naive), -T.log(naive)[T.arange(y.shape[0]), y]],
           [rng.normal(size=(4, 3)), np.array([0, 2, 1, 1], dtype="int32"), rng.normal(size=(3, 3)),
            rng.normal(size=3)])


def test_blas_rewrites(rng):
    z, x, y, a = T.matrix("z"), T.matrix("x"), T.matrix("y"), T.scalar("a")
    u, v = T.vector("u"), T.vector("v")
    out = [z + a * T.dot(x, y), T.dot(x.T, y.T) - z, T.tanh(T.dot(x, y) + u), z + T.outer(v, u),
           u + 2 * T.dot(x, v), T.exp(z) + T.dot(x, y)]
    _check([z, x, y, a, u, v], out, [rng.normal(size=(3, 3)), rng.normal(size=(3, 3)),
                                     rng.normal(size=(3, 3)), 0.5, rng.normal(size=3), rng.normal(size=3)])


def test_fusion_reduce_and_inplace(rng):
    x = T.matrix("x")
    chain = T.exp(-x * x) * T.sin(x) + T.tanh(0.5 * x) * T.sqrt(T.abs_(x) + 1)
    out = [chain, T.sum(chain, axis=1), T.max(T.exp(x) + 1, axis=0), T.mean(T.sqr(x - 1)),
           T.log(T.dot(x, x.T) + 10) * 3]
    _check([x], out, [rng.normal(size=(3, 3))])


def test_debug_mode_blames_a_bad_rewrite_name():
    """The comparison is real: a wrong rewrite is caught (a sanity check of the checker)."""
    from transpile.compile.debugmode import BadOptimizationError
    from transpile.graph.rewriting import node_rewriter
    from transpile.scalar import arith as S

    @node_rewriter("test_rw_debugmode_bad", tracks=(T.Elemwise,), name="test_rw_bad_sqr")
    def bad(fgraph, node):
        if isinstance(node.op.scalar_op, S.Sqr):
            return [node.inputs[0] * 3]
        return None

    x = T.vector("x")
    f = function([x], T.sqr(x), mode=DebugMode().including("test_rw_debugmode_bad"))
    with pytest.raises(BadOptimizationError, match="test_rw_bad_sqr"):
        f(np.array([1.0, 2.0]))


def test_training_graph_of_the_determinism_test(rng):
    from tests.graph.test_rewriting_framework import GRAPH
    namespace = {}
    exec(GRAPH, namespace)
    inputs, outputs = namespace["build"]()
    values = [rng.normal(size=(4, 3)), np.array([0, 2, 1, 1], dtype="int32"), rng.normal(size=(3, 3)),
              rng.normal(size=3)]
    _check(inputs, outputs, values)
