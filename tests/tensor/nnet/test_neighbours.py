"""images2neibs (every mode) and neibs2images vs explicit loop references; gradients; errors;
native lowering."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.tensor.nnet.neighbours import images2neibs, neibs2images

MODES = ["valid", "ignore_borders", "wrap_centered", "half", "full"]


def ref_grid(mode, n, c, step):
    if mode == "wrap_centered":
        return -(-n // step), c // 2
    if mode == "ignore_borders":
        return (n - c) // step + 1, 0
    span, shift = {"valid": (n - c, 0), "half": (n - c % 2, c // 2), "full": (n + c - 2, c - 1)}[mode]
    assert span % step == 0
    return span // step + 1, shift


def ref_images2neibs(x, shape, step, mode):
    """Theano's loops: one row per (batch, channel, patch row, patch column)."""
    (c, d), (sr, sc) = shape, step
    (gr, shr), (gc, shc) = ref_grid(mode, x.shape[2], c, sr), ref_grid(mode, x.shape[3], d, sc)
    out = np.zeros((x.shape[0] * x.shape[1] * gr * gc, c * d))
    row = 0
    for n in range(x.shape[0]):
        for s in range(x.shape[1]):
            for a in range(gr):
                for b in range(gc):
                    for i in range(c):
                        for j in range(d):
                            y, z = a * sr + i - shr, b * sc + j - shc
                            if mode == "wrap_centered":
                                y, z = y % x.shape[2], z % x.shape[3]
                            if 0 <= y < x.shape[2] and 0 <= z < x.shape[3]:
                                out[row, i * d + j] = x[n, s, y, z]
                    row += 1
    return out


CASES = [  # image shape, neib_shape, neib_step, mode
    ((2, 3, 6, 4), (2, 2), None, "valid"),
    ((1, 2, 7, 5), (3, 1), (2, 2), "valid"),
    ((2, 1, 7, 6), (3, 2), (2, 3), "ignore_borders"),
    ((1, 2, 5, 6), (3, 3), (1, 1), "wrap_centered"),
    ((2, 1, 4, 7), (3, 5), (2, 3), "wrap_centered"),
    ((1, 2, 5, 6), (3, 2), (1, 2), "half"),
    ((1, 1, 4, 4), (2, 2), (1, 1), "half"),
    ((2, 1, 4, 5), (2, 3), (1, 1), "full"),
    ((1, 2, 5, 5), (3, 3), (2, 3), "full"),
]


def test_images2neibs_and_grad_match_reference(rng):
    """Every case, its patches and gradient (the loop reference's adjoint), in one function."""
    ins, outs, feeds, expected = [], [], [], []
    for shape, neib, step, mode in CASES:
        x, g = T.dtensor4(), T.dmatrix()
        xv = rng.standard_normal(shape)
        want = ref_images2neibs(xv, neib, step or neib, mode)
        gv = rng.standard_normal(want.shape)
        y = images2neibs(x, neib, step, mode)
        ins += [x, g]
        feeds += [xv, gv]
        outs += [y, T.grad(T.sum(y * g), x), y.shape]
        # the gradient of sum(y * g) is linear: its value at e_k is the reference's column sums
        basis = np.eye(xv.size).reshape((-1,) + shape)
        grad = np.array([np.sum(ref_images2neibs(e, neib, step or neib, mode) * gv) for e in basis]).reshape(shape)
        expected += [want, grad, np.array(want.shape)]
    got = function(ins, outs)(*feeds)
    for a, e in zip(got, expected):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


def test_dtypes(rng):
    xf, xi = T.ftensor4(), T.itensor4()
    yf = images2neibs(xf, (2, 2), mode="half")
    yi = images2neibs(xi, (3, 3), mode="wrap_centered")
    xfv = rng.standard_normal((1, 2, 4, 4)).astype("float32")
    xiv = rng.integers(-9, 9, (2, 1, 3, 4)).astype("int32")
    a, b, ga = function([xf, xi], [yf, yi, T.grad(T.sum(yf), xf)])(xfv, xiv)
    assert a.dtype == ga.dtype == np.float32 and b.dtype == np.int32
    np.testing.assert_array_equal(a, ref_images2neibs(xfv, (2, 2), (2, 2), "half"))
    np.testing.assert_array_equal(b, ref_images2neibs(xiv, (3, 3), (3, 3), "wrap_centered"))


@pytest.mark.parametrize("neib_mode", ["valid", "ignore_borders"])
def test_neibs2images_inverts(neib_mode, rng):
    mode = neib_mode
    x = T.dtensor4()
    shape = (2, 3, 6, 4) if mode == "valid" else (2, 1, 7, 5)
    xv = rng.standard_normal(shape)
    neibs = images2neibs(x, (2, 2), mode=mode)
    back = neibs2images(neibs, (2, 2), x.shape, mode=mode)
    back_static = neibs2images(neibs, (2, 2), shape, mode=mode)
    got, got_static = function([x], [back, back_static])(xv)
    want = xv.copy()
    if mode == "ignore_borders":
        want[:, :, 6:, :] = 0
        want[:, :, :, 4:] = 0
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_static, want)


def build_grad(neib_mode):
    step = (1, 2) if neib_mode != "valid" else (2, 1)
    return (lambda a: images2neibs(a, (3, 3), step, neib_mode)), [case_rng().standard_normal((1, 2, 5, 5))]


@pytest.mark.parametrize("neib_mode", MODES)
def test_grad(neib_mode, mode):
    batched_verify_grad(mode, MODES, build_grad, neib_mode)  # one native build for all


def test_errors(rng):
    with pytest.raises(TypeError, match="4-d"):
        images2neibs(T.tensor3(), (2, 2))
    with pytest.raises(ValueError, match="mode"):
        images2neibs(T.tensor4(), (2, 2), mode="same")
    with pytest.raises(ValueError, match="odd"):
        images2neibs(T.tensor4(), (2, 3), mode="wrap_centered")
    with pytest.raises(ValueError, match="neib_step"):
        images2neibs(T.tensor4(), (2, 2), (0, 1))
    with pytest.raises(TypeError, match="neib_shape"):
        images2neibs(T.tensor4(), 2)
    with pytest.raises(NotImplementedError, match="half"):
        neibs2images(T.matrix(), (2, 2), (1, 1, 4, 4), mode="half")
    x = T.dtensor4()
    f = function([x], images2neibs(x, (3, 2), mode="valid"))
    with pytest.raises(ValueError, match=r"'valid' the patches \(length 3, step 3\) must tile the image \(length 5\)"):
        f(rng.standard_normal((1, 1, 5, 4)))
    g = function([x], images2neibs(x, (3, 3), mode="wrap_centered"))
    with pytest.raises(ValueError, match="must not be smaller than the patch"):
        g(rng.standard_normal((1, 1, 2, 4)))
    n = T.dmatrix()
    h = function([n], neibs2images(n, (2, 2), (1, 1, 4, 4)))
    with pytest.raises(ValueError):  # 3 patches cannot make a 4x4 image
        h(rng.standard_normal((3, 4)))


@pytest.mark.single_mode
def test_lower_natively(rng):
    """mode="NATIVE" refuses any op without a C++ lowering: images2neibs and its gradient have one."""
    x = T.dtensor4()
    outs = []
    for mode in MODES:
        y = images2neibs(x, (3, 3), (1, 2) if mode != "valid" else (2, 1), mode)
        outs += [y, T.grad(T.sum(y ** 2), x)]
    outs.append(neibs2images(images2neibs(x, (2, 2), mode="ignore_borders"), (2, 2), x.shape, "ignore_borders"))
    xv = rng.standard_normal((2, 2, 5, 5))
    got = function([x], outs, mode="NATIVE")(xv)
    want = function([x], outs, mode="FAST_COMPILE")(xv)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)
