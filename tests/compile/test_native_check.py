"""DEBUG_MODE compares every node's native result with its reference result."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.compile.native_check import NativeMismatchError
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.registry import register_lowering
from transpile.graph import Apply, Op


class Double(Op):
    """2 * x in numpy; its (deliberately wrong) native lowering computes 3 * x."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def infer_shape(self, node, input_shapes):
        return input_shapes


@register_lowering(Double)
def _lower_double_wrongly(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    body = lambda values: ([], [f"{values[0]} * {dst.ctype}(3)"])  # noqa: E731  the bug
    lc.emit(*map_loop([Operand.of(dst.name, dst.ctype, out.broadcastable)],
                      [Operand.of(src.name, src.ctype, x.broadcastable)], body, f"{src.name}.shape", out.ndim))


@pytest.mark.single_mode
def test_debug_mode_names_the_node_whose_native_code_differs():
    x = T.vector("x")
    y = T.exp(Double()(x)) + 1
    f = transpile.function([x], y, mode="DEBUG_MODE")
    with pytest.raises(NativeMismatchError, match=r"(?s)native code of Double.*reference"):
        f(np.array([0.5, 1.0]))


@pytest.mark.single_mode
def test_debug_mode_accepts_agreeing_native_code(rng):
    x, w = T.matrix("x"), T.vector("w")
    y = T.nnet.softmax(T.dot(x, x.T) + w).sum(axis=0) * T.exp(w) + T.tanh(x).max(axis=1)
    f = transpile.function([x, w], y, mode="DEBUG_MODE")
    xv, wv = rng.normal(size=(3, 3)), rng.normal(size=3)
    ref = transpile.function([x, w], y, mode="FAST_COMPILE")(xv, wv)
    np.testing.assert_allclose(f(xv, wv), ref)


class NumpyOnly(Op):
    """A user op with no native lowering."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] + 1

    def infer_shape(self, node, input_shapes):
        return input_shapes


def test_user_ops_without_a_lowering_run_on_the_host(mode):
    """A Theano-style user op with only `perform` runs in Python between native segments (in
    FAST_RUN and in DEBUG_MODE's native check); it cannot be exported."""
    x = T.vector("x")
    y = T.exp(NumpyOnly()(x * 2)) * 3
    for m in (mode, "DEBUG_MODE"):
        f = transpile.function([x], y, mode=m)
        np.testing.assert_allclose(f(np.array([1.0, 2.0])), np.exp(np.array([3.0, 5.0])) * 3)


def test_an_elemwise_subclass_with_its_own_perform_keeps_its_semantics(mode):
    class Halve(T.Elemwise):
        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = np.asarray(inputs[0] / 2, dtype=node.outputs[0].dtype)

    from transpile.scalar.arith import identity
    x = T.vector("x")
    f = transpile.function([x], Halve(identity)(x) + 1)
    np.testing.assert_allclose(f(np.array([2.0, 4.0])), [2.0, 3.0])
