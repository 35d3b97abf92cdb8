"""`TensorType(dtype, broadcastable)`: n-d arrays of one dtype.

`broadcastable[i]` is True when dimension i is known to have length 1 and may be broadcast
against any length (Theano's rule). A False dimension may still hold length 1 at run time, but
it is then not broadcast: elementwise operations require equal lengths on it.
"""
import numpy as np

from transpile.graph.type import Type
from transpile.scalar import dtypes as D

_NAMED = {(): "scalar", (False,): "vector", (False, False): "matrix", (True, False): "row",
          (False, True): "col"}


class TensorType(Type):
    def __init__(self, dtype, broadcastable=None, shape=None):
        if broadcastable is None:
            if shape is None:
                raise TypeError("TensorType needs broadcastable (or shape)")
            broadcastable = tuple(s == 1 for s in shape)
        if isinstance(broadcastable, int):
            raise TypeError("TensorType: broadcastable must be a tuple of bools, e.g. (False, False)")
        self.dtype = D.check_dtype(dtype)
        self.broadcastable = tuple(bool(b) for b in broadcastable)

    @property
    def ndim(self):
        return len(self.broadcastable)

    def clone(self, dtype=None, broadcastable=None):
        return TensorType(dtype or self.dtype, self.broadcastable if broadcastable is None else broadcastable)

    # -- value checking ----------------------------------------------------------------------
    def filter(self, value, strict=False, allow_downcast=None):
        """Return `value` as an ndarray of this type.

        Values of this dtype pass; lower-precision values are upcast; a value that would lose
        information (float to int, float64 to float32) is refused unless `allow_downcast`.
        Python scalars and lists are converted when they fit.
        """
        if isinstance(value, np.ndarray) and value.dtype.name == self.dtype:
            arr = value
        elif strict:
            raise TypeError(f"expected an ndarray of dtype {self.dtype}, got {_describe(value)}")
        else:
            arr = self._convert(value, allow_downcast)
        if arr.ndim != self.ndim:
            raise TypeError(f"expected a {self.ndim}-d array ({self}), got {arr.ndim}-d with shape {arr.shape}")
        for i, (b, n) in enumerate(zip(self.broadcastable, arr.shape)):
            if b and n != 1:
                raise TypeError(f"dimension {i} is broadcastable ({self}) and must have length 1, got shape {arr.shape}")
        return arr

    def _convert(self, value, allow_downcast):
        if hasattr(value, "toarray") and not isinstance(value, np.ndarray):
            raise TypeError(f"expected a dense array of {self.dtype}, got a sparse {type(value).__name__}")
        is_python = isinstance(value, (bool, int, float, complex, list, tuple))
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as err:
            raise TypeError(f"cannot convert {_describe(value)} to {self}: {err}") from None
        if arr.dtype == object:
            raise TypeError(f"cannot convert {_describe(value)} to an array of {self.dtype}")
        if arr.dtype.name == self.dtype:
            return arr
        if allow_downcast or np.can_cast(arr.dtype, self.dtype, "safe"):
            return np.asarray(arr, dtype=self.dtype)
        if is_python or allow_downcast is None and arr.ndim == 0 and isinstance(value, np.generic):
            converted = np.asarray(arr, dtype=self.dtype)
            if np.array_equal(converted, arr) or (D.is_float(self.dtype) and D.is_float(arr.dtype.name)
                                                  and allow_downcast is None and is_python):
                return converted
        raise TypeError(
            f"expected {self.dtype} ({self}), got {_describe(value)}: casting {arr.dtype} to {self.dtype} "
            "could lose information (pass allow_input_downcast=True to function() to accept it)")

    def values_eq(self, a, b):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b, equal_nan=D.is_float(self.dtype))

    def values_eq_approx(self, a, b, rtol=None, atol=None):
        if np.shape(a) != np.shape(b):
            return False
        if D.is_discrete(self.dtype):
            return bool(np.array_equal(a, b))
        tol = {"float32": 1e-4, "float64": 1e-8, "complex64": 1e-4, "complex128": 1e-8}[self.dtype]
        return bool(np.allclose(a, b, rtol=rtol or tol * 10, atol=atol or tol, equal_nan=True))

    def value_signature(self, value):
        arr = np.asarray(value)
        return (arr.dtype.str, arr.shape, arr.tobytes())

    def convert_variable(self, var):
        """A variable of a more specific type (broadcastable where we are not) can stand in."""
        t = getattr(var, "type", None)
        if t == self:
            return var
        if isinstance(t, TensorType) and t.dtype == self.dtype and t.ndim == self.ndim and all(
                sb <= vb for sb, vb in zip(self.broadcastable, t.broadcastable)):
            from transpile.tensor.shape import specify_broadcastable_as
            return specify_broadcastable_as(var, self)
        return None

    # -- identity and printing ---------------------------------------------------------------
    def __eq__(self, other):
        return type(other) is type(self) and other.dtype == self.dtype and other.broadcastable == self.broadcastable

    def __hash__(self):
        return hash((TensorType, self.dtype, self.broadcastable))

    def __str__(self):
        kind = _NAMED.get(self.broadcastable)
        if kind is None:
            kind = f"{self.ndim}D" if not any(self.broadcastable) else str(self.broadcastable)
        return f"TensorType({self.dtype}, {kind})"

    __repr__ = __str__

    def constant_str(self, value):
        arr = np.asarray(value)
        if arr.ndim == 0:
            return f"TensorConstant{{{arr.item()!r}}}" if not D.is_float(self.dtype) else f"TensorConstant{{{float(arr)}}}"
        if arr.size <= 10:
            return f"TensorConstant{{{np.array2string(arr, separator=', ').replace(chr(10), '')}}}"
        return f"TensorConstant{{{arr.dtype}, shape={arr.shape}}}"


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"ndarray of {value.dtype} with shape {value.shape}"
    if isinstance(value, np.generic):
        return f"numpy {value.dtype} scalar"
    return f"{type(value).__name__} {value!r}" if isinstance(value, (int, float, bool)) else type(value).__name__
