"""T.fft.rfft / irfft and the ops rfft_op / irfft_op (Theano's tensor.fft) against
numpy.fft.rfftn / irfftn over all axes but the first: 1-, 2- and 3-d transforms, odd, prime,
power-of-two and length-1 axes (the native radix-2 and Bluestein paths), every norm, float32;
gradients; errors."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table

#: numpy's name for the scaling of each of our norms in the inverse (numpy's "forward" leaves it unscaled)
NUMPY_NORM = {None: "backward", "ortho": "ortho", "no_norm": "forward"}


def _stacked(z):
    return np.stack([z.real, z.imag], axis=-1)


@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
def test_rfft_and_irfft_match_numpy(norm, rng):
    shapes = [(3, 8), (2, 7), (2, 4, 6), (2, 3, 5, 4), (1, 1), (2, 97), (1, 128), (2, 3, 1)]
    xs, values, table = [], [], []
    for k, shape in enumerate(shapes):
        x = T.tensor("float64", (False,) * len(shape), name=f"x{k}")
        v = rng.standard_normal(shape)
        axes = tuple(range(1, len(shape)))
        forward = np.fft.rfftn(v, axes=axes, norm="ortho" if norm == "ortho" else "backward")
        spectrum = rng.standard_normal(forward.shape) + 1j * rng.standard_normal(forward.shape)  # not Hermitian
        n_last = shape[-1]
        inverse = np.fft.irfftn(spectrum, s=shape[1:], axes=axes, norm=NUMPY_NORM[norm])
        z = T.tensor("float64", (False,) * (len(shape) + 1), name=f"z{k}")
        xs += [x, z]
        values += [v, _stacked(spectrum)]
        table += [(f"rfft {shape}", T.fft.rfft(x, norm), _stacked(forward)),
                  (f"irfft {shape}", T.fft.irfft(z, norm, is_odd=n_last % 2 == 1), inverse)]
    check_table(xs, values, table)


def test_round_trip_float32_and_in_a_larger_graph(rng):
    x = T.fmatrix("x")
    v = rng.standard_normal((4, 16)).astype("float32")
    spectrum = T.fft.rfft(x)
    low_pass = spectrum * T.constant((np.arange(9) < 4).astype("float32"))[None, :, None]
    f = transpile.function([x], [T.fft.irfft(spectrum), T.fft.irfft(low_pass)])
    back, smooth = f(v)
    assert back.dtype == np.float32
    np.testing.assert_allclose(back, v, rtol=1e-4, atol=1e-5)
    z = np.fft.rfft(v)
    z[:, 4:] = 0
    np.testing.assert_allclose(smooth, np.fft.irfft(z), rtol=1e-4, atol=1e-5)


def test_the_ops_are_unnormalized(rng):
    x, z = T.dmatrix("x"), T.dtensor3("z")
    xv, zv = rng.standard_normal((2, 6)), rng.standard_normal((2, 4, 2))
    spectrum = np.fft.rfft(xv)
    table = [("rfft_op", T.fft.rfft_op(x), _stacked(spectrum)),
             ("irfft_op", T.fft.irfft_op(z, [7]), np.fft.irfft(zv[..., 0] + 1j * zv[..., 1], n=7) * 7)]
    check_table([x, z], [xv, zv], table)


def test_gradients(rng):
    verify_grad(lambda x: T.fft.rfft(x), [rng.standard_normal((2, 5))], rng=rng)
    verify_grad(lambda x: T.fft.rfft(x), [rng.standard_normal((2, 6))], rng=rng)
    verify_grad(lambda x: T.fft.rfft(x, "ortho"), [rng.standard_normal((2, 3, 4))], rng=rng)
    verify_grad(lambda z: T.fft.irfft(z, is_odd=True), [rng.standard_normal((2, 3, 3, 2))], rng=rng)
    verify_grad(lambda z: T.fft.irfft(z), [rng.standard_normal((2, 4, 2))], rng=rng)


def test_errors():
    with pytest.raises(ValueError, match="norm must be"):
        T.fft.rfft(T.matrix(), norm="backward")
    with pytest.raises(TypeError, match="at least 2 dims"):
        T.fft.rfft(T.vector())
    with pytest.raises(TypeError, match="float32/float64"):
        T.fft.irfft(T.itensor3())
    with pytest.raises(TypeError, match="not supported"):
        T.fft.rfft_op(T.matrix(), [4])
    z = T.dtensor3("z")
    f = transpile.function([z], T.fft.irfft_op(z, [9]))
    with pytest.raises(ValueError, match="do not fit a half spectrum"):
        f(np.ones((1, 4, 2)))
