"""transpile.tensor.signal.convolve1d / convolve2d (PyTensor's) against numpy and scipy.signal in every mode:
full, valid and same, either input the longer, batches with broadcasting, integer inputs;
gradients; errors."""
import numpy as np
import pytest
import scipy.signal as ss

import transpile.tensor as T
from transpile.gradient import verify_grad
from transpile.tensor import signal as S
from tests.tensor.extra_ops_helpers import check_table


def test_convolve1d_matches_numpy(rng):
    xs, values, table = [], [], []
    for n, m in [(5, 3), (3, 5), (4, 4), (1, 3)]:
        a, b = T.dvector(f"a{n}{m}"), T.dvector(f"b{n}{m}")
        av, bv = rng.standard_normal(n), rng.standard_normal(m)
        xs += [a, b]
        values += [av, bv]
        for mode in ("full", "valid", "same"):
            table.append((f"{mode} {n} {m}", S.convolve1d(a, b, mode), ss.convolve(av, bv, mode=mode, method="direct")))
    batch, kernels, ints = T.dtensor3("batch"), T.dmatrix("kernels"), T.ivector("ints")
    bv3, kv = rng.standard_normal((2, 3, 6)), rng.standard_normal((3, 4))
    iv = np.array([1, 2, 3], dtype="int32")
    xs += [batch, kernels, ints]
    values += [bv3, kv, iv]
    table += [("batched same", S.convolve1d(batch, kernels, "same"),
               np.array([[ss.convolve(bv3[i, j], kv[j], mode="same") for j in range(3)] for i in range(2)])),
              ("int32", S.convolve1d(ints, ints), np.convolve(iv, iv))]
    check_table(xs, values, table, numpy_dtypes=True)


def test_convolve2d_matches_scipy(rng):
    xs, values, table = [], [], []
    for s1, s2 in [((5, 4), (3, 2)), ((3, 2), (5, 4)), ((4, 4), (2, 3))]:
        a, b = T.dmatrix(f"a{s1}"), T.dmatrix(f"b{s2}")
        av, bv = rng.standard_normal(s1), rng.standard_normal(s2)
        xs += [a, b]
        values += [av, bv]
        modes = ("full", "valid", "same") if s1 != (4, 4) else ("full", "same")
        table += [(f"{mode} {s1} {s2}", S.convolve2d(a, b, mode), ss.convolve2d(av, bv, mode=mode)) for mode in modes]
    images, kernel = T.dtensor3("images"), T.dmatrix("kernel")
    iv, kv = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 2))
    table.append(("batched", S.convolve2d(images, kernel), np.array([ss.convolve2d(i, kv) for i in iv])))
    check_table(xs + [images, kernel], values + [iv, kv], table)


def test_gradients_and_errors(rng):
    verify_grad(lambda a, b: S.convolve1d(a, b, "same"), [rng.standard_normal(5), rng.standard_normal(3)], rng=rng)
    verify_grad(lambda a, b: S.convolve2d(a, b, "valid"), [rng.standard_normal((4, 3)), rng.standard_normal((2, 2))],
                rng=rng)
    with pytest.raises(ValueError, match="mode must be one of"):
        S.convolve1d(T.vector(), T.vector(), "circular")
    with pytest.raises(NotImplementedError, match="boundary='fill'"):
        S.convolve2d(T.matrix(), T.matrix(), boundary="wrap")
    with pytest.raises(TypeError, match="at least 2 dims"):
        S.convolve2d(T.vector(), T.matrix())
