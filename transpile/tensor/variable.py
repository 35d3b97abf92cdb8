"""Tensor variables: Python operators and methods that build graph nodes.

`==` keeps Python's identity meaning (variables are dict keys); use `T.eq` for the elementwise
comparison, as in Theano.
"""
import importlib

from transpile.graph.basic import Constant, Variable
from transpile.scalar.compare import _Compare
from transpile.tensor.type import TensorType


def _T():
    return importlib.import_module("transpile.tensor")


def _defer_to_other_types(method):
    """Binary operators return NotImplemented for variables of other types (sparse, ...), so
    Python asks the other operand's reflected operator."""
    def wrapper(self, other):
        if isinstance(other, Variable) and not isinstance(other.type, TensorType):
            return NotImplemented
        return method(self, other)
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class _TensorOperators:
    # -- arithmetic ----------------------------------------------------------------------------
    @_defer_to_other_types
    def __add__(self, other):
        return _T().add(self, other)

    @_defer_to_other_types
    def __radd__(self, other):
        return _T().add(other, self)

    @_defer_to_other_types
    def __sub__(self, other):
        return _T().sub(self, other)

    @_defer_to_other_types
    def __rsub__(self, other):
        return _T().sub(other, self)

    @_defer_to_other_types
    def __mul__(self, other):
        return _T().mul(self, other)

    @_defer_to_other_types
    def __rmul__(self, other):
        return _T().mul(other, self)

    @_defer_to_other_types
    def __truediv__(self, other):
        return _T().true_div(self, other)

    @_defer_to_other_types
    def __rtruediv__(self, other):
        return _T().true_div(other, self)

    @_defer_to_other_types
    def __floordiv__(self, other):
        return _T().floor_div(self, other)

    @_defer_to_other_types
    def __rfloordiv__(self, other):
        return _T().floor_div(other, self)

    @_defer_to_other_types
    def __mod__(self, other):
        return _T().mod(self, other)

    @_defer_to_other_types
    def __rmod__(self, other):
        return _T().mod(other, self)

    @_defer_to_other_types
    def __pow__(self, other):
        return _T().pow(self, other)

    @_defer_to_other_types
    def __rpow__(self, other):
        return _T().pow(other, self)

    def __neg__(self):
        return _T().neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _T().abs_(self)

    # -- comparisons and logic -----------------------------------------------------------------
    @_defer_to_other_types
    def __lt__(self, other):
        return _T().lt(self, other)

    @_defer_to_other_types
    def __le__(self, other):
        return _T().le(self, other)

    @_defer_to_other_types
    def __gt__(self, other):
        return _T().gt(self, other)

    @_defer_to_other_types
    def __ge__(self, other):
        return _T().ge(self, other)

    @_defer_to_other_types
    def __and__(self, other):
        return _T().and_(self, other)

    @_defer_to_other_types
    def __rand__(self, other):
        return _T().and_(other, self)

    @_defer_to_other_types
    def __or__(self, other):
        return _T().or_(self, other)

    @_defer_to_other_types
    def __ror__(self, other):
        return _T().or_(other, self)

    @_defer_to_other_types
    def __xor__(self, other):
        return _T().xor(self, other)

    @_defer_to_other_types
    def __rxor__(self, other):
        return _T().xor(other, self)

    def __invert__(self):
        return _T().invert(self)

    def __bool__(self):
        """True, as for any Python object (so `if not W: W = shared(...)` works), except for
        the result of a comparison: refusing it stops `a < b < c`, which Python evaluates as
        `(a < b) and (b < c)`, from silently meaning `b < c` (Theano's rule)."""
        owner = self.owner
        if owner is not None and isinstance(getattr(owner.op, "scalar_op", None), _Compare):
            raise TypeError(
                f"{self} is the symbolic result of a comparison and cannot be converted to a Python bool "
                "(chained comparisons such as a < b < c are not supported); use T.and_(a < b, b < c), "
                "T.switch, or .astype(bool) for the symbolic equivalent")
        return True

    def __iter__(self):
        """Iterate over the first dimension when its length is known while building the graph
        (`a, b = T.stack([x, y])`)."""
        length = self._static_length()
        if length is None:
            raise TypeError(
                f"symbolic variable {self} ({self.type}) cannot be iterated: the length of its first dimension "
                "is not known while building the graph (did you mean T.sum instead of builtin sum?)")
        return (self[i] for i in range(length))

    def _static_length(self):
        """Length of the first dimension when known while building the graph, else None."""
        if self.ndim == 0:
            return None
        if self.ndim == 1:
            return _T().get_vector_length(self)
        if self.broadcastable[0]:
            return 1
        owner = self.owner
        if owner is not None and type(owner.op).__name__ == "Join" and owner.op.axis % self.ndim == 0:
            lengths = [getattr(i, "_static_length", lambda: None)() for i in owner.inputs]
            return None if any(n is None for n in lengths) else sum(lengths)
        return None

    def __len__(self):
        raise TypeError(f"symbolic variable {self} has no len(); use {self}.shape[0]")

    def __setitem__(self, key, value):
        raise TypeError("symbolic variables are immutable; use T.set_subtensor(x[key], value) "
                        "or T.inc_subtensor(x[key], value)")

    # -- structure -------------------------------------------------------------------------------
    @property
    def ndim(self):
        return self.type.ndim

    @property
    def broadcastable(self):
        return self.type.broadcastable

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def shape(self):
        return _T().shape(self)

    @property
    def size(self):
        return _T().prod(self.shape)

    @property
    def T(self):
        return _T().transpose(self)

    @property
    def mT(self):
        """The last two axes swapped (numpy's `mT`, `T.linalg.matrix_transpose`)."""
        return _T().linalg.matrix_transpose(self)

    def transpose(self, *axes):
        return _T().transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else (axes or None))

    def dimshuffle(self, *pattern):
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = pattern[0]
        return _T().DimShuffle(self.broadcastable, pattern)(self)

    def reshape(self, shape, ndim=None):
        return _T().reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1):
        return _T().flatten(self, ndim)

    def __getitem__(self, key):
        return _T().subtensor(self, key)

    def astype(self, dtype):
        return _T().cast(self, dtype)

    def copy(self, name=None):
        out = _T().tensor_copy(self)
        out.name = name
        return out

    # -- reductions and friends --------------------------------------------------------------------
    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().sum(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().prod(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def max(self, axis=None, keepdims=False):
        return _T().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return _T().min(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().mean(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def var(self, axis=None, ddof=0, keepdims=False):
        return _T().var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return _T().std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        return _T().argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return _T().argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        return _T().all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return _T().any(self, axis=axis, keepdims=keepdims)

    def dot(self, other):
        return _T().dot(self, other)

    @_defer_to_other_types
    def __matmul__(self, other):
        return _T().dot(self, other)

    @_defer_to_other_types
    def __rmatmul__(self, other):
        return _T().dot(other, self)

    def clip(self, a_min, a_max):
        return _T().clip(self, a_min, a_max)

    def round(self, mode="half_to_even"):
        return _T().round(self, mode)

    def norm(self, L, axis=None):
        """(sum |x|**L over `axis`) ** (1 / L), Theano's TensorVariable.norm."""
        T = _T()
        if L == 0:
            raise NotImplementedError("norm: L=0 (the count of nonzeros) is not a norm Theano offered")
        if L == 1:
            return T.sum(T.abs_(self), axis=axis)
        if L == 2:
            return T.sqrt(T.sum(T.sqr(self), axis=axis))
        return T.pow(T.sum(T.pow(T.abs_(self), L), axis=axis), 1.0 / L)

    # -- numpy-style methods (each calls the function of the same name) ----------------------------
    def ravel(self):
        return _T().flatten(self, 1)

    def squeeze(self, axis=None):
        return _T().squeeze(self, axis)

    def swapaxes(self, axis1, axis2):
        return _T().swapaxes(self, axis1, axis2)

    def take(self, indices, axis=None, mode="raise"):
        return _T().take(self, indices, axis=axis, mode=mode)

    def choose(self, choices, mode="raise"):
        return _T().choose(self, choices, mode=mode)

    def compress(self, condition, axis=None):
        return _T().compress(condition, self, axis=axis)

    def repeat(self, repeats, axis=None):
        return _T().repeat(self, repeats, axis=axis)

    def cumsum(self, axis=None):
        return _T().cumsum(self, axis)

    def cumprod(self, axis=None):
        return _T().cumprod(self, axis)

    def sort(self, axis=-1, kind="quicksort", order=None):
        return _T().sort(self, axis, kind, order)

    def argsort(self, axis=-1, kind="quicksort", order=None):
        return _T().argsort(self, axis, kind, order)

    def searchsorted(self, v, side="left", sorter=None):
        return _T().searchsorted(self, v, side=side, sorter=sorter)

    def nonzero(self, return_matrix=False):
        return _T().nonzero(self, return_matrix=return_matrix)

    def nonzero_values(self):
        return _T().nonzero_values(self)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _T().diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return _T().trace(self, offset, axis1, axis2)

    def ptp(self, axis=None, keepdims=False):
        """max - min over `axis` (peak to peak)."""
        return _T().max(self, axis=axis, keepdims=keepdims) - _T().min(self, axis=axis, keepdims=keepdims)

    def fill(self, value):
        """A tensor of the shape of this one filled with `value`."""
        return _T().fill(self, value)

    def zeros_like(self, dtype=None):
        return _T().zeros_like(self, dtype=dtype)

    def ones_like(self, dtype=None):
        return _T().ones_like(self, dtype=dtype)

    def conj(self):
        """The complex conjugate (real tensors are their own)."""
        return _T().conj(self)

    conjugate = conj

    @property
    def real(self):
        """The real part (numpy's `a.real`; a real tensor is its own)."""
        return _T().real(self)

    @property
    def imag(self):
        """The imaginary part (numpy's `a.imag`; zeros for a real tensor)."""
        return _T().imag(self)

    def get_scalar_constant_value(self):
        """The value this variable is known to hold (see `T.get_scalar_constant_value`)."""
        return _T().get_scalar_constant_value(self)

    get_underlying_scalar_constant = get_scalar_constant_value  # PyTensor's name

    def set(self, y):
        """PyTensor's `a[key].set(y)`: `a` with the indexed region replaced by `y`
        (`T.set_subtensor(a[key], y)`)."""
        return _T().set_subtensor(self, y)

    def inc(self, y):
        """PyTensor's `a[key].inc(y)`: `a` with `y` added to the indexed region
        (`T.inc_subtensor(a[key], y)`)."""
        return _T().inc_subtensor(self, y)


def _elementwise_method(name):
    def method(self):
        return getattr(_T(), name)(self)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Same as T.{name}(x)."
    return method


for _name in ("exp", "log", "log1p", "expm1", "log2", "log10", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
              "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "floor", "ceil", "trunc",
              "deg2rad", "rad2deg", "exp2"):
    setattr(_TensorOperators, _name, _elementwise_method(_name))


class TensorVariable(_TensorOperators, Variable):
    """A symbolic tensor: built by `T.matrix()`, operators and functions of `transpile.tensor`."""


class TensorConstant(_TensorOperators, Constant):
    """A tensor with a value known while building the graph."""
