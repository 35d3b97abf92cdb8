"""Theano's small names in every mode: view_op, cpu_contiguous (views and copies, native too),
wrap_py (PyTensor's as_op), make_slice, scalar_from_tensor / tensor_from_scalar."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.compile import view_op
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table


def test_view_op_and_cpu_contiguous(rng):
    x = T.matrix("x")
    xv = rng.standard_normal((3, 4))
    table = [("view_op", view_op(x) * 2, xv * 2), ("cpu_contiguous transposed", T.cpu_contiguous(x.T) + 1, np.ascontiguousarray(xv.T) + 1),
             ("cpu_contiguous contiguous", T.cpu_contiguous(x) * 3, xv * 3),
             ("cpu_contiguous strided", T.cpu_contiguous(x[:, ::2]).sum(axis=0), xv[:, ::2].sum(axis=0)),
             ("cpu_contiguous output", T.cpu_contiguous(x[::-1, 1:]), xv[::-1, 1:])]
    check_table([x], [xv], table)
    got = transpile.function([x], T.cpu_contiguous(x.T))(xv)
    assert got.flags["C_CONTIGUOUS"]
    verify_grad(lambda a: T.cpu_contiguous(a.T) * view_op(a).T, [xv], rng=rng)


def test_wrap_py_make_slice_and_scalars():
    @transpile.wrap_py(itypes=[T.dvector], otypes=[T.dvector])
    def cumulative(v):
        return np.cumsum(v)

    x, a = T.dvector("x"), T.lscalar("a")
    xv = np.arange(6.0)
    table = [("wrap_py", cumulative(x), np.cumsum(xv)), ("make_slice", x[T.make_slice(a, None, 2)], xv[1::2]),
             ("make_slice python slice", x[T.make_slice(slice(1, 4))], xv[1:4]),
             ("scalar_from_tensor", T.scalar_from_tensor(x.sum()) * 2, np.float64(30.0)),
             ("tensor_from_scalar", T.tensor_from_scalar(2.5) + x, xv + 2.5)]
    check_table([x, a], [xv, np.int64(1)], table)
    assert transpile.wrap_py is transpile.as_op
    with pytest.raises(TypeError, match="make_slice: stop"):
        T.make_slice(0, T.dscalar())
    with pytest.raises(TypeError, match="expected a 0-d tensor"):
        T.scalar_from_tensor(x)
    with pytest.raises(TypeError, match="expected a scalar"):
        T.tensor_from_scalar(x)
