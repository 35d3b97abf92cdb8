"""Sparse matrices (scipy.sparse csr/csc values): `import transpile.sparse as S`.

    x = S.csr_matrix("x")
    y = T.matrix("y")
    f = transpile.function([x, y], S.dot(x, y))

Values are scipy.sparse matrices (scipy is imported only when one is used). Gradients with
respect to a sparse input are structured: they hold the derivative with respect to each stored
value, at the stored positions.
"""
from transpile.sparse.type import SparseType
from transpile.sparse.variable import SparseConstant, SparseSharedVariable, SparseVariable
from transpile.sparse.basic import (
    AsFormat,
    DenseFromSparse,
    SparseFromDense,
    Transpose,
    as_format,
    as_sparse_variable,
    csc_from_dense,
    csc_matrix,
    csr_from_dense,
    csr_matrix,
    dense_from_sparse,
    matrix,
    todense,
    transpose,
)
from transpile.sparse.structured import (
    StructuredUnary,
    abs_,
    expm1,
    log1p,
    neg,
    sin,
    sp_cast,
    sp_ones_like,
    sp_zeros_like,
    sqr,
    sqrt,
    structured_exp,
    structured_log,
    structured_sigmoid,
    tanh,
)
from transpile.sparse.arith import AddSD, AddSS, MulSD, MulSS, add, mul, sub
from transpile.sparse.dot import StructuredDot, dot, structured_dot
from transpile.sparse.reduce import SpSum, sp_sum
from transpile.sparse.csm import CSM, CSMGrad, CSMProperties, csm_grad, csm_properties
from transpile.sparse import monoid as _monoid
from transpile.sparse.monoid import *  # noqa: F401,F403  structured_monoid, structured_pow, rint, ...
from transpile.sparse.compare import *  # noqa: F401,F403  equal_s_s, less_than_s_d, eq, lt, ...
from transpile.sparse.scale import col_scale, mul_s_v, row_scale
from transpile.sparse.products import (
    TrueDot,
    sampling_dot,
    sdg_csc,
    sdg_csr,
    structured_dot_grad,
    true_dot,
    usmm,
)
from transpile.sparse import compare as _compare
from transpile.sparse.indexing import (
    construct_sparse_from_list,
    get_item_2d,
    get_item_2lists,
    get_item_2lists_grad,
    get_item_list,
    get_item_list_grad,
    get_item_scalar,
)
from transpile.sparse.stack import HStack, VStack, hstack, vstack
from transpile.sparse.tidy import EnsureSortedIndices, Remove0, clean, ensure_sorted_indices, remove0
from transpile.sparse.aliases import *  # noqa: F401,F403  csr_fmatrix, csm_data, fcast, add_s_s, ...
from transpile.sparse import aliases as _aliases

as_sparse = as_sparse_variable

__all__ = [
    "AddSD", "AddSS", "AsFormat", "CSM", "CSMGrad", "CSMProperties", "DenseFromSparse", "EnsureSortedIndices",
    "HStack", "MulSD", "MulSS", "Remove0", "SparseConstant", "SparseFromDense", "SparseSharedVariable", "SparseType",
    "SparseVariable", "SpSum", "StructuredDot", "StructuredUnary", "Transpose", "TrueDot", "VStack", "abs_", "add",
    "as_format", "as_sparse", "as_sparse_variable", "clean", "col_scale", "construct_sparse_from_list",
    "csc_from_dense", "csc_matrix", "csm_grad", "csm_properties", "csr_from_dense", "csr_matrix", "dense_from_sparse",
    "dot", "ensure_sorted_indices", "expm1", "get_item_2d", "get_item_2lists", "get_item_2lists_grad",
    "get_item_list", "get_item_list_grad", "get_item_scalar", "hstack", "log1p", "matrix", "mul", "mul_s_v", "neg",
    "remove0", "row_scale", "sampling_dot", "sdg_csc", "sdg_csr", "sin", "sp_cast", "sp_ones_like", "sp_sum",
    "sp_zeros_like", "sqr", "sqrt", "structured_dot", "structured_dot_grad", "structured_exp", "structured_log",
    "structured_sigmoid", "sub", "tanh", "todense", "transpose", "true_dot", "usmm", "vstack",
    *_aliases.__all__, *_monoid.__all__, *_compare.__all__,
]
