"""The numpy-style methods of TensorVariable (x.exp(), x.cumsum(), x.trace(), x.norm(L), ...)
give what the functions (and numpy) give."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.tensor.extra_ops_helpers import check_table

UNARY = ["exp", "log", "log1p", "expm1", "log2", "log10", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
         "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "floor", "ceil", "trunc", "deg2rad", "rad2deg",
         "exp2"]


def test_elementwise_methods(rng):
    x, y = T.matrix("x"), T.matrix("y")
    a = rng.uniform(0.1, 0.9, size=(2, 3))  # inside every domain (arccosh gets 1 + a)
    b = a + 1.0
    table = [(name, getattr(y if name == "arccosh" else x, name)(), getattr(np, name)(b if name == "arccosh" else a))
             for name in UNARY]
    table.append(("round", (x * 10).round(), np.round(a * 10)))
    check_table([x, y], [a, b], table)


def test_shape_and_numpy_methods(rng):
    x, v, i = T.tensor3("x"), T.vector("v"), T.lvector("i")
    a, b, idx = rng.standard_normal((2, 3, 4)), np.sort(rng.standard_normal(5)), np.array([1, 0, 1])
    m = a[0]
    table = [("ravel", x.ravel(), a.ravel()), ("squeeze", T.shape_padleft(v).squeeze(), b),
             ("transpose axes", x.transpose(1, 2, 0), a.transpose(1, 2, 0)),
             ("transpose tuple", x.transpose((2, 0, 1)), a.transpose((2, 0, 1))), ("swapaxes", x.swapaxes(0, 2), a.swapaxes(0, 2)),
             ("take", x.take(i, axis=1), a.take(idx, axis=1)), ("repeat", v.repeat(2), b.repeat(2)),
             ("cumsum", x.cumsum(axis=2), a.cumsum(axis=2)), ("cumprod", x.cumprod(), a.cumprod()),
             ("sort", x.sort(axis=1), np.sort(a, 1)), ("argsort", x.argsort(), np.argsort(a, kind="stable")),
             ("searchsorted", v.searchsorted(x[0], "right"), b.searchsorted(m, "right")),
             ("nonzero", T.gt(x, 0).nonzero()[2], np.nonzero(a > 0)[2]),
             ("nonzero_values", (x * T.gt(x, 0)).nonzero_values(), a[a > 0]),
             ("clip", x.clip(-0.5, 0.5), a.clip(-0.5, 0.5)), ("astype", x.astype("int32"), a.astype("int32")),
             ("trace", x[0].trace(), np.trace(m)), ("diagonal", x.diagonal(0, 1, 2), a.diagonal(0, 1, 2)),
             ("ptp", x.ptp(axis=1), np.ptp(a, axis=1)), ("ptp all", x.ptp(), np.ptp(a)),
             ("fill", x.fill(3.0), np.full_like(a, 3.0)), ("zeros_like", x.zeros_like(), np.zeros_like(a)),
             ("ones_like", x.ones_like(dtype="int8"), np.ones_like(a, dtype="int8")), ("conj", x.conj(), a.conj()),
             *[(f"norm {L}", x.norm(L), np.sum(np.abs(a) ** L) ** (1.0 / L)) for L in (1, 2, 3)],
             ("norm axis", x.norm(2, axis=2), np.linalg.norm(a, axis=2))]
    check_table([x, v, i], [a, b, idx], table)


def test_complex_conj(rng):
    z = T.zvector("z")
    a = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    check_table([z], [a], [("conj", z.conj(), np.conj(a)), ("conjugate", T.conjugate(z * 2), np.conj(a * 2))])


@pytest.mark.single_mode
def test_norm_zero_is_refused():
    with pytest.raises(NotImplementedError):
        T.vector().norm(0)


def test_mT_swaps_the_last_two_axes(rng):
    x, m = T.tensor3("x"), T.matrix("m")
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((0, 5))
    check_table([x, m], [a, b], [("3-d", x.mT, a.mT), ("empty", m.mT, b.mT), ("twice", x.mT.mT, a)])
    with pytest.raises(ValueError, match="matrix_transpose: x must have at least 2 dims"):
        T.vector().mT
