"""Theano's other names in `theano.sparse`: the typed constructors (`csr_fmatrix("x")`), the
parts of a compressed matrix (`csm_data`, `csm_indices`, `csm_indptr`, `csm_shape`), the cast
shortcuts (`fcast`, `dcast`, `icast`, ...) and the op instances of the elementwise arithmetic
(`add_s_s`, `add_s_d`, `mul_s_s`, `mul_s_d`), and PyTensor's spellings (`multiply`, `subtract`,
`as_symbolic_sparse`), `as_sparse_or_tensor_variable` and `hash_from_sparse`.
"""
import functools
import hashlib

import numpy as np

from transpile.sparse.arith import AddSD, AddSS, MulSD, MulSS, mul, sub
from transpile.sparse.basic import as_sparse_variable
from transpile.sparse.csm import csm_properties
from transpile.sparse.structured import sp_cast
from transpile.sparse.type import SparseType, is_sparse_value
from transpile.tensor.basic import as_tensor_variable

__all__ = ["add_s_d", "add_s_s", "as_sparse_or_tensor_variable", "as_symbolic_sparse", "bcast", "csc_dmatrix", "csc_fmatrix", "csm_data", "csm_indices", "csm_indptr",
           "csm_shape", "csr_dmatrix", "csr_fmatrix", "dcast", "fcast", "hash_from_sparse", "icast", "lcast",
           "mul_s_d", "mul_s_s", "multiply", "subtract", "wcast"]

csr_fmatrix, csr_dmatrix = SparseType("csr", "float32"), SparseType("csr", "float64")
csc_fmatrix, csc_dmatrix = SparseType("csc", "float32"), SparseType("csc", "float64")

add_s_s, add_s_d, mul_s_s, mul_s_d = AddSS(), AddSD(), MulSS(), MulSD()


def csm_data(x):
    """The stored values of the compressed matrix `x` (its `data`)."""
    return csm_properties(x)[0]


def csm_indices(x):
    """The column (csr) or row (csc) index of each stored value (`indices`)."""
    return csm_properties(x)[1]


def csm_indptr(x):
    """Where each row (csr) or column (csc) starts in `data` (`indptr`)."""
    return csm_properties(x)[2]


def csm_shape(x):
    """The shape of `x`, an int64 vector of 2."""
    return csm_properties(x)[3]


def _cast(dtype):
    cast = functools.partial(sp_cast, dtype=dtype)
    cast.__doc__ = f"`x` with its values converted to {dtype}."
    return cast


bcast, wcast, icast, lcast = _cast("int8"), _cast("int16"), _cast("int32"), _cast("int64")
fcast, dcast = _cast("float32"), _cast("float64")


multiply, subtract, as_symbolic_sparse = mul, sub, as_sparse_variable


def as_sparse_or_tensor_variable(x, name=None):
    """`x` as a sparse variable when it is sparse (a variable or a scipy matrix), else as a tensor."""
    if is_sparse_value(x) or isinstance(getattr(x, "type", None), SparseType):
        return as_sparse_variable(x, name)
    return as_tensor_variable(x, name=name)


def hash_from_sparse(value):
    """A hex digest of scipy matrix `value`: its format, dtype, shape and the bytes of its parts
    as stored (so two orderings of the same entries hash differently, as in Theano)."""
    digest = hashlib.md5()
    for part in (value.format, str(value.dtype), str(value.shape)):
        digest.update(part.encode() + b"|")
    for array in (value.data, value.indices, value.indptr):
        array = np.ascontiguousarray(array)
        digest.update(str(array.dtype).encode() + b"|" + array.tobytes() + b"|")
    return digest.hexdigest()
