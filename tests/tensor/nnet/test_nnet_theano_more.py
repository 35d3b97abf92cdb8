"""More of T.nnet's Theano names against numpy in every mode, with gradients: the gradient
helpers (softmax_grad and the exported gradient-op instances), the shape checks (assert_shape,
assert_conv_shape, on T.assert_op), separable_conv2d/3d, causal_conv1d, the conv3d2d
diagonal subtensors, and bilinear_upsampling against Theano's transposed-convolution
construction done in numpy."""
import numpy as np
import pytest
import scipy.signal as ss
import scipy.special as sp

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table

nn = T.nnet


def test_gradient_helpers(rng):
    dy, sm, g, y = T.dmatrix("dy"), T.dmatrix("sm"), T.dvector("g"), T.lvector("y")
    dyv, smv = rng.standard_normal((3, 4)), sp.softmax(rng.standard_normal((3, 4)), axis=1)
    gv, yv = rng.standard_normal(3), np.array([1, 0, 3])
    onehot = np.eye(4)[yv]
    xent_grad = np.zeros((3, 4))
    xent_grad[np.arange(3), yv] = -gv / smv[np.arange(3), yv]
    table = [("softmax_grad", nn.softmax_grad(dy, sm), (dyv - (dyv * smv).sum(axis=1, keepdims=True)) * smv),
             ("crossentropy_categorical_1hot_grad", nn.crossentropy_categorical_1hot_grad(g, sm, y), xent_grad),
             ("crossentropy_softmax_1hot_with_bias_dx", nn.crossentropy_softmax_1hot_with_bias_dx(g, sm, y),
              gv[:, None] * (smv - onehot))]
    check_table([dy, sm, g, y], [dyv, smv, gv, yv], table)
    x = T.dmatrix("x")
    through = transpile.function([x, dy], T.grad(T.sum(nn.softmax(x) * dy), x))
    xv = rng.standard_normal((3, 4))
    np.testing.assert_allclose(through(xv, dyv), transpile.function([dy, sm], nn.softmax_grad(dy, sm))(
        dyv, sp.softmax(xv, axis=1)), rtol=1e-12)


def test_assert_op_and_shape_checks(rng):
    x, n = T.dmatrix("x"), T.lscalar("n")
    f = transpile.function([x], nn.assert_shape(x, (2, None), msg="two rows please") * 2)
    np.testing.assert_array_equal(f(np.ones((2, 5))), np.full((2, 5), 2.0))
    with pytest.raises(AssertionError, match="two rows please"):
        f(np.ones((3, 5)))
    g = transpile.function([x], T.assert_op(x, T.all(T.gt(x, 0)), T.eq(x.shape[0], 1), msg="positive row"))
    np.testing.assert_array_equal(g(np.ones((1, 2))), np.ones((1, 2)))
    with pytest.raises(AssertionError, match="positive row"):
        g(-np.ones((1, 2)))
    assert T.assert_op(x, True) is x  # a constant true condition is no check
    checked = nn.assert_conv_shape((n, 3, n - 1, 4))
    assert checked[1] == 3 and checked[3] == 4
    h = transpile.function([n], [checked[0], checked[2]])
    assert [int(v) for v in h(5)] == [5, 4]
    with pytest.raises(AssertionError, match=r"dim\[2\] <= 0"):
        h(1)
    with pytest.raises(ValueError, match=r"dim\[1\]: -1 < 0"):
        nn.assert_conv_shape((n, -1, 3))
    with pytest.raises(ValueError, match=r"dim\[2\]: 0 <= 0"):
        nn.assert_conv_shape((1, 1, 0))
    with pytest.raises(ValueError, match="2 dims"):
        nn.assert_shape(x, (1, 2, 3))
    verify_grad(lambda v: T.assert_op(v, T.gt(v.shape[0], 1)) ** 2, [rng.standard_normal(3)], rng=rng)


def _conv2d_reference(x, w, groups=1):
    """Theano's conv2d (flipped filters), valid, unit strides."""
    b, c, _, _ = x.shape
    o, cg = w.shape[:2]
    out = []
    for i in range(b):
        rows = []
        for k in range(o):
            group = k // (o // groups)
            acc = sum(ss.convolve2d(x[i, group * cg + j], w[k, j], mode="valid") for j in range(cg))
            rows.append(acc)
        out.append(rows)
    return np.array(out)


def test_separable_and_causal_convolutions(rng):
    x, dw, pw = T.tensor4("x"), T.tensor4("dw"), T.tensor4("pw")
    x5, dw5, pw5 = T.TensorType("float64", (False,) * 5)("x5"), T.TensorType("float64", (False,) * 5)("dw5"), \
        T.TensorType("float64", (False,) * 5)("pw5")
    s, f = T.tensor3("s"), T.tensor3("f")
    xv, dwv, pwv = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((6, 1, 3, 2)), rng.standard_normal((4, 6, 1, 1))
    x5v, dw5v, pw5v = rng.standard_normal((1, 2, 4, 4, 4)), rng.standard_normal((2, 1, 2, 2, 2)), \
        rng.standard_normal((3, 2, 1, 1, 1))
    sv, fv = rng.standard_normal((2, 3, 9)), rng.standard_normal((4, 3, 3))
    depthwise = _conv2d_reference(xv, dwv, groups=3)
    separable = np.einsum("oc,bchw->bohw", pwv[:, :, 0, 0], depthwise)
    dwt = np.array([[[ss.fftconvolve(x5v[0, c], dw5v[c, 0], mode="valid") for c in range(2)]]])[0]
    separable3 = np.einsum("oc,bcdhw->bodhw", pw5v[:, :, 0, 0, 0], dwt)
    dilation, width = 2, 3
    padded = np.concatenate([np.zeros((2, 3, dilation * (width - 1))), sv], axis=2)
    causal = np.zeros((2, 4, 9))
    for t in range(9):
        for k in range(width):  # flipped filters: tap width-1-k reads input t - k*dilation
            causal[:, :, t] += padded[:, :, t + k * dilation] @ fv[:, :, width - 1 - k].T
    table = [("separable_conv2d", nn.separable_conv2d(x, dw, pw, 3), separable),
             ("separable_conv3d", nn.separable_conv3d(x5, dw5, pw5, 2), separable3),
             ("causal_conv1d", nn.causal_conv1d(s, f, (4, 3, 3), filter_dilation=dilation), causal),
             ("causal_conv1d plain", nn.causal_conv1d(s, f), _causal_plain(sv, fv))]
    check_table([x, dw, pw, x5, dw5, pw5, s, f], [xv, dwv, pwv, x5v, dw5v, pw5v, sv, fv], table)
    verify_grad(lambda a, b: nn.causal_conv1d(a, b), [sv[:1, :, :5], fv[:2]], rng=rng)
    verify_grad(lambda a, b, c: nn.separable_conv2d(a, b, c, 3), [xv[:1, :, :4, :4], dwv, pwv[:2]], rng=rng)
    with pytest.raises(TypeError, match="must be 3-d"):
        nn.causal_conv1d(x, f)


def _causal_plain(sv, fv):
    width = fv.shape[2]
    padded = np.concatenate([np.zeros(sv.shape[:2] + (width - 1,)), sv], axis=2)
    return np.array([[sum(np.convolve(padded[b, c], fv[o, c], mode="valid") for c in range(sv.shape[1]))
                      for o in range(fv.shape[0])] for b in range(sv.shape[0])])


def test_diagonal_subtensors(rng):
    x = T.tensor4("x")
    xv = rng.standard_normal((2, 6, 3, 4))
    table = []
    for i0, i1 in [(1, 3), (1, 2), (3, 2), (1, 0)]:
        view = nn.get_diagonal_subtensor_view(xv, i0, i1)
        amt = rng.standard_normal(view.shape)
        expected = xv.copy()
        for index in np.ndindex(*view.shape):  # y[.., a, .., b, ..] = x[.., a + n1 - 1 - b, .., b, ..]
            source = list(index)
            source[i0] = index[i0] + xv.shape[i1] - 1 - index[i1]
            expected[tuple(source)] += amt[index]
        table += [(f"diagonal_subtensor {i0} {i1}", nn.diagonal_subtensor(x, i0, i1), view.copy()),
                  (f"inc_diagonal_subtensor {i0} {i1}", nn.inc_diagonal_subtensor(x, i0, i1, T.constant(amt)), expected)]
    check_table([x], [xv], table)
    assert nn.conv3d2d.diagonal_subtensor is nn.diagonal_subtensor
    verify_grad(lambda a: nn.diagonal_subtensor(a, 1, 2) ** 2, [rng.standard_normal((2, 4, 3))], rng=rng)
    verify_grad(lambda a, b: nn.inc_diagonal_subtensor(a, 1, 2, b), [rng.standard_normal((2, 4, 3)),
                                                                      rng.standard_normal((2, 2, 3))], rng=rng)
    with pytest.raises(NotImplementedError, match="shorter"):
        nn.get_diagonal_subtensor_view(np.ones((2, 3)), 0, 1)
    with pytest.raises(ValueError, match="must differ"):
        nn.diagonal_subtensor(x, 1, 1)


def _triangle(r):
    half = np.arange(1, r + 1)
    return np.concatenate([half, half[-2::-1]]) / r


def _theano_upsample_axis(u, r, axis):
    """Theano's construction: a transposed convolution (stride r, padding 2r - (r-1)//2 - 1)
    with the normalized triangle over the input with its border entries repeated."""
    u = np.moveaxis(u, axis, -1)
    n = u.shape[-1]
    v = np.concatenate([u[..., :1], u, u[..., -1:]], axis=-1)
    k, pad = _triangle(r), 2 * r - (r - 1) // 2 - 1
    out = np.zeros(u.shape[:-1] + (n * r,))
    for t in range(n * r):
        for i in range(n + 2):
            if 0 <= t + pad - i * r < 2 * r - 1:
                out[..., t] += v[..., i] * k[t + pad - i * r]
    return np.moveaxis(out, -1, axis)


def _theano_frac(u, frac_ratio):
    """Theano's construction of the fractional one: the padded pyramid kernel as the image,
    the border-repeated input as a filter dilated by p, a valid convolution subsampled by q."""
    pairs = frac_ratio if isinstance(frac_ratio[0], tuple) else (frac_ratio, frac_ratio)
    (p0, q0), (p1, q1) = [(p // np.gcd(p, q), q // np.gcd(p, q)) for p, q in pairs]
    b, c, n, m = u.shape
    maps = u.reshape(-1, n, m)
    maps = np.concatenate([maps[:, :1], maps, maps[:, -1:]], axis=1)
    maps = np.concatenate([maps[:, :, :1], maps, maps[:, :, -1:]], axis=2)
    double = np.array([(2 * n - 1) * p0 + 1, (2 * m - 1) * p1 + 1])
    pad = double // 2
    kernel = np.zeros((double[0] + 2 * p0 - 1, double[1] + 2 * p1 - 1))
    kernel[pad[0]:pad[0] + 2 * p0 - 1, pad[1]:pad[1] + 2 * p1 - 1] = np.outer(_triangle(p0), _triangle(p1))
    out = []
    for f in maps:
        dilated = np.zeros(((n + 1) * p0 + 1, (m + 1) * p1 + 1))
        dilated[::p0, ::p1] = f
        out.append(ss.convolve2d(kernel, dilated, mode="valid")[::q0, ::q1])
    return np.array(out).reshape(b, c, *out[0].shape)


def test_bilinear_upsampling(rng):
    x = T.tensor4("x")
    xv = rng.standard_normal((2, 3, 4, 5))
    table = [(f"ratio {r}", nn.bilinear_upsampling(x, r, use_1D_kernel=r % 2 == 0),
              _theano_upsample_axis(_theano_upsample_axis(xv, r, 2), r, 3)) for r in (1, 2, 3, 4)]
    table += [(f"frac {fr}", nn.bilinear_upsampling(x, frac_ratio=fr, use_1D_kernel=False), _theano_frac(xv, fr))
              for fr in ((3, 2), (2, 3), (4, 2), ((3, 2), (5, 3)))]
    table.append(("frac_bilinear_upsampling", nn.frac_bilinear_upsampling(x, (5, 2)), _theano_frac(xv, (5, 2))))
    check_table([x], [xv], table)
    f = T.ftensor4("f")
    assert nn.bilinear_upsampling(f, 2).dtype == "float32"
    verify_grad(lambda a: nn.bilinear_upsampling(a, 3), [rng.standard_normal((1, 2, 3, 2))], rng=rng)
    verify_grad(lambda a: nn.frac_bilinear_upsampling(a, (3, 2)), [rng.standard_normal((1, 1, 3, 4))], rng=rng)
    with pytest.raises(ValueError, match="not both"):
        nn.bilinear_upsampling(x, 2, frac_ratio=(3, 2))
    with pytest.raises(ValueError, match="no ratio"):
        nn.bilinear_upsampling(x)
    with pytest.raises(TypeError, match="must be 4-d"):
        nn.bilinear_upsampling(T.matrix(), 2)
    with pytest.raises(ValueError, match="positive numerator"):
        nn.frac_bilinear_upsampling(x, (0, 2))
