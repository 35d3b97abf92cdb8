"""T.vectorize (PyTensor's pt.vectorize, a scan over the batch) against numpy in every mode:
a signature with core dims, broadcasting of core-only inputs and of broadcastable batch dims,
several outputs, scalars without a signature, no batch; gradients; errors."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table


def test_vectorize_matches_numpy(rng):
    a, v, s, r = T.tensor3("a"), T.matrix("v"), T.vector("s"), T.row("r")
    av, vv, sv, rv = rng.standard_normal((4, 3, 2)), rng.standard_normal((4, 2)), rng.standard_normal(5), \
        rng.standard_normal((1, 2))
    matvec = T.vectorize(lambda m, x: T.dot(m, x), "(m,n),(n)->(m)")
    both = T.vectorize(lambda x, y: (x * y, x + y))
    norms = T.vectorize(lambda x: T.sqrt(T.sum(x ** 2)), "(n)->()")
    product, total = both(s, s[::-1])
    table = [("batched matvec", matvec(a, v), np.einsum("bmn,bn->bm", av, vv)),
             ("core-only vector", matvec(a, v[0]), av @ vv[0]),
             ("broadcast batch dim", matvec(a, r), av @ rv[0]),
             ("two outputs: product", product, sv * sv[::-1]), ("two outputs: sum", total, sv + sv[::-1]),
             ("reduction to scalars", norms(v), np.linalg.norm(vv, axis=1)),
             ("no batch", matvec(a[0], v[0]), av[0] @ vv[0])]
    check_table([a, v, s, r], [av, vv, sv, rv], table)


def test_vectorize_gradient_and_errors(rng):
    matvec = T.vectorize(lambda m, x: T.dot(m, x), "(m,n),(n)->(m)")
    verify_grad(lambda m, x: matvec(m, x), [rng.standard_normal((3, 2, 2)), rng.standard_normal((3, 2))], rng=rng)
    with pytest.raises(ValueError, match="signature must look like"):
        T.vectorize(lambda x: x, "(n)")
    with pytest.raises(TypeError, match="has 2 inputs, got 1"):
        matvec(T.tensor3())
    with pytest.raises(TypeError, match="fewer dims than its 2 core dims"):
        matvec(T.vector(), T.vector())
    assert transpile.scan_module.vectorize is T.vectorize
