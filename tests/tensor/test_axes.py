"""expand_dims, flip, moveaxis, atleast_1d/2d/3d and broadcast_arrays (transpile/tensor/axes.py)
against numpy: int and tuple axes, negative axes, empty tensors, several dtypes; errors naming
the argument; gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table, random_array


ATLEAST = [(T.atleast_1d, np.atleast_1d), (T.atleast_2d, np.atleast_2d), (T.atleast_3d, np.atleast_3d)]


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_values_match_numpy(dtype, rng):
    x, v, s = T.tensor(dtype, (False,) * 3), T.tensor(dtype, (False,)), T.tensor(dtype, ())
    e = T.tensor(dtype, (False, False))
    a, b, c = random_array(rng, (2, 3, 4), dtype), random_array(rng, (5,), dtype), random_array(rng, (), dtype)
    em = random_array(rng, (0, 3), dtype)
    table = [*[(f"expand_dims {ax}", T.expand_dims(x, ax), np.expand_dims(a, ax))
               for ax in (0, -1, 2, (0, 1), (-1, 0), (1, 5, -3))],
             ("expand_dims scalar", T.expand_dims(s, 0), np.expand_dims(c, 0)),
             ("expand_dims empty", T.expand_dims(e, (0, 2)), np.expand_dims(em, (0, 2))),
             *[(f"flip {ax}", T.flip(x, ax), np.flip(a, ax)) for ax in (None, 0, -1, (0, 2), (), (-2, -3))],
             ("flip empty", T.flip(e, 0), np.flip(em, 0)), ("flip scalar", T.flip(s), np.flip(c)),
             *[(f"moveaxis {src} {dst}", T.moveaxis(x, src, dst), np.moveaxis(a, src, dst))
               for src, dst in ((0, -1), (-1, 0), (1, 1), ((0, 1), (2, 0)), ((0, 2, 1), (-1, 1, 0)), ([], []))],
             ("moveaxis empty", T.moveaxis(e, 0, 1), np.moveaxis(em, 0, 1)),
             *[(f"{mine.__name__} {name}", mine(var), ref(val)) for mine, ref in ATLEAST
               for name, var, val in (("scalar", s, c), ("vector", v, b), ("matrix", e, em), ("3-d", x, a))],
             *[(f"{mine.__name__} several {i}", mine(s, v, x)[i], ref(c, b, a)[i]) for mine, ref in ATLEAST
               for i in range(3)],
             *[(f"broadcast_arrays {i}", T.broadcast_arrays(v[:4], x, s)[i], np.broadcast_arrays(b[:4], a, c)[i])
               for i in range(3)],
             ("broadcast_arrays empty", T.broadcast_arrays(e, v[:3])[1], np.broadcast_arrays(em, b[:3])[1])]
    check_table([x, v, s, e], [a, b, c, em], table, numpy_dtypes=True)
    assert isinstance(T.atleast_2d(s, v), tuple) and len(T.broadcast_arrays(v)) == 1


def test_broadcast_arrays_keeps_each_dtype(rng):
    f, i = T.fmatrix("f"), T.ivector("i")
    a, b = rng.standard_normal((2, 3)).astype("float32"), np.array([1, -2, 3], dtype="int32")
    out = T.broadcast_arrays(f, i)
    assert [o.dtype for o in out] == ["float32", "int32"]
    check_table([f, i], [a, b], [("f", out[0], np.broadcast_arrays(a, b)[0]),
                                 ("i", out[1], np.broadcast_arrays(a, b)[1])], numpy_dtypes=True)


def test_errors():
    x = T.tensor3("x")
    with pytest.raises(ValueError, match="expand_dims: axis 4 is out of range for 4 dims"):
        T.expand_dims(x, 4)
    with pytest.raises(ValueError, match="expand_dims: axis .* repeated"):
        T.expand_dims(x, (0, -5))
    with pytest.raises(TypeError, match="expand_dims: axis must be an int"):
        T.expand_dims(x, 1.5)
    with pytest.raises(ValueError, match="flip: axis -4 is out of range"):
        T.flip(x, -4)
    with pytest.raises(ValueError, match="moveaxis: source .* differ in length"):
        T.moveaxis(x, (0, 1), 2)
    with pytest.raises(ValueError, match="moveaxis: destination: axis 3"):
        T.moveaxis(x, 0, 3)
    with pytest.raises(ValueError, match="moveaxis: source: axis .* repeated"):
        T.moveaxis(x, (0, 0), (1, 2))


GRADIENTS = {
    "expand_dims": lambda a: T.expand_dims(a, (0, -1)) * 2.0,
    "flip": lambda a: T.flip(a, -1) * T.arange(4.0),
    "flip all": lambda a: T.flip(a) * a,
    "moveaxis": lambda a: T.moveaxis(T.expand_dims(a, 0) * T.arange(3.0)[:, None, None], 0, -1),
    "atleast_3d": lambda a: T.atleast_3d(a) * 3.0,
    "broadcast_arrays": lambda a, b: T.broadcast_arrays(a, b)[1] * T.broadcast_arrays(a, b)[0],
}


def build_gradient(name):
    r = case_rng()
    if name == "broadcast_arrays":
        return GRADIENTS[name], [r.standard_normal((3, 4)), r.standard_normal(4)]
    return GRADIENTS[name], [r.standard_normal((3, 4))]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)
