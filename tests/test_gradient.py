"""`transpile.gradient`: grad semantics, errors, known_grads, jacobian/hessian, verify_grad."""
import warnings

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config, function
from transpile.graph import Apply, Op
from transpile.gradient import (
    DisconnectedInputError,
    GradientError,
    NullTypeGradError,
    disconnected_grad,
    grad,
    grad_undefined,
    hessian,
    jacobian,
    verify_grad,
    zero_grad,
)
from transpile.scalar import arith as S


def ev(outputs, inputs, *values):
    return function(inputs, outputs, on_unused_input="ignore")(*values)


# -- the seed -------------------------------------------------------------------------------------
def test_seed_grad_of_two_x_is_small():
    x = T.scalar("x")
    y = 2. * x
    g = T.grad(y, x)
    assert isinstance(g.owner.op, T.Elemwise) and isinstance(g.owner.op.scalar_op, S.Mul)
    ones, two = g.owner.inputs
    assert isinstance(ones.owner.op.scalar_op, S.Second) and ones.owner.inputs[0] is y
    assert float(ones.owner.inputs[1].data) == 1.0 and float(two.data) == 2.0
    assert ev(g, [x], 5.0) == 2.0


def test_reexports():
    assert transpile.grad is grad and T.grad(T.scalar() * 1., []) == []
    assert transpile.verify_grad is verify_grad
    assert transpile.gradient.grad is grad
    assert issubclass(GradientError, ValueError)


# -- values against analytic answers --------------------------------------------------------------
SCALAR_CASES = [
    (lambda x, y: x * y, lambda x, y: (y, x)),
    (lambda x, y: x / y, lambda x, y: (1 / y, -x / y ** 2)),
    (lambda x, y: x - 3 * y, lambda x, y: (1.0, -3.0)),
    (lambda x, y: T.exp(x * y), lambda x, y: (y * np.exp(x * y), x * np.exp(x * y))),
    (lambda x, y: T.log(x) + T.sqrt(y), lambda x, y: (1 / x, 0.5 / np.sqrt(y))),
    (lambda x, y: -(x * x * x) + y, lambda x, y: (-3 * x * x, 1.0)),
    (lambda x, y: T.exp(-x) / (1 + T.exp(-x)) * y,
     lambda x, y: (y * np.exp(-x) / (1 + np.exp(-x)) ** 2 * -1, np.exp(-x) / (1 + np.exp(-x)))),
]


@pytest.mark.parametrize("case", range(len(SCALAR_CASES)))
def test_scalar_grads(case):
    build, expected = SCALAR_CASES[case]
    x, y = T.scalar("x"), T.scalar("y")
    gx, gy = grad(build(x, y), [x, y])
    got = ev([gx, gy], [x, y], 1.3, 0.7)
    np.testing.assert_allclose(got, expected(1.3, 0.7), rtol=1e-10)


def test_tensor_grads_with_broadcasting(rng):
    m, r, v = T.matrix("m"), T.row("r"), T.vector("v")
    cost = T.sum(T.exp(m) * r + v)
    gm, gr, gv = grad(cost, [m, r, v])
    assert gr.broadcastable == r.broadcastable and gv.ndim == 1
    M, R, V = rng.normal(size=(3, 4)), rng.normal(size=(1, 4)), rng.normal(size=4)
    out = ev([gm, gr, gv], [m, r, v], M, R, V)
    np.testing.assert_allclose(out[0], np.exp(M) * R)
    np.testing.assert_allclose(out[1], np.exp(M).sum(0, keepdims=True))
    np.testing.assert_allclose(out[2], np.full(4, 3.0))


def test_reductions_and_dimshuffle(rng):
    m = T.matrix("m")
    cost = T.sum(T.sum(m * m, axis=1) * T.max(m, axis=0).dimshuffle(0, "x").sum())
    M = rng.normal(size=(3, 3))
    g = ev(grad(cost, m), [m], M)
    mx = M.max(0)
    expected = 2 * M * mx.sum()
    expected[M.argmax(0), range(3)] += (M * M).sum()
    np.testing.assert_allclose(g, expected)
    verify_grad(lambda a: T.prod(a, axis=0), [rng.normal(size=(3, 2))])
    verify_grad(lambda a: a.dimshuffle(1, "x", 0) * 2., [rng.normal(size=(3, 2))])


def test_float32_grad_keeps_dtype():
    x = T.fvector("x")
    g = grad(T.sum(x * 0.5 + T.exp(x)), x)
    assert g.dtype == "float32"
    np.testing.assert_allclose(ev(g, [x], np.zeros(2, "float32")), [1.5, 1.5])


def test_structure_preserved():
    x, y = T.scalar("x"), T.scalar("y")
    c = x * y
    assert isinstance(grad(c, x), T.TensorVariable)
    assert isinstance(grad(c, [x]), list) and len(grad(c, [x])) == 1
    assert len(grad(c, (x, y))) == 2


def test_grad_wrt_intermediate_and_shared():
    x = T.scalar("x")
    w = transpile.shared(np.array([1.0, 2.0]), name="w")
    h = x * w
    cost = T.sum(h * h)
    gh, gw, gx = grad(cost, [h, w, x])
    out = ev([gh, gw, gx], [x], 3.0)
    np.testing.assert_allclose(out[0], 2 * 3.0 * np.array([1, 2.]))
    np.testing.assert_allclose(out[1], 2 * 9.0 * np.array([1, 2.]))
    np.testing.assert_allclose(out[2], 2 * 3.0 * 5.0)


# -- errors ---------------------------------------------------------------------------------------
def test_cost_must_be_scalar():
    v = T.vector("v")
    with pytest.raises(TypeError, match="scalar"):
        grad(v * 2, v)


def test_integer_wrt_is_type_error():
    i = T.iscalar("i")
    with pytest.raises(TypeError, match="integer"):
        grad(T.cast(i, "float64") * 2., i)


def test_disconnected_inputs():
    x, y = T.scalar("x"), T.scalar("unused_y")
    cost = x * 2.
    with pytest.raises(DisconnectedInputError, match="unused_y"):
        grad(cost, [x, y])
    assert issubclass(DisconnectedInputError, ValueError)
    with pytest.warns(UserWarning, match="unused_y"):
        gx, gy = grad(cost, [x, y], disconnected_inputs="warn")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gx, gy = grad(cost, [x, y], disconnected_inputs="ignore")
    assert ev(gy, [y], 1.0) == 0.0
    assert grad(cost, [x, y], disconnected_inputs="ignore", return_disconnected="None")[1] is None
    with pytest.raises(ValueError):
        grad(cost, x, disconnected_inputs="maybe")


def test_wrt_not_a_variable():
    x = T.scalar()
    with pytest.raises(TypeError):
        grad(x * 2., 3.0)


def test_no_cost_no_known_grads():
    x = T.scalar()
    with pytest.raises(TypeError):
        grad(None, x)


def test_op_without_grad_is_named():
    class NoGrad(Op):
        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0]

    x = T.scalar()
    with pytest.raises(NotImplementedError, match="NoGrad"):
        grad(NoGrad()(x) * 2., x)


def test_grad_undefined_raises_only_when_needed():
    class HalfDefined(Op):
        def make_node(self, x, y):
            return Apply(self, [x, y], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] + inputs[1]

        def grad(self, inputs, output_grads):
            return [output_grads[0], grad_undefined(self, 1, inputs[1], "y is a label")]

    x, y = T.scalar("x"), T.scalar("y")
    z = HalfDefined()(x, y)
    assert ev(grad(z, x), [x, y], 1.0, 2.0) == 1.0
    with pytest.raises(NullTypeGradError, match="HalfDefined.*label"):
        grad(z, y)


# -- known_grads, consider_constant, stopping gradients ------------------------------------------------
def test_known_grads_two_step_backprop(rng):
    x = T.matrix("x")
    w1 = transpile.shared(rng.normal(size=(3, 4)), name="w1")
    w2 = transpile.shared(rng.normal(size=(4,)), name="w2")
    hidden = T.exp(-T.sum(x.dimshuffle(0, 1, "x") * w1.dimshuffle("x", 0, 1), axis=1))
    cost = T.sum(T.log(1 + hidden * w2))
    direct = grad(cost, w1)
    g_hidden = grad(cost, hidden)
    two_step = grad(None, w1, known_grads={hidden: g_hidden})
    X = rng.normal(size=(5, 3))
    a, b = ev([direct, two_step], [x], X)
    np.testing.assert_allclose(a, b)
    # a known gradient given as a plain array works too, and so does the intermediate itself
    gh = ev(grad(None, hidden, known_grads={hidden: np.ones((1, 1))}), [x], X)
    np.testing.assert_allclose(gh, np.ones((5, 4)))


def test_known_grads_added_to_cost():
    x = T.scalar("x")
    h = x * 3.
    g = grad(h * 2., x, known_grads={h: T.constant(1.0)})
    assert ev(g, [x], 1.0) == 9.0


def test_consider_constant():
    x = T.scalar("x")
    y = x * x
    cost = y * x
    assert ev(grad(cost, x), [x], 2.0) == 12.0
    assert ev(grad(cost, x, consider_constant=[y]), [x], 2.0) == 4.0


def test_disconnected_and_zero_grad():
    x = T.scalar("x")
    cost = disconnected_grad(x * x) * x
    assert ev(grad(cost, x), [x], 3.0) == 9.0
    with pytest.raises(DisconnectedInputError):
        grad(disconnected_grad(x) * 2., x)
    assert ev(grad(zero_grad(x) * 2., x), [x], 3.0) == 0.0
    assert ev(zero_grad(x) * disconnected_grad(x), [x], 3.0) == 9.0


def test_integer_intermediate_stops_gradient():
    x = T.scalar("x")
    cost = T.cast(T.cast(x, "int64"), "float64") * 2. + x
    assert ev(grad(cost, x), [x], 2.7) == 1.0
    only_int = T.cast(T.cast(x, "int32"), "float64")
    assert ev(grad(only_int, x), [x], 2.7) == 0.0


def test_none_means_zero():
    class IgnoresSecond(Op):
        def make_node(self, x, y):
            return Apply(self, [x, y], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] * 1.0

        def grad(self, inputs, output_grads):
            return [output_grads[0], None]

    x, y = T.scalar("x"), T.scalar("y")
    gx, gy = grad(IgnoresSecond()(x, y) * 4., [x, y])
    assert ev([gx, gy], [x, y], 1.0, 2.0) == [4.0, 0.0]


def test_multi_output_zero_for_unused_output():
    class Split(Op):
        def make_node(self, x):
            return Apply(self, [x], [x.type(), x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] * 2
            out[1][0] = inputs[0] * 3

        def grad(self, inputs, output_grads):
            g0, g1 = output_grads
            assert g0 is not None and g1 is not None
            return [g0 * 2. + g1 * 3.]

    x = T.scalar("x")
    a, b = Split()(x)
    assert ev(grad(b * 5., x), [x], 1.0) == 15.0


def test_user_elemwise_subclass_grad_is_honoured():
    class DoubledGrad(T.Elemwise):
        def grad(self, inputs, output_grads):
            return [output_grads[0] * 2.]

    x = T.vector("x")
    y = DoubledGrad(S.identity)(x)
    g = grad(T.sum(y), x)
    np.testing.assert_allclose(ev(g, [x], np.ones(3)), [2., 2., 2.])


# -- jacobian / hessian ---------------------------------------------------------------------------
def test_jacobian(rng):
    v = T.vector("v")
    m = T.matrix("m")
    J = jacobian(T.exp(v) * T.sum(v), v)
    V = rng.normal(size=3)
    expected = np.diag(np.exp(V) * V.sum()) + np.exp(V)[:, None]
    np.testing.assert_allclose(ev(J, [v], V), expected)
    Jm, Jv = jacobian(T.sum(m * v, axis=1), [m, v])
    M = rng.normal(size=(2, 3))
    jm, jv = ev([Jm, Jv], [m, v], M, V)
    assert jm.shape == (2, 2, 3) and jv.shape == (2, 3)
    exp_jm = np.zeros((2, 2, 3))
    exp_jm[0, 0], exp_jm[1, 1] = V, V
    np.testing.assert_allclose(jm, exp_jm)
    np.testing.assert_allclose(jv, M)
    # a 0-d expression gives the gradient
    np.testing.assert_allclose(ev(jacobian(T.sum(v * v), v), [v], V), 2 * V)


def test_jacobian_single_element_is_symbolic():
    r = T.TensorType("float64", (True, True))("r")
    J = jacobian(T.exp(r), r)
    assert J.ndim == 4 and J.owner.op.__class__.__name__ != "JacobianOp"
    np.testing.assert_allclose(ev(J, [r], np.ones((1, 1))), np.full((1, 1, 1, 1), np.e))


def test_hessian(rng):
    v = T.vector("v")
    H = hessian(T.sum(v * v * v) + T.sum(v) * T.sum(v), v)
    V = rng.normal(size=4)
    np.testing.assert_allclose(ev(H, [v], V), np.diag(6 * V) + 2)
    with pytest.raises(TypeError):
        hessian(v, v)


def test_jacobian_infer_shape(rng):
    v = T.vector("v")
    J = jacobian(T.exp(v), v)
    assert list(ev(J.shape, [v], np.ones(3))) == [3, 3]


# -- verify_grad ----------------------------------------------------------------------------------
class WrongGradExp(Op):
    """exp, with a deliberately wrong gradient (2 * exp)."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = np.exp(inputs[0])

    def grad(self, inputs, output_grads):
        return [output_grads[0] * T.exp(inputs[0]) * 2.]


def test_verify_grad_catches_wrong_gradient(rng):
    with pytest.raises(GradientError) as info:
        verify_grad(lambda a, b: a * WrongGradExp()(b), [rng.normal(size=3), rng.normal(size=3)], rng=rng)
    err = info.value
    assert err.arg == 1 and err.abs_err > err.abs_tol and err.rel_err > 0.1
    assert "input 1" in str(err) and "absolute" in str(err) and "relative" in str(err)


def test_verify_grad_passes_correct_ones(rng):
    verify_grad(lambda a, b: T.exp(a) * b / (1 + a * a), [rng.normal(size=(2, 3)), rng.normal(size=(3,))], rng=rng)
    verify_grad(lambda a: T.sqrt(a) + T.log(a), [rng.uniform(0.5, 2, size=4)], n_tests=3)
    verify_grad(lambda a: T.sum(a * a), [np.asarray(1.5)])


def test_verify_grad_float32(rng):
    verify_grad(lambda a: T.exp(a) * a, [rng.normal(size=3).astype("float32")], rng=rng)
    with pytest.raises(GradientError):
        verify_grad(WrongGradExp(), [rng.normal(size=3).astype("float32")], rng=rng)


def test_verify_grad_arguments(rng):
    with pytest.raises(TypeError, match="float"):
        verify_grad(lambda a: a * 2, [np.arange(3)])
    with pytest.raises(TypeError, match="single"):
        verify_grad(lambda a: [a, a], [np.ones(2)])
    # explicit tolerances are honoured: a loose enough tolerance accepts the wrong gradient
    verify_grad(WrongGradExp(), [np.zeros(2)], abs_tol=10, rel_tol=10)
    verify_grad(lambda a: T.exp(a), [np.zeros(2)], eps=1e-5, mode="FAST_COMPILE",
                rng=np.random.RandomState(0), cast_to_output_type=True)


def test_grad_in_float32_config():
    with config.change_flags(floatX="float32"):
        x = T.scalar("x")
        g = grad(x * 2., x)
        assert g.dtype == "float32"


def test_jacobian_wrt_shared_and_list():
    x = T.vector("x")
    w = transpile.shared(np.array([1.0, 2.0]), name="w")
    jx, jw = jacobian(T.exp(x * w), [x, w])
    a, b = ev([jx, jw], [x], np.array([0.5, 0.25]))
    e = np.exp(np.array([0.5, 0.5]))
    np.testing.assert_allclose(a, np.diag(e * [1.0, 2.0]))
    np.testing.assert_allclose(b, np.diag(e * [0.5, 0.25]))


def test_lop_is_vector_jacobian_product():
    from transpile.gradient import Lop
    x, v = T.vector("x"), T.vector("v")
    out = ev(Lop(T.exp(x), x, v), [x, v], np.array([0.0, 1.0]), np.array([2.0, 3.0]))
    np.testing.assert_allclose(out, [2.0, 3.0 * np.e])
