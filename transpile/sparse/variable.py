"""Sparse variables, constants and shared variables, with the operators that build sparse ops.

`shared(scipy_matrix)` makes a `SparseSharedVariable` (the constructor is registered with
`transpile.graph.shared.shared_constructor` when `transpile.sparse` is imported).
"""
import copy
import importlib

from transpile.graph.shared import SharedVariable, shared_constructor
from transpile.graph.basic import Constant, Variable
from transpile.sparse.type import FORMATS, SparseType, is_sparse_value

__all__ = ["SparseConstant", "SparseSharedVariable", "SparseVariable", "sparse_shared"]


def _S():
    return importlib.import_module("transpile.sparse")


class _SparseOperators:
    @property
    def ndim(self):
        return 2

    @property
    def broadcastable(self):
        return (False, False)

    @property
    def format(self):
        return self.type.format

    @property
    def shape(self):
        """The (rows, cols) lengths, a symbolic int64 vector (Theano's `x.shape`)."""
        return _S().csm_shape(self)

    def __add__(self, other):
        return _S().add(self, other)

    def __radd__(self, other):
        return _S().add(other, self)

    def __sub__(self, other):
        return _S().sub(self, other)

    def __rsub__(self, other):
        return _S().sub(other, self)

    def __mul__(self, other):
        return _S().mul(self, other)

    def __rmul__(self, other):
        return _S().mul(other, self)

    def __lt__(self, other):
        return _S().lt(self, other)

    def __le__(self, other):
        return _S().le(self, other)

    def __gt__(self, other):
        return _S().gt(self, other)

    def __ge__(self, other):
        return _S().ge(self, other)

    def __getitem__(self, args):
        return importlib.import_module("transpile.sparse.indexing").getitem(self, args)

    def __neg__(self):
        return _S().neg(self)

    def __matmul__(self, other):
        return _S().dot(self, other)

    def __rmatmul__(self, other):
        return _S().dot(other, self)

    @property
    def T(self):
        return _S().transpose(self)

    def transpose(self):
        return _S().transpose(self)

    def toarray(self):
        return _S().dense_from_sparse(self)

    todense = toarray

    def sum(self, axis=None):
        return _S().sp_sum(self, axis)

    def zeros_like(self):
        """A sparse zero of this type and structure (what `grad` uses for a missing gradient)."""
        return _S().sp_zeros_like(self)

    def __bool__(self):
        raise TypeError(f"the truth value of symbolic variable {self} is not known while building the graph")

    def __iter__(self):
        raise TypeError(f"symbolic sparse variable {self} cannot be iterated")

    def __len__(self):
        raise TypeError(f"symbolic sparse variable {self} has no len()")


class SparseVariable(_SparseOperators, Variable):
    """A symbolic scipy.sparse matrix (`csr_matrix()`, `csc_matrix()`)."""


class SparseConstant(_SparseOperators, Constant):
    """A sparse matrix known while building the graph."""


SparseType.variable_type = SparseVariable
SparseType.constant_type = SparseConstant


class SparseSharedVariable(_SparseOperators, SharedVariable):
    def set_value(self, value, borrow=False):
        value = self.type.filter(value)
        self.container.value = value if borrow else copy.deepcopy(value)


@shared_constructor
def sparse_shared(value, name=None, strict=False, allow_downcast=None, broadcastable=None, **kwargs):
    """`shared()` for scipy.sparse csr/csc values (None for anything else)."""
    if isinstance(value, Variable) or not is_sparse_value(value):
        return None
    if value.format not in FORMATS:
        raise TypeError(f"shared(): sparse values must be csr or csc, got {value.format}; "
                        "convert it with value.tocsr()")
    stype = SparseType(value.format, value.dtype.name)
    return SparseSharedVariable(stype, value.copy(), name=name, strict=strict, allow_downcast=allow_downcast)
