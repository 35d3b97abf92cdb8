"""Pieces shared by the linear-algebra modules (nlinalg, slinalg): input checks, the result
dtype of a decomposition, and the symbolic helpers their gradients are written with (a matmul
over leading batch dims, the transpose of the last two dims, triangular masks)."""
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.type import TensorType


def float_dtype(op_name, dtype):
    """The dtype LAPACK computes `dtype` in: float32 stays, everything else real is float64
    (as numpy and scipy do for integer input)."""
    if D.is_complex(dtype):
        raise TypeError(f"{op_name}: complex input ({dtype}) is not supported")
    return "float32" if dtype in ("float32", "float16") else "float64"


def as_matrices(op_name, x, batched, what="a"):
    """`x` as a tensor of at least 2 dims (exactly 2 unless `batched`)."""
    x = as_tensor_variable(x)
    if x.ndim < 2 or (x.ndim != 2 and not batched):
        expected = "a matrix or a batch of matrices (ndim >= 2)" if batched else "a matrix (ndim 2)"
        raise TypeError(f"{op_name}: input {what} must be {expected}, got {x} ({x.type})")
    if D.is_complex(x.dtype):
        raise TypeError(f"{op_name}: complex input {what} ({x.dtype}) is not supported")
    return x


def check_square(op_name, a, what="a"):
    """Raise numpy's error when the last two dims of ndarray `a` differ."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{op_name}: last 2 dimensions of the array {what} must be square, got shape {a.shape}")


def tensor_of(dtype, ndim):
    return TensorType(dtype, (False,) * ndim)()


def mT(x):
    """Swap the last two dims."""
    order = list(range(x.ndim - 2)) + [x.ndim - 1, x.ndim - 2]
    return DimShuffle(x.broadcastable, order)(x)


def matmul(a, b):
    """numpy.matmul for operands of equal rank >= 2 (same leading batch shape)."""
    import transpile.tensor as T
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 2 and b.ndim == 2:
        return T.dot(a, b)
    if a.ndim == 3 and b.ndim == 3:
        return T.batched_dot(a, b)
    batch = [T.shape(a)[d] for d in range(a.ndim - 2)]
    n, k, m = T.shape(a)[-2], T.shape(a)[-1], T.shape(b)[-1]
    a3 = T.reshape(a, T.stack([-1, n, k]), ndim=3)
    b3 = T.reshape(b, T.stack([-1, k, m]), ndim=3)
    return T.reshape(T.batched_dot(a3, b3), T.stack(batch + [n, m]), ndim=a.ndim)


def expand_last(x, n=2):
    """`x[..., None, None]` (n trailing broadcastable dims)."""
    return DimShuffle(x.broadcastable, list(range(x.ndim)) + ["x"] * n)(x)


def tri_mask(x, lower, k=0):
    """A 0/1 mask of the last two dims of `x` (shape (n, m)) keeping the lower (i >= j - k) or
    upper (i <= j - k) triangle, broadcastable over the leading dims."""
    import transpile.tensor as T
    rows = T.arange(T.shape(x)[-2])
    cols = T.arange(T.shape(x)[-1])
    r, c = DimShuffle(rows.broadcastable, (0, "x"))(rows), DimShuffle(cols.broadcastable, ("x", 0))(cols)
    keep = T.ge(r + k, c) if lower else T.le(r + k, c)
    mask = T.cast(keep, x.dtype)
    return DimShuffle(mask.broadcastable, ["x"] * (x.ndim - 2) + [0, 1])(mask)


def identity_of(x):
    """The identity of the last dim of `x`'s size, broadcastable over leading dims."""
    import transpile.tensor as T
    n = T.shape(x)[-1]
    eye = T.eye(n, n, 0, dtype=x.dtype)
    return DimShuffle(eye.broadcastable, ["x"] * (x.ndim - 2) + [0, 1])(eye)

