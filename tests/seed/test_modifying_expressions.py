"""The seed's "Modifying expressions" slides, with `transpile` for `theano`."""
import numpy as np
import pytest

import transpile
from transpile import function
from transpile import tensor as T
from transpile.graph import Apply, Op, Variable
from transpile.printing import min_informative_str


def test_the_grad_method():
    x = T.scalar("x")
    y = 2. * x
    g = T.grad(y, x)
    text = min_informative_str(g)
    assert text.splitlines() == [
        "A. Elemwise{mul,no_inplace}",
        " B. Elemwise{second,no_inplace}",
        "  C. Elemwise{mul,no_inplace}",
        "   D. TensorConstant{2.0}",
        "   E. x",
        "  F. TensorConstant{1.0}",
        " <D>",
    ]
    assert function([x], g)(3.0) == 2.0


@pytest.mark.single_mode
def test_theano_variables():
    x = T.scalar()
    assert isinstance(x, Variable)
    y = x * 2
    assert isinstance(y, Variable)
    # every variable has a type
    assert T.frow().type == T.TensorType(broadcastable=(True, False), dtype="float32")
    assert str(T.frow().type) == "TensorType(float32, row)"
    assert str(T.matrix().type) == "TensorType(float64, matrix)"
    assert y.type == T.TensorType("float64", ())


class DoubleOp(Op):
    """A user op: 2 * x, with its gradient and shape."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def infer_shape(self, node, input_shapes):
        return input_shapes


def test_ops(rng):
    x = T.matrix()
    op = DoubleOp()
    y = op(x)  # calling an op on variables gives a new variable
    assert y.owner.op is op
    xv = rng.normal(size=(2, 3))
    np.testing.assert_allclose(function([x], y)(xv), 2 * xv)
    # an op also supplies its derivative
    g = T.grad(y.sum(), x)
    np.testing.assert_allclose(function([x], g)(xv), np.full((2, 3), 2.0))
    transpile.gradient.verify_grad(op, [xv], rng=rng)


@pytest.mark.single_mode
def test_apply_nodes():
    x = T.vector("x")
    y = T.vector("y")
    z = x + y
    node = z.owner
    assert isinstance(node, Apply)
    assert str(node.op) == "Elemwise{add,no_inplace}"
    assert node.inputs == [x, y]
    assert node.outputs == [z]
    assert x.owner is None  # inputs have no owner
    # owner/inputs/outputs are the edges of the graph
    w = T.exp(z)
    assert w.owner.inputs[0].owner.inputs[1] is y
