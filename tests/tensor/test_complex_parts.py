"""real, imag, angle, complex, complex_from_polar (transpile.scalar.complex_parts) and abs against
numpy for every input dtype, in every mode; gradients through complex values (Theano's
convention: dC/dRe(z) + i dC/dIm(z)) checked numerically, and the cast numpy does silently
from complex to real refused."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table

C = T.complex


def test_parts_match_numpy():
    z, c, x, f, i, b = T.zvector("z"), T.cvector("c"), T.dvector("x"), T.fvector("f"), T.ivector("i"), T.bvector("b")
    zv = np.array([1 + 2j, -3 - 0.5j, -1 + 0j, 0j])
    cv, xv = zv.astype("complex64"), np.array([1.5, -2.0, -0.0, 0.0])
    fv, iv, bv = xv.astype("float32"), np.array([3, -1, 0, 7], dtype="int32"), np.array([1, 0, 1, -2], dtype="int8")
    table = [("real", T.real(z), np.real(zv)), ("imag", T.imag(z), np.imag(zv)), ("angle", T.angle(z), np.angle(zv)),
             ("real complex64", T.real(c), np.real(cv)), ("imag complex64", c.imag, cv.imag),
             ("angle complex64", T.angle(c), np.angle(cv)), ("real of reals", x.real, xv.real),
             ("imag of reals", T.imag(x), np.imag(xv)), ("angle of reals", T.angle(x), np.angle(xv)),
             ("angle float32", T.angle(f), np.angle(fv)), ("angle int32", T.angle(i), np.angle(iv)),
             ("imag int8", T.imag(b), np.imag(bv)), ("real int32", T.real(i), np.real(iv)),
             ("complex", C(x, x * 2), xv + 1j * (xv * 2)), ("complex float32", C(f, f), fv + 1j * fv),
             ("complex ints", C(i, b), iv + 1j * bv),
             ("polar", T.complex_from_polar(x, x), xv * np.cos(xv) + 1j * (xv * np.sin(xv))),
             ("polar float32", T.complex_from_polar(f, f), (fv * np.cos(fv) + 1j * (fv * np.sin(fv))).astype("complex64")),
             ("round trip", T.complex_from_polar(abs(T.real(z)), T.angle(z)), np.abs(zv.real) * np.exp(1j * np.angle(zv))),
             ("abs", abs(z), np.abs(zv)), ("abs complex64", T.abs_(c), np.abs(cv)),
             ("polar of abs and angle", T.complex_from_polar(abs(z), T.angle(z)), zv)]
    check_table([z, c, x, f, i, b], [zv, cv, xv, fv, iv, bv], table, numpy_dtypes=True)


GRADIENTS = {
    "parts": (lambda a, b: T.real(C(a, b)) * 2 + T.imag(C(a, b)) ** 2, 2),
    "products": (lambda a, b: T.real(C(a, b) * C(b, a)) + T.imag(C(a, b) * C(a, b)), 2),
    "real times complex": (lambda a, b: T.imag(a * C(b, a)) + T.real(C(a, b) * 3.0), 2),
    "quotients": (lambda a, b: T.real(C(a, b) / C(b, a + 1)) + T.imag(2.0 / C(a + 1, b)), 2),
    "exp log sqrt": (lambda a, b: T.real(T.exp(C(a, b))) + T.imag(T.log(C(a + 1, b))) + T.real(T.sqrt(C(a + 1, b))), 2),
    "polar": (lambda r, t: T.real(T.complex_from_polar(r, t)) * 2 + T.imag(T.complex_from_polar(r, t)), 2),
    "angle": (lambda a, b: T.angle(C(a, b)), 2),
    "conj and cast": (lambda a, b: T.imag(T.conj(C(a, b)) * T.cast(a, "complex128")), 2),
    "sum": (lambda a, b: T.real(C(a, b).sum() * C(b, a)), 2),
    "real inputs": (lambda a: T.real(a) * 3 + T.imag(a) + T.angle(a - 10), 1),
    "modulus": (lambda a, b: abs(C(a, b)) * 2 + abs(C(b, a) * C(a, a)), 2),
}


@pytest.mark.parametrize("name", list(GRADIENTS))
def test_gradients_through_complex_values(name, rng):
    fn, n = GRADIENTS[name]
    verify_grad(fn, [rng.random(3) + 0.5 for _ in range(n)], rng=rng)


def test_complex_values_inside_a_fused_loop_only():
    """Real inputs and outputs, complex values only between them (fused into one loop): the
    generated source still includes <complex>."""
    x, y = T.dvector("x"), T.dvector("y")
    xv, yv = np.array([1.0, -1.0, 0.5]), np.array([2.0, 0.0, -3.0])
    z = C(x, y)
    out = function([x, y], [T.angle(z), T.real(z * z) + T.imag(T.exp(z))])(xv, yv)
    zv = xv + 1j * yv
    np.testing.assert_allclose(out[0], np.angle(zv))
    np.testing.assert_allclose(out[1], (zv * zv).real + np.exp(zv).imag)


def test_complex_to_real_is_refused():
    with pytest.raises(TypeError, match=r"ambiguous.*real\(\), imag\(\), angle\(\) or abs\(\)"):
        T.cast(T.zvector(), "float64")
    with pytest.raises(TypeError, match="parts must be real"):
        C(T.zvector(), T.dvector())
    z = T.zvector()
    np.testing.assert_array_equal(function([z], T.cast(z, "complex64"))(np.array([1 + 1j])), [1 + 1j])
