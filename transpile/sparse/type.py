"""`SparseType(format, dtype)`: 2-d scipy.sparse matrices in csr or csc format.

scipy is an optional dependency (the `test` extra): it is imported only when a sparse value is
checked or computed, and its absence is reported by `scipy_sparse()` with a clear ImportError.
"""
import numpy as np

from transpile.graph.type import Type
from transpile.scalar import dtypes as D

__all__ = ["FORMATS", "SparseType", "is_sparse_value", "scipy_sparse"]

FORMATS = ("csr", "csc")


def scipy_sparse():
    """The `scipy.sparse` module, or an ImportError saying how to get it."""
    try:
        import scipy.sparse
    except ImportError as err:  # pragma: no cover - scipy is installed in the test environment
        raise ImportError("transpile.sparse needs scipy for sparse values: pip install scipy "
                          "(or pip install 'transpile[test]')") from err
    return scipy.sparse


def is_sparse_value(value):
    """True for a scipy.sparse matrix or array (checked without importing scipy)."""
    return type(value).__module__.startswith("scipy.sparse") and hasattr(value, "format")


def _describe(value):
    if is_sparse_value(value):
        return f"a {value.format} matrix of {value.dtype} with shape {value.shape}"
    if isinstance(value, np.ndarray):
        return f"a dense ndarray of {value.dtype} with shape {value.shape}"
    return f"a {type(value).__name__}"


class SparseType(Type):
    ndim = 2
    broadcastable = (False, False)

    def __init__(self, format, dtype=None):
        if format not in FORMATS:
            raise ValueError(f"SparseType: format must be one of {', '.join(FORMATS)}, got {format!r}")
        self.format = format
        self.dtype = D.check_dtype(dtype or D.config.floatX)

    def clone(self, format=None, dtype=None):
        return SparseType(format or self.format, dtype or self.dtype)

    def filter(self, value, strict=False, allow_downcast=None):
        """`value` if it is a scipy.sparse matrix of this format and dtype (another dtype is cast
        only with `allow_downcast`); TypeError naming what was expected otherwise."""
        if not is_sparse_value(value):
            raise TypeError(f"expected a scipy.sparse {self.format} matrix of {self.dtype} ({self}), "
                            f"got {_describe(value)}")
        if value.format != self.format:
            raise TypeError(f"expected a {self.format} matrix ({self}), got {_describe(value)}; "
                            f"convert it with value.to{self.format}()")
        if len(value.shape) != 2:
            raise TypeError(f"expected a 2-d sparse matrix ({self}), got shape {value.shape}")
        if value.dtype.name != self.dtype:
            if strict or not allow_downcast:
                raise TypeError(f"expected a sparse matrix of dtype {self.dtype} ({self}), got {_describe(value)}; "
                                f"convert it with value.astype({self.dtype!r})")
            value = value.astype(self.dtype)
        return value

    # -- comparing values ------------------------------------------------------------------
    def values_eq(self, a, b):
        return a.shape == b.shape and abs(a - b).max() == 0

    def values_eq_approx(self, a, b, rtol=None, atol=None):
        if a.shape != b.shape:
            return False
        tol = {"float32": 1e-4, "float64": 1e-8}.get(self.dtype, 0)
        rtol, atol = rtol or tol * 10, atol or tol
        return bool((abs(a - b) - rtol * abs(b)).max() <= atol)

    def value_signature(self, value):
        v = value.copy()
        v.sum_duplicates()
        v.sort_indices()
        return (v.format, v.dtype.str, v.shape, v.data.tobytes(), v.indices.tobytes(), v.indptr.tobytes())

    def constant_str(self, value):
        return f"SparseConstant{{{self.format}, {self.dtype}, shape={value.shape}, nnz={value.nnz}}}"

    # -- identity ------------------------------------------------------------------------------
    def __eq__(self, other):
        return type(other) is SparseType and other.format == self.format and other.dtype == self.dtype

    def __hash__(self):
        return hash((SparseType, self.format, self.dtype))

    def __str__(self):
        return f"SparseType({self.format}, {self.dtype})"

    __repr__ = __str__
