"""Triangles and diagonals (tri, tril, triu, fill_diagonal, diagonal, trace, to_one_hot, the
tril/triu indices), index helpers (take, roll, unravel_index, ravel_multi_index,
inverse_permutation) and the small numpy helpers (where,
isclose, allclose, broadcast_to, square, power, stacks) against numpy."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_triangles_and_diagonals(dtype, rng):
    x, t, k = T.tensor(dtype, (False, False)), T.tensor(dtype, (False, False, False)), T.lscalar("k")
    a = rng.integers(-5, 5, size=(4, 6)).astype(dtype)
    c = rng.integers(-5, 5, size=(2, 3, 5)).astype(dtype)
    sq = rng.integers(-5, 5, size=(3, 3, 3)).astype(dtype)
    s = T.tensor(dtype, (False, False, False))

    def filled(m, val, offset=0):
        m = m.copy()
        for i in range(m.shape[0]):
            if 0 <= i + offset < m.shape[1]:
                m[i, i + offset] = val
        return m

    sq_filled = sq.copy()
    np.fill_diagonal(sq_filled, 7)
    table = [*[(f"tril {kk}", T.tril(x, kk), np.tril(a, kk)) for kk in (0, 2, -1, -7)],
             *[(f"triu {kk}", T.triu(x, kk), np.triu(a, kk)) for kk in (0, 1, -2)],
             ("tril symbolic k", T.tril(x, k), np.tril(a, -1)), ("triu 3-d", T.triu(t, 1), np.triu(c, 1)),
             ("tri", T.tri(3, 5, 1, dtype), np.tri(3, 5, 1, dtype)), ("tri square", T.tri(4), np.tri(4)),
             ("fill_diagonal", T.fill_diagonal(x, 9), filled(a, 9)),
             ("fill_diagonal tall", T.fill_diagonal(x.T, 9), filled(a.T, 9)),
             ("fill_diagonal 3-d", T.fill_diagonal(s, 7), sq_filled),
             ("fill_diagonal_offset", T.fill_diagonal_offset(x, 5, 2), filled(a, 5, 2)),
             ("fill_diagonal_offset -1", T.fill_diagonal_offset(x, 5, -1), filled(a, 5, -1)),
             *[(f"diagonal {o}", T.diagonal(x, o), np.diagonal(a, o)) for o in (0, 1, 5, -2, -9)],
             ("diagonal axes", T.diagonal(t, 1, 2, 0), np.diagonal(c, 1, 2, 0)),
             ("trace", T.trace(x), np.trace(a)), ("trace method", x.trace(1), a.trace(1)),
             ("trace 3-d", t.trace(0, 1, 2), c.trace(0, 1, 2)), ("diagonal method", x.diagonal(-1), a.diagonal(-1))]
    check_table([x, t, k, s], [a, c, np.int64(-1), sq], table)


def test_to_one_hot_and_eye(rng):
    y = T.ivector()
    labels = np.array([2, 0, 3, 3], dtype="int32")
    m = T.matrix()
    a = rng.standard_normal((3, 2))
    check_table([y, m], [labels, a], [("one hot", T.to_one_hot(y, 5), np.eye(5)[labels]),
                                      ("int8", T.to_one_hot(y, 4, "int8"), np.eye(4, dtype="int8")[labels]),
                                      ("eye", T.extra_ops.eye(3, 4, 1), np.eye(3, 4, 1)),
                                      ("identity_like", T.extra_ops.identity_like(m), np.eye(3, 2))])


def test_triangle_errors():
    with pytest.raises(ValueError, match="2-d"):
        T.tril(T.vector())
    with pytest.raises(TypeError, match="scalar"):
        T.fill_diagonal(T.matrix(), T.vector())
    with pytest.raises(ValueError, match="differ"):
        T.diagonal(T.matrix(), 0, 1, 1)
    with pytest.raises(TypeError, match="int vector"):
        T.to_one_hot(T.vector(), 3)


def test_take_and_roll(rng):
    x, i, s = T.matrix(), T.lvector("i"), T.iscalar("s")
    a, idx = rng.standard_normal((4, 5)), np.array([3, 0, 3, -1])
    table = [("flat", T.take(x, i), np.take(a, idx)), ("axis 0", T.take(x, i, 0), np.take(a, idx, 0)),
             ("axis 1", T.take(x, i, axis=1), np.take(a, idx, 1)),
             ("scalar", T.take(x, 7), np.take(a, 7)), ("list", T.take(x, [[0, 1], [2, 4]], 1), np.take(a, [[0, 1], [2, 4]], 1)),
             ("wrap", T.take(x, i * 3, 1, mode="wrap"), np.take(a, idx * 3, 1, mode="wrap")),
             ("clip", T.take(x, i * 3, 0, mode="clip"), np.take(a, idx * 3, 0, mode="clip")),
             ("method", x.take(i, 1), a.take(idx, 1)),
             *[(f"roll {sh} {ax}", T.roll(x, sh, ax), np.roll(a, sh, ax)) for sh, ax in
               ((1, 0), (-2, 1), (7, 1), (0, 0), (3, None), (-13, None), ((1, 2), (0, 1)))],
             ("roll symbolic", T.roll(x, s, 1), np.roll(a, -3, 1))]
    check_table([x, i, s], [a, idx, np.int32(-3)], table)


def test_take_errors():
    with pytest.raises(TypeError, match="integers"):
        T.take(T.matrix(), T.vector())
    with pytest.raises(ValueError, match="mode"):
        T.take(T.matrix(), 1, mode="bounce")
    x, i = T.matrix(), T.lvector()
    with pytest.raises(IndexError):
        function([x, i], T.take(x, i, 1))(np.ones((2, 3)), np.array([3]))


def test_ravel_unravel(rng):
    i, j, c, n = T.lvector("i"), T.imatrix("j"), T.lvector("c"), T.lscalar("n")
    flat = np.array([0, 5, 11, 7])
    rows, cols = np.array([[0, 2, 1]], dtype="int32"), np.array([1, 3, -1])
    table = [*[(f"unravel C {d}", T.unravel_index(i, (3, 4))[d], np.unravel_index(flat, (3, 4))[d]) for d in range(2)],
             ("unravel F", T.unravel_index(i, (2, n, 3), order="F")[1], np.unravel_index(flat, (2, 2, 3), order="F")[1]),
             ("unravel scalar", T.unravel_index(i[1], (2, 3))[0], np.unravel_index(5, (2, 3))[0]),
             ("ravel C", T.ravel_multi_index([j, c], (3, 5), mode="wrap"), np.ravel_multi_index([rows, cols], (3, 5), mode="wrap")),
             ("ravel clip F", T.ravel_multi_index([j, c], (2, n), mode="clip", order="F"),
              np.ravel_multi_index([rows, cols], (2, 2), mode="clip", order="F")),
             ("ravel", T.ravel_multi_index([i % 3, i % 4], (3, 4)), np.ravel_multi_index([flat % 3, flat % 4], (3, 4)))]
    check_table([i, j, c, n], [flat, rows, cols, np.int64(2)], table)
    f = function([i], T.unravel_index(i, (3, 4))[0])
    with pytest.raises(ValueError, match="out of bounds"):
        f(np.array([12]))
    g = function([j, c], T.ravel_multi_index([j, c], (3, 5)))
    with pytest.raises(ValueError, match="coordinates"):
        g(rows, np.array([1, 5, 0]))


def test_numpy_helpers(rng):
    x, y, m = T.vector(), T.vector(), T.matrix()
    a = np.array([1.0, np.nan, np.inf, -np.inf, 1e10, 0.0, 1.0])
    b = np.array([1.0 + 1e-9, np.nan, np.inf, np.inf, 1.00001e10, 1e-9, 1.1])
    mm = rng.standard_normal((2, 3))
    table = [("isclose", T.isclose(x, y), np.isclose(a, b)),
             ("isclose nan", T.isclose(x, y, equal_nan=True), np.isclose(a, b, equal_nan=True)),
             ("isclose tol", T.isclose(x, y, rtol=0.2, atol=0.0), np.isclose(a, b, rtol=0.2, atol=0.0)),
             ("allclose", T.allclose(x[:1], y[:1]), np.allclose(a[:1], b[:1])),
             ("not allclose", T.allclose(x, y), np.allclose(a, b)),
             ("where", T.where(T.gt(m, 0), m, -m), np.where(mm > 0, mm, -mm)),
             ("broadcast_to", T.broadcast_to(x[:3], (2, 3)), np.broadcast_to(a[:3], (2, 3))),
             ("square", T.square(m), np.square(mm)), ("power", T.power(m, 3), np.power(mm, 3)),
             ("hstack", T.horizontal_stack(m, m[:, :1]), np.hstack([mm, mm[:, :1]])),
             ("vstack", T.vertical_stack(m, m, m), np.vstack([mm, mm, mm])),
             ("stacklists", T.stacklists([[x[0], x[5]], [y[0], x[6]]]), np.array([[a[0], a[5]], [b[0], a[6]]])),
             ("squeeze", T.extra_ops.squeeze(T.shape_padleft(m)), mm)]
    check_table([x, y, m], [a, b, mm], table)
    with pytest.raises(TypeError, match="matrices"):
        T.horizontal_stack(T.vector(), T.vector())
    with pytest.raises(ValueError, match="two"):
        T.vertical_stack(T.matrix())


GRADIENTS = {
    "tril 1": lambda x: T.tril(x, 1), "triu -1": lambda x: T.triu(x, -1), "fill_diagonal": T.fill_diagonal,
    "diagonal 1": lambda x: T.diagonal(x, 1), "roll 2 1": lambda x: T.roll(x, 2, 1),
    "take 1": lambda x: T.take(x, T.constant(np.array([2, 0, 2])), 1),
    "broadcast_to": lambda x: T.broadcast_to(x[0], (2, 4)),
}


def build_gradient(name):
    a = case_rng().standard_normal((3, 4))
    return GRADIENTS[name], [a, np.array(0.5)] if name == "fill_diagonal" else [a]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)


def test_triangle_indices_and_inverse_permutation(rng):
    x, n, k = T.matrix("x"), T.lscalar("n"), T.lscalar("k")
    p, q = T.ivector("p"), T.lmatrix("q")
    a = rng.standard_normal((4, 6))
    perm = rng.permutation(7).astype("int32")
    perms = np.stack([rng.permutation(5) for _ in range(3)]).astype("int64")
    table = []
    for name, mine, fn, mine_from, fn_from in (
            ("tril", T.tril_indices, np.tril_indices, T.tril_indices_from, np.tril_indices_from),
            ("triu", T.triu_indices, np.triu_indices, T.triu_indices_from, np.triu_indices_from)):
        for args in ((4,), (4, 1), (3, -1, 5), (5, 2, 3), (0,), (3, 9)):
            table += [(f"{name}_indices {args} {i}", mine(*args)[i], fn(*args)[i]) for i in range(2)]
        table += [(f"{name}_indices symbolic {i}", mine(n, k, 5)[i], fn(4, -2, 5)[i]) for i in range(2)]
        table += [(f"{name}_indices_from {kk} {i}", mine_from(x, kk)[i], fn_from(a, kk)[i])
                  for kk in (0, 2, -3) for i in range(2)]
        table += [(f"{name}_indices_from empty {i}", mine_from(x[:0], 1)[i], fn_from(a[:0], 1)[i]) for i in range(2)]
    table += [("inverse_permutation", T.inverse_permutation(p), np.argsort(perm).astype("int32")),
              ("inverse_permutation rows", T.inverse_permutation(q), np.argsort(perms, axis=-1)),
              ("inverse_permutation empty", T.inverse_permutation(p[:0]), np.argsort(perm[:0]).astype("int32"))]
    check_table([x, n, k, p, q], [a, np.int64(4), np.int64(-2), perm, perms], table, numpy_dtypes=True)
    got = function([p], T.inverse_permutation(p))(perm)
    np.testing.assert_array_equal(got[perm], np.arange(7))  # out[perm[i]] == i
    with pytest.raises(ValueError, match="tril_indices_from: arr must be 2-d"):
        T.tril_indices_from(T.vector())
    with pytest.raises(TypeError, match="inverse_permutation: perm must be an integer vector"):
        T.inverse_permutation(T.vector())
