"""Theano's sparse comparisons, as graphs over the dense comparison (so they run natively):

- `equal_s_s(x, y)` and the other `*_s_s`: two sparse matrices -> a sparse uint8 matrix in x's
  format (as scipy's `x == y`: true where both hold zero too, so `equal_s_s`, `less_equal_s_s`
  and `greater_equal_s_s` are mostly full);
- `equal_s_d(x, y)` and the other `*_s_d`: sparse and a dense matrix -> a dense uint8 matrix;
- `eq neq lt gt le ge` pick one of them by operand kind (a dense left operand swaps the
  comparison: `lt(d, s)` is `greater_than_s_d(s, d)`); sparse variables' `<`, `<=`, `>`, `>=`.

The comparison is computed on the densified operands, so it costs rows * cols memory whatever
the number of stored values.
"""
import transpile.tensor as T
from transpile.sparse.basic import SparseFromDense, as_dense, as_sparse_variable, dense_from_sparse, is_sparse_variable
from transpile.sparse.type import is_sparse_value

__all__ = ["eq", "equal_s_d", "equal_s_s", "ge", "greater_equal_s_d", "greater_equal_s_s", "greater_than_s_d",
           "greater_than_s_s", "gt", "le", "less_equal_s_d", "less_equal_s_s", "less_than_s_d", "less_than_s_s", "lt",
           "neq", "not_equal_s_d", "not_equal_s_s"]

OUT_DTYPE = "uint8"  # Theano's


def _ss(name, compare):
    def op(x, y):
        x, y = as_sparse_variable(x), as_sparse_variable(y)
        if x.type.format != y.type.format:
            raise TypeError(f"{name}: x and y must have the same format, got {x.type} and {y.type}")
        out = T.cast(compare(dense_from_sparse(x), dense_from_sparse(y)), OUT_DTYPE)
        return SparseFromDense(x.type.format)(out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{compare.__name__}(x, y) of two sparse matrices: a sparse uint8 matrix in x's format."
    return op


def _sd(name, compare):
    def op(x, y):
        x, y = as_sparse_variable(x), as_dense(y, name)
        if y.ndim != 2:
            raise TypeError(f"{name}: the dense operand must be a matrix, got {y} ({y.type})")
        return T.cast(compare(dense_from_sparse(x), y), OUT_DTYPE)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{compare.__name__}(x, y) of sparse x and dense matrix y: a dense uint8 matrix."
    return op


equal_s_s, equal_s_d = _ss("equal_s_s", T.eq), _sd("equal_s_d", T.eq)
not_equal_s_s, not_equal_s_d = _ss("not_equal_s_s", T.neq), _sd("not_equal_s_d", T.neq)
less_than_s_s, less_than_s_d = _ss("less_than_s_s", T.lt), _sd("less_than_s_d", T.lt)
greater_than_s_s, greater_than_s_d = _ss("greater_than_s_s", T.gt), _sd("greater_than_s_d", T.gt)
less_equal_s_s, less_equal_s_d = _ss("less_equal_s_s", T.le), _sd("less_equal_s_d", T.le)
greater_equal_s_s, greater_equal_s_d = _ss("greater_equal_s_s", T.ge), _sd("greater_equal_s_d", T.ge)


def _switch(name, ss, sd, ds):
    def compare(x, y):
        x_sparse = is_sparse_variable(x) or is_sparse_value(x)
        y_sparse = is_sparse_variable(y) or is_sparse_value(y)
        if x_sparse and y_sparse:
            return ss(x, y)
        if x_sparse:
            return sd(x, y)
        if y_sparse:
            return ds(y, x)
        raise TypeError(f"sparse.{name}: at least one operand must be sparse; use T.{name} for dense ones")

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = (f"x {name} y with a sparse operand: sparse uint8 for two sparse matrices, dense uint8 "
                       f"when one is dense.")
    return compare


eq = _switch("eq", equal_s_s, equal_s_d, equal_s_d)
neq = _switch("neq", not_equal_s_s, not_equal_s_d, not_equal_s_d)
lt = _switch("lt", less_than_s_s, less_than_s_d, greater_than_s_d)
gt = _switch("gt", greater_than_s_s, greater_than_s_d, less_than_s_d)
le = _switch("le", less_equal_s_s, less_equal_s_d, greater_equal_s_d)
ge = _switch("ge", greater_equal_s_s, greater_equal_s_d, less_equal_s_d)
