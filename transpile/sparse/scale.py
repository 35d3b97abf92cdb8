"""Theano's products of a sparse matrix with a dense vector broadcast along one axis, as `MulSD`
(x's structure kept, structured gradients): `mul_s_v` and `col_scale` (column j times s[j]),
`row_scale` (row i times s[i])."""
from transpile.sparse.arith import MulSD
from transpile.sparse.basic import as_dense, as_sparse_variable

__all__ = ["col_scale", "mul_s_v", "row_scale"]


def _vector(s, who):
    s = as_dense(s, who)
    if s.ndim != 1:
        raise TypeError(f"{who}: expected a dense vector, got {s} ({s.type})")
    return s


def mul_s_v(x, y):
    """x * y with vector y broadcast over the rows (y[j] scales column j): sparse, x's structure."""
    return MulSD()(as_sparse_variable(x), _vector(y, "mul_s_v"))


def col_scale(x, s):
    """Column j of sparse x times s[j] (len(s) == number of columns)."""
    return MulSD()(as_sparse_variable(x), _vector(s, "col_scale").dimshuffle("x", 0))


def row_scale(x, s):
    """Row i of sparse x times s[i] (len(s) == number of rows)."""
    return MulSD()(as_sparse_variable(x), _vector(s, "row_scale").dimshuffle(0, "x"))
