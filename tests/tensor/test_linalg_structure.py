"""Diagonals, trace, kron and norm (transpile.tensor.nlinalg_structure) vs numpy: values for
float32/float64 and integers, offsets and axes, numpy's ord/axis/keepdims semantics, errors,
infer_shape and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.tensor import linalg as L
from transpile.tensor.nlinalg_structure import AllocDiag, DiagonalScatter

INF = np.inf


def sym(ndim, dtype="float64", name=None):
    return T.TensorType(dtype, (False,) * ndim)(name)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_diagonals_trace_kron_match_numpy(dtype, rng):
    vec = rng.uniform(-3, 3, 4).astype(dtype)
    mat = rng.uniform(-3, 3, (3, 5)).astype(dtype)
    cube = rng.uniform(-3, 3, (2, 3, 4)).astype(dtype)
    v, m, c = sym(1, dtype), sym(2, dtype), sym(3, dtype)
    cases = [
        (L.diag(v), np.diag(vec)), (L.diag(v, 2), np.diag(vec, 2)), (L.diag(v, -1), np.diag(vec, -1)),
        (L.diag(m), np.diag(mat)), (L.diag(m, 3), np.diag(mat, 3)), (L.diag(m, -2), np.diag(mat, -2)),
        (L.diag(m, 7), np.diag(mat, 7)),
        (L.diagonal(c), np.diagonal(cube)), (L.diagonal(c, 1, 1, 2), np.diagonal(cube, 1, 1, 2)),
        (L.extract_diag(c, -1, 2, 0), np.diagonal(cube, -1, 2, 0)),
        (L.diagonal(m) * 2, np.diagonal(mat) * 2),
        (L.alloc_diag(m, 1, 0, 2), None),
        (L.trace(m), np.trace(mat)), (L.trace(c, 1, 1, 2), np.trace(cube, 1, 1, 2)),
        (L.kron(m, m), np.kron(mat, mat)), (L.kron(v, m), np.kron(vec, mat)), (L.kron(c, v), np.kron(cube, vec)),
        (DiagonalScatter(1, 2, 1)(c, L.diagonal(c, 1, 2, 1)), None),
    ]
    moved = np.zeros((6, 3, 6), dtype=dtype)  # alloc_diag(m, 1, 0, 2): rows of m on diagonal 1 of axes 0, 2
    for i in range(3):
        for j in range(5):
            moved[j, i, j + 1] = mat[i, j]
    cases[11] = (cases[11][0], moved)
    scattered = np.zeros_like(cube)
    for k in range(2):
        for i in range(min(4 - 0, 3 - 1)):
            scattered[k, i + 1, i] = cube[k, i + 1, i]
    cases[-1] = (cases[-1][0], scattered)
    got = function([v, m, c], [case[0] for case in cases])(vec, mat, cube)
    for k, ((out, expected), value) in enumerate(zip(cases, got)):
        assert value.shape == expected.shape, (k, value.shape, expected.shape)
        np.testing.assert_allclose(value, expected, rtol=1e-6, err_msg=f"case {k}: {out}")
    assert got[0].dtype == dtype and got[14].dtype == dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_matches_numpy(dtype, rng):
    vec = rng.uniform(-3, 3, 5).astype(dtype)
    vec[2] = 0
    mat = rng.uniform(-3, 3, (4, 3)).astype(dtype)
    cube = rng.uniform(-3, 3, (2, 4, 3)).astype(dtype)
    v, m, c = sym(1, dtype), sym(2, dtype), sym(3, dtype)
    vector_ords = [None, 2, 1, INF, -INF, 0, 3, 0.5, -1]
    matrix_ords = [None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]
    with np.errstate(divide="ignore"):  # numpy's ord=-1 of a vector with a zero
        cases = [(L.norm(v, o), np.linalg.norm(vec, o)) for o in vector_ords]
    cases += [(L.norm(m, o), np.linalg.norm(mat, o)) for o in matrix_ords]
    cases += [(L.norm(c, o, axis=(2, 1)), np.linalg.norm(cube, o, axis=(2, 1))) for o in matrix_ords[1:]]
    cases += [(L.norm(c), np.linalg.norm(cube)), (L.norm(c, axis=1), np.linalg.norm(cube, axis=1)),
              (L.norm(c, 1, axis=-1, keepdims=True), np.linalg.norm(cube, 1, axis=-1, keepdims=True)),
              (L.norm(c, "fro", axis=(0, 2), keepdims=True), np.linalg.norm(cube, "fro", axis=(0, 2), keepdims=True)),
              (L.norm(c, keepdims=True), np.linalg.norm(cube, keepdims=True))]
    got = function([v, m, c], [case[0] for case in cases])(vec, mat, cube)
    tol = dict(rtol=1e-4) if dtype == "float32" else dict(rtol=1e-10)
    for k, ((out, expected), value) in enumerate(zip(cases, got)):
        assert value.shape == np.shape(expected), k
        np.testing.assert_allclose(value, expected, **tol, err_msg=f"case {k}")


def test_errors():
    with pytest.raises(ValueError, match="1-d or 2-d"):
        L.diag(T.tensor3())
    with pytest.raises(ValueError, match="distinct axes"):
        L.diagonal(T.matrix(), 0, 1, 1)
    with pytest.raises(ValueError, match="at least 2 dims"):
        L.diagonal(T.vector())
    with pytest.raises(ValueError, match="invalid norm order"):
        L.norm(T.matrix(), 3)
    with pytest.raises(ValueError, match="invalid norm order"):
        L.norm(T.vector(), "fro")
    with pytest.raises(ValueError, match="axis"):
        L.norm(T.tensor3(), axis=(0, 1, 2))
    x, g = T.matrix(), T.vector()
    f = function([x, g], DiagonalScatter(0, 0, 1)(x, g))
    with pytest.raises(ValueError, match="do not fit the diagonal"):
        f(np.zeros((3, 3)), np.ones(2))


def test_infer_shape():
    c, v = sym(3), sym(2)
    outs = [L.diagonal(c, 1, 2, 0), L.diagonal(c, -5, 0, 1), AllocDiag(-2, 2, 0)(v), DiagonalScatter(1, 0, 2)(c, v)]
    inferred = []
    for out in outs:
        node = out.owner
        shapes = [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs]
        inferred.append(T.stack([T.as_tensor_variable(s) for s in node.op.infer_shape(node, shapes)[0]]))
    got = function([c, v], outs + inferred)(np.ones((2, 3, 4)), np.ones((3, 2)))
    for value, shape in zip(got[:4], got[4:]):
        assert tuple(int(s) for s in shape) == value.shape


#: name: (fn, its points from a generator): one batched table (tests/batched.py), one native build
GRADS = {
    "kron": (lambda a, b: L.kron(a, b) + 0.0, lambda rng: [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3,))]),
    "trace and matrix norms": (lambda a: L.trace(a) + L.norm(a, "nuc") + L.norm(a, 2) + L.norm(a, 1),
                               lambda rng: [rng.uniform(-1, 1, (3, 3))]),
    "vector norms": (lambda a: L.norm(a, axis=0) + L.norm(a, 3, axis=0) + L.norm(a, INF, axis=0),
                     lambda rng: [rng.uniform(0.5, 1, (3, 2)) * np.array([1.0, -1.0])]),
    "diag": (lambda a: L.diag(L.diag(a) * 2.0, -1), lambda rng: [rng.uniform(-1, 1, (3, 2))]),
}


def build_grad(name):
    fn, points = GRADS[name]
    return fn, points(case_rng())


def test_gradients(mode):
    for name in GRADS:
        batched_verify_grad(mode, list(GRADS), build_grad, name)
