"""linspace, logspace and geomspace (transpile/tensor/spacing.py) against numpy: Python and
symbolic bounds, float32/float64/int bounds, num 0 and 1, endpoint, integer dtypes, negative
geometric sequences; errors; gradients with respect to the bounds."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table


def test_values_match_numpy():
    s, t = T.dscalar("s"), T.dscalar("t")
    f, g = T.fscalar("f"), T.fscalar("g")
    i = T.iscalar("i")
    sv, tv, fv, gv, iv = -1.5, 2.25, np.float32(0.5), np.float32(7.0), np.int32(-3)
    table = []
    for num in (0, 1, 2, 7):
        for endpoint in (True, False):
            table += [(f"linspace {num} {endpoint}", T.linspace(s, t, num, endpoint),
                       np.linspace(sv, tv, num, endpoint)),
                      (f"logspace {num} {endpoint}", T.logspace(s, t, num, endpoint),
                       np.logspace(sv, tv, num, endpoint)),
                      (f"geomspace {num} {endpoint}", T.geomspace(fv, g, num, endpoint),
                       np.geomspace(fv, gv, num, endpoint))]
    table += [("linspace python", T.linspace(2, 10, 5), np.linspace(2, 10, 5)),
              ("linspace default num", T.linspace(0, s, endpoint=False), np.linspace(0, sv, endpoint=False)),
              ("linspace float32", T.linspace(f, g, 6), np.linspace(fv, gv, 6)),
              ("linspace float32 python", T.linspace(f, 3.0, 4), np.linspace(fv, 3.0, 4)),
              ("linspace int bounds", T.linspace(i, 4, 6), np.linspace(iv, 4, 6)),
              ("linspace reversed", T.linspace(t, s, 5), np.linspace(tv, sv, 5)),
              ("linspace int dtype", T.linspace(s, t, 9, dtype="int32"), np.linspace(sv, tv, 9, dtype="int32")),
              ("linspace float32 dtype", T.linspace(s, t, 4, dtype="float32"),
               np.linspace(sv, tv, 4, dtype="float32")),
              ("logspace base 2", T.logspace(s, t, 5, base=2.0), np.logspace(sv, tv, 5, base=2.0)),
              ("logspace float32", T.logspace(f, 1.5, 4), np.logspace(fv, 1.5, 4)),
              ("logspace int dtype", T.logspace(0, 3, 4, dtype="int64"), np.logspace(0, 3, 4, dtype="int64")),
              ("geomspace python", T.geomspace(1, 1000, 4), np.geomspace(1, 1000, 4)),
              ("geomspace float32 and python", T.geomspace(g, 8, 3), np.geomspace(gv, 8, 3)),  # numpy: float64
              ("geomspace negative", T.geomspace(-t, -8.0, 5), np.geomspace(-tv, -8.0, 5)),
              ("geomspace float64", T.geomspace(t, 100, 6, endpoint=False), np.geomspace(tv, 100, 6, endpoint=False)),
              ("geomspace int dtype", T.geomspace(1, 256, 9, dtype="int32"), np.geomspace(1, 256, 9, dtype="int32"))]
    check_table([s, t, f, g, i], [sv, tv, fv, gv, iv], table, rtol=1e-6, numpy_dtypes=True)


def test_errors():
    with pytest.raises(ValueError, match="linspace: num must be non-negative"):
        T.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="logspace: num must be a Python int"):
        T.logspace(0, 1, T.lscalar())
    with pytest.raises(TypeError, match="linspace: start and stop must be scalars"):
        T.linspace(T.vector(), 1.0)
    with pytest.raises(TypeError, match="linspace: start and stop must be real numbers"):
        T.linspace("a", 1.0)
    with pytest.raises(ValueError, match="geomspace: a geometric sequence cannot include zero"):
        T.geomspace(0, 10)


GRADIENTS = {
    "linspace": lambda a, b: T.linspace(a, b, 5),
    "linspace open": lambda a, b: T.linspace(a, b, 4, endpoint=False) ** 2,
    "logspace": lambda a, b: T.logspace(a, b, 4, base=2.0),
    "geomspace": lambda a, b: T.geomspace(a + 2.0, b + 3.0, 5),
}


def build_gradient(name):
    r = case_rng()
    return GRADIENTS[name], [np.asarray(r.uniform(-1, 1)), np.asarray(r.uniform(-1, 1))]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)
