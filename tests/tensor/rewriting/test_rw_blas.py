"""Dot chains to Dot22/Gemm/Gemv/Ger, with alpha, beta and transposes folded."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.compile.debugmode import DebugMode
from transpile.tensor.blas import Dot
from transpile.tensor.blas_gemm import Dot22, Gemm, Gemv, Ger
from tests.tensor.rewriting.rw_helpers import assert_close, fast_run, nodes, unfused

FC = DebugMode(optimizer="fast_compile")  # checks infer_shape and dtypes against perform


def _ops(f, cls):
    return [n.op for n in nodes(f) if isinstance(n.op, cls)]


@pytest.fixture
def mats(rng):
    return {k: rng.normal(size=s) for k, s in
            dict(x=(3, 4), y=(4, 5), z=(3, 5), xt=(4, 3), yt=(5, 4), v=(4,), u=(3,), w=(5,)).items()}


def test_gemm_from_sum(mode, mats):
    """z + a*dot(x, y) -> gemm(z, a, x, y, 1)."""
    z, x, y, a = T.matrix("z"), T.matrix("x"), T.matrix("y"), T.scalar("a")
    f = unfused([z, a, x, y], z + a * T.dot(x, y))
    out = f(mats["z"], 0.5, mats["x"], mats["y"])
    assert_close(out, mats["z"] + 0.5 * mats["x"] @ mats["y"])
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, Gemm) and not node.op.trans_x and not node.op.trans_y
        zin, alpha, xin, yin, beta = node.inputs
        assert zin is f.maker.fgraph.inputs[0] and xin is f.maker.fgraph.inputs[2]
        assert alpha is f.maker.fgraph.inputs[1] and beta.data == 1
    else:
        assert _ops(f, Dot) and not _ops(f, Gemm)


@pytest.mark.parametrize("build, reference", [
    (lambda z, x, y: z - T.dot(x, y), lambda z, x, y: z - x @ y),
    (lambda z, x, y: T.dot(x, y) - z, lambda z, x, y: x @ y - z),
    (lambda z, x, y: T.dot(x, y) * 2 + z * 1, lambda z, x, y: 2 * x @ y + z),
    (lambda z, x, y: z + -T.dot(x, y), lambda z, x, y: z - x @ y),
    (lambda z, x, y: 3 * (2 * T.dot(x, y)) + z, lambda z, x, y: 6 * x @ y + z),
    (lambda z, x, y: z + T.dot(x, y) + z, lambda z, x, y: 2 * z + x @ y),
])
def test_gemm_variants(mode, mats, build, reference):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    f = unfused([z, x, y], build(z, x, y))
    assert_close(f(mats["z"], mats["x"], mats["y"]), reference(mats["z"], mats["x"], mats["y"]))
    if fast_run(mode):
        assert len(_ops(f, Gemm)) == 1 and not _ops(f, (Dot, Dot22))


@pytest.mark.parametrize("tx, ty", [(True, False), (False, True), (True, True)])
def test_transposes_folded_into_flags(mode, mats, tx, ty):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    xs, ys = (x.T if tx else x), (y.T if ty else y)
    xv, yv = (mats["xt"] if tx else mats["x"]), (mats["yt"] if ty else mats["y"])
    for f, expected in ((unfused([x, y], T.dot(xs, ys)), None),
                        (unfused([z, x, y], z + T.dot(xs, ys)), mats["z"])):
        args = (xv, yv) if expected is None else (mats["z"], xv, yv)
        prod = (xv.T if tx else xv) @ (yv.T if ty else yv)
        assert_close(f(*args), prod if expected is None else expected + prod)
        if fast_run(mode):
            (node,) = [n for n in nodes(f) if n.op.__class__.__name__ != "DeepCopyOp"]
            assert isinstance(node.op, (Dot22, Gemm))
            assert (node.op.trans_x, node.op.trans_y) == (tx, ty)
            assert all(i.owner is None for i in node.inputs)  # no DimShuffle left


def test_bias_row_as_z(mode, mats, rng):
    """dot(x, W) + b (a broadcast bias row) is one Gemm."""
    x, W, b = T.matrix("x"), T.matrix("W"), T.vector("b")
    f = unfused([x, W, b], T.tanh(T.dot(x, W) + b))
    bv = rng.normal(size=5)
    assert_close(f(mats["x"], mats["y"], bv), np.tanh(mats["x"] @ mats["y"] + bv))
    if fast_run(mode):
        assert len(_ops(f, Gemm)) == 1


def test_gemv(mode, mats):
    z, a, v = T.vector("z"), T.matrix("a"), T.vector("v")
    f = unfused([z, a, v], z + 2 * T.dot(a, v))
    assert_close(f(mats["u"], mats["x"], mats["v"]), mats["u"] + 2 * mats["x"] @ mats["v"])
    g = unfused([z, a, v], T.dot(v, a) - z)  # vector . matrix: the transposed flag
    assert_close(g(mats["w"], mats["y"], mats["v"]), mats["v"] @ mats["y"] - mats["w"])
    if fast_run(mode):
        (op,) = _ops(f, Gemv)
        assert not op.trans_a
        (op,) = _ops(g, Gemv)
        assert op.trans_a


def test_vector_dot_of_transpose(mode, mats):
    a, v = T.matrix("a"), T.vector("v")
    f = unfused([a, v], T.dot(a.T, v))
    assert_close(f(mats["xt"], mats["v"]), mats["xt"].T @ mats["v"])
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, Dot) and node.inputs[1] is f.maker.fgraph.inputs[0]


def test_ger(mode, mats):
    A, a, u, w = T.matrix("A"), T.scalar("a"), T.vector("u"), T.vector("w")
    f = unfused([A, a, u, w], A + a * T.outer(u, w))
    assert_close(f(mats["z"], 0.3, mats["u"], mats["w"]), mats["z"] + 0.3 * np.outer(mats["u"], mats["w"]))
    if fast_run(mode):
        assert len(_ops(f, Ger)) == 1 and not _ops(f, (Dot, Dot22, Gemm))


def test_product_used_twice_is_not_folded(mode, mats):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    d = T.dot(x, y)
    f = unfused([z, x, y], [z + d, d * 2])
    out = f(mats["z"], mats["x"], mats["y"])
    assert_close(out[0], mats["z"] + mats["x"] @ mats["y"])
    if fast_run(mode):
        assert not _ops(f, Gemm) and len(_ops(f, Dot22)) == 1


def test_integer_dot_stays_dot(mode):
    x, y = T.imatrix("x"), T.imatrix("y")
    f = unfused([x, y], T.dot(x, y) + 1)
    xv = np.arange(6, dtype="int32").reshape(2, 3)
    np.testing.assert_array_equal(f(xv, xv.T), xv @ xv.T + 1)
    assert not _ops(f, (Dot22, Gemm))


def test_mixed_dtypes_stay_dot(mode, rng):
    z, x, y = T.matrix("z"), T.fmatrix("x"), T.fmatrix("y")
    f = unfused([z, x, y], z + T.dot(x, y))
    xv = rng.normal(size=(2, 2)).astype("float32")
    assert_close(f(np.ones((2, 2)), xv, xv), 1 + xv.astype("float64") @ xv, np.float32)
    assert not _ops(f, Gemm)


def test_float32_gemm(mode, rng):
    z, x, y = T.fmatrix("z"), T.fmatrix("x"), T.fmatrix("y")
    f = unfused([z, x, y], z + 0.5 * T.dot(x, y))
    zv, xv, yv = (rng.normal(size=(3, 3)).astype("float32") for _ in range(3))
    out = f(zv, xv, yv)
    assert out.dtype == np.float32
    assert_close(out, zv + 0.5 * xv @ yv, np.float32)
    if fast_run(mode):
        assert _ops(f, Gemm)


def test_shape_errors_still_raised(mode, mats):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    f = unfused([z, x, y], z + T.dot(x, y))
    with pytest.raises(ValueError):
        f(mats["z"], mats["x"], mats["x"])
    with pytest.raises(ValueError):
        f(np.ones((2, 5)), mats["x"], mats["y"])


@pytest.mark.single_mode
def test_blas_ops_directly(mats):
    z, x, y, a, b = T.matrix("z"), T.matrix("x"), T.matrix("y"), T.scalar("a"), T.scalar("b")
    u, v = T.vector("u"), T.vector("v")
    gemm = function([z, a, x, y, b], Gemm(True, False)(z, a, x, y, b), mode=FC)
    assert_close(gemm(mats["z"], 2.0, mats["xt"], mats["y"], -1.0), 2 * mats["xt"].T @ mats["y"] - mats["z"])
    gemv = function([u, a, x, v, b], Gemv()(u, a, x, v, b), mode=FC)
    assert_close(gemv(mats["u"], 2.0, mats["x"], mats["v"], 3.0), 2 * mats["x"] @ mats["v"] + 3 * mats["u"])
    ger = function([z, a, u, v], Ger()(z, a, u, v), mode=FC)
    assert_close(ger(mats["z"], 2.0, mats["u"], mats["w"]), mats["z"] + 2 * np.outer(mats["u"], mats["w"]))
    dot22 = function([x, y], Dot22(False, True)(x, y), mode=FC)
    assert_close(dot22(mats["x"], mats["yt"]), mats["x"] @ mats["yt"].T)
    with pytest.raises(ValueError, match="not aligned"):
        dot22(mats["x"], mats["y"])
    with pytest.raises(TypeError, match="float dtype"):
        Gemm()(z, a, T.fmatrix(), y, b)
    with pytest.raises(NotImplementedError, match="after differentiation"):
        T.grad(T.sum(Dot22()(x, y)), x)


@pytest.mark.single_mode
def test_inplace_gemm_accumulates_into_z(mats):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    f = function([z, x, y], T.exp(z) + T.dot(x, y), mode="FAST_RUN")
    ops = [n.op for n in f.maker.fgraph.toposort()]
    gemm = [op for op in ops if isinstance(op, Gemm)]
    assert gemm and gemm[0].inplace and gemm[0].destroy_map == {0: [0]}
    zv = mats["z"].copy()
    assert_close(f(zv, mats["x"], mats["y"]), np.exp(mats["z"]) + mats["x"] @ mats["y"])
    np.testing.assert_array_equal(zv, mats["z"])  # the graph input was not overwritten


def test_transposed_product_in_a_sum(mode, mats):
    z, x, y = T.matrix("z"), T.matrix("x"), T.matrix("y")
    f = unfused([z, x, y], z.T + T.dot(x, y).T)
    out = f(mats["z"], mats["x"], mats["y"])
    assert_close(out, (mats["z"] + mats["x"] @ mats["y"]).T)
    if fast_run(mode):
        (op,) = _ops(f, Gemm)
        assert (op.trans_x, op.trans_y) == (True, True) and not _ops(f, Dot22)
