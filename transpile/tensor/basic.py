"""Making tensor variables: constructors (`matrix`, `fvector`, ...), constants, and converting
Python values. Python scalars are *weak*: next to a tensor they take its dtype category
(`fvector * 0.5` stays float32, `ivector + 1` stays int32), see `as_tensor_like`.
"""
import numbers

import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Variable
from transpile.scalar import dtypes as D
from transpile.tensor.type import TensorType
from transpile.tensor.variable import TensorConstant, TensorVariable

TensorType.variable_type = TensorVariable
TensorType.constant_type = TensorConstant

# Theano's dtype lists (tuples of dtype names), by kind
int_dtypes, uint_dtypes, float_dtypes, complex_dtypes = D.SIGNED, D.UNSIGNED, D.FLOAT, D.COMPLEX
integer_dtypes, discrete_dtypes, continuous_dtypes, all_dtypes = D.INTEGER, D.DISCRETE, D.CONTINUOUS, D.ALL


def constant(value, name=None, ndim=None, dtype=None):
    """A TensorConstant holding `value` (all of its dims of length 1 broadcastable)."""
    if dtype is None and isinstance(value, (float, int, bool)) and not isinstance(value, np.generic):
        dtype = _python_scalar_dtype(value)
    arr = np.asarray(value, dtype=dtype)
    if arr.dtype == object:
        raise TypeError(f"cannot make a constant of {type(value).__name__}")
    if arr.dtype.name not in D.ALL:
        raise TypeError(f"unsupported dtype {arr.dtype} for a constant")
    if ndim is not None:
        if arr.ndim > ndim:
            squeeze = arr.ndim - ndim
            if arr.shape[:squeeze] != (1,) * squeeze:
                raise ValueError(f"cannot make a {ndim}-d constant of shape {arr.shape}")
            arr = arr.reshape(arr.shape[squeeze:])
        elif arr.ndim < ndim:
            arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
    ttype = TensorType(arr.dtype.name, tuple(s == 1 for s in arr.shape))
    return TensorConstant(ttype, arr, name=name)


def _python_scalar_dtype(value):
    """Dtype of a lone Python scalar: bool, int64 (or the smallest exact), floatX."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int64" if -2**63 <= value < 2**63 else "uint64"
    return config.floatX


def as_tensor_variable(x, name=None, ndim=None, dtype=None):
    """`x` as a tensor variable: variables pass through, values become constants."""
    if isinstance(x, Variable):
        if hasattr(x, "_as_tensor_variable"):
            x = x._as_tensor_variable()
        if not isinstance(x.type, TensorType):
            raise TypeError(f"expected a tensor variable, got {x} of type {x.type}")
        if ndim is not None and x.ndim != ndim:
            if x.ndim > ndim and all(x.broadcastable[:x.ndim - ndim]):
                from transpile.tensor.elemwise import DimShuffle
                return DimShuffle(x.broadcastable, list(range(x.ndim - ndim, x.ndim)))(x)
            raise TypeError(f"expected a {ndim}-d tensor, got {x} ({x.type})")
        if dtype is not None and x.dtype != D.check_dtype(dtype):
            raise TypeError(f"expected dtype {dtype}, got {x} ({x.type})")
        return x
    if hasattr(x, "owner") and isinstance(x, (list, tuple)):
        raise TypeError("expected a tensor, got a list of variables; use T.stack")
    if isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in x):
        from transpile.tensor.join import stack
        return stack([as_tensor_variable(e) for e in x])
    return constant(x, name=name, ndim=ndim, dtype=dtype)


as_tensor = as_tensor_variable  # PyTensor's name


def as_tensor_like(values):
    """Convert the inputs of an elementwise operation together: variables keep their types;
    Python scalars adopt the dtype of the variables they meet (weak typing), upgraded only when
    their kind requires it (a float next to ints gives floatX-style floats)."""
    strong = [v for v in values if isinstance(v, Variable) or isinstance(v, (np.ndarray, np.generic))
              or (isinstance(v, (list, tuple)))]
    if len(strong) == len(values):
        return [as_tensor_variable(v) for v in values]
    converted = {i: as_tensor_variable(v) for i, v in enumerate(values) if not _is_python_scalar(v)}
    if not converted:
        return [as_tensor_variable(v) for v in values]
    base = D.upcast(*[v.dtype for v in converted.values()])
    out = []
    for i, v in enumerate(values):
        if i in converted:
            out.append(converted[i])
        else:
            out.append(constant(v, dtype=_weak_dtype(v, base)))
    return out


def _is_python_scalar(v):
    return isinstance(v, (bool, int, float)) and not isinstance(v, np.generic)


def _weak_dtype(value, base):
    if isinstance(value, bool):
        return base if base != "bool" else "bool"
    if isinstance(value, numbers.Integral):
        if D.is_float(base) or D.is_complex(base):
            return base
        if D.is_integer(base) and np.iinfo(base).min <= value <= np.iinfo(base).max:
            return base
        return D.upcast(base, np.min_scalar_type(value).name) if base != "bool" else "int64"
    # python float
    if D.is_float(base) or D.is_complex(base):
        return base
    return D.upgrade_to_float(base) if base != "bool" else config.floatX


# -- variable constructors ------------------------------------------------------------------------
def tensor(dtype=None, broadcastable=None, name=None, shape=None):
    """A new tensor input variable: `tensor("float32", (False, True))` or `tensor(shape=(None, 1))`."""
    dtype = D.check_dtype(dtype or config.floatX)
    if broadcastable is None:
        if shape is None:
            raise TypeError("tensor() needs broadcastable or shape")
        broadcastable = tuple(s == 1 for s in shape)
    return TensorType(dtype, broadcastable)(name)


def _maker(broadcastable, dtype=None):
    def make(name=None, dtype=dtype):
        return TensorType(D.check_dtype(dtype or config.floatX), broadcastable)(name)
    return make


_PATTERNS = {
    "scalar": (), "vector": (False,), "matrix": (False, False), "row": (True, False),
    "col": (False, True), "tensor3": (False,) * 3, "tensor4": (False,) * 4, "tensor5": (False,) * 5,
    "tensor6": (False,) * 6, "tensor7": (False,) * 7,
}
#: the plural of each kind (Theano's `dmatrices("x", "y")`)
_PLURALS = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices", "row": "rows", "col": "cols",
            "tensor3": "tensor3s", "tensor4": "tensor4s", "tensor5": "tensor5s", "tensor6": "tensor6s",
            "tensor7": "tensor7s"}
_PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
             "c": "complex64", "z": "complex128"}


def _plural(make, kind):
    def make_many(*names):
        """Several variables: `n` unnamed ones for an int n, else one per name (a list, or the
        variable itself for a single name, as Theano)."""
        if len(names) == 1 and isinstance(names[0], (list, tuple)):
            names = tuple(names[0])
        if len(names) == 1 and isinstance(names[0], numbers.Integral) and not isinstance(names[0], bool):
            if names[0] < 0:
                raise ValueError(f"{kind}: the number of variables must be non-negative, got {names[0]}")
            return make() if names[0] == 1 else [make() for _ in range(names[0])]
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"{kind}: expected variable names (str) or a count (int), got {name!r}")
        if len(names) == 1:
            return make(names[0])
        return [make(name) for name in names]
    make_many.__name__ = make_many.__qualname__ = kind
    return make_many


_constructors = {}
for _kind, _pattern in _PATTERNS.items():
    _constructors[_kind] = _maker(_pattern)
    _constructors[_PLURALS[_kind]] = _plural(_constructors[_kind], _PLURALS[_kind])
    for _prefix, _dtype in _PREFIXES.items():
        _constructors[_prefix + _kind] = _maker(_pattern, _dtype)
        _constructors[_prefix + _PLURALS[_kind]] = _plural(_constructors[_prefix + _kind], _prefix + _PLURALS[_kind])
globals().update(_constructors)
CONSTRUCTOR_NAMES = sorted(_constructors)


def tensor_from_scalar(s):
    """Theano's conversion of a scalar to a 0-d tensor. transpile has no separate scalar type in
    graphs (its 0-d tensors play that part), so this is `s` as a 0-d tensor: a number or a
    0-d tensor; anything else is a TypeError."""
    x = as_tensor_variable(s)
    if x.ndim != 0:
        raise TypeError(f"tensor_from_scalar: expected a scalar (0-d), got {x} ({x.type})")
    return x


def scalar_from_tensor(t):
    """Theano's conversion of a 0-d tensor to a scalar: the same 0-d tensor here (see
    `tensor_from_scalar`)."""
    x = as_tensor_variable(t)
    if x.ndim != 0:
        raise TypeError(f"scalar_from_tensor: expected a 0-d tensor, got {x} ({x.type})")
    return x
