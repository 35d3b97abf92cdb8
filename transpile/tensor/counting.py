"""Ops whose results count or locate elements: `BinCount` (`bincount`), `SearchSorted`
(`searchsorted`), `Unique` (`unique`) and `Nonzero` (`nonzero`, `flatnonzero`,
`nonzero_values`, one-argument `where`), with numpy's semantics. The lengths of bincount,
unique and nonzero results depend on the values, known only at run time.
"""
import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import switch, zeros_like
from transpile.tensor.shape import _axis
from transpile.tensor.shape_ops import flatten
from transpile.tensor.subtensor import advanced_subtensor1
from transpile.tensor.type import TensorType

__all__ = ["BinCount", "Nonzero", "SearchSorted", "Unique", "bincount", "flatnonzero", "nonzero",
           "nonzero_values", "searchsorted", "unique", "where"]


def _int_vector(x, what):
    x = as_tensor_variable(x)
    if x.ndim != 1 or not D.is_integer(x.dtype):
        raise TypeError(f"{what} must be an int vector, got {x} ({x.type})")
    return x


class BinCount(Op):
    """Occurrences of each value 0..max(x) of the non-negative int vector `x` (at least
    `minlength` bins), or, given `weights`, the sum of the weights of each value. Counts are
    int64; weighted sums keep a float weights dtype (ints and bools give float64, as numpy)."""

    __props__ = ("minlength",)

    def __init__(self, minlength=0):
        self.minlength = int(minlength or 0)
        if self.minlength < 0:
            raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")

    def make_node(self, x, weights=None):
        x = _int_vector(x, "bincount: x")
        inputs = [x]
        dtype = "int64"
        if weights is not None:
            weights = as_tensor_variable(weights)
            if weights.ndim != 1:
                raise TypeError(f"bincount: weights must be a vector, got {weights} ({weights.type})")
            if D.is_complex(weights.dtype):
                raise TypeError(f"bincount: complex weights {weights} are not supported")
            inputs.append(weights)
            dtype = weights.dtype if D.is_float(weights.dtype) else "float64"
        return Apply(self, inputs, [TensorType(dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        x, weights = inputs[0], (inputs[1] if len(inputs) > 1 else None)
        if x.size and x.min() < 0:
            raise ValueError(f"{self}: x must be non-negative, got a minimum of {x.min()}")
        if weights is not None and weights.shape != x.shape:
            raise ValueError(f"{self}: weights of shape {weights.shape} do not match x of shape {x.shape}")
        out = np.bincount(x, weights=weights, minlength=self.minlength)
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def grad(self, inputs, output_grads):
        grads = [zeros_like(inputs[0], dtype=config.floatX)]
        if len(inputs) > 1:
            w, gz = inputs[1], output_grads[0]
            grads.append(zeros_like(w, dtype=config.floatX) if D.is_discrete(w.dtype)
                         else advanced_subtensor1(gz, inputs[0]).astype(w.dtype))
        return grads

    def __str__(self):
        return f"BinCount{{minlength={self.minlength}}}"


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """numpy.bincount of the int vector `x` (negative values are always an error)."""
    return BinCount(minlength)(x, weights)


class SearchSorted(Op):
    """int64 positions where the elements of `v` go in the sorted vector `x` to keep it sorted
    (`side` "left": before equal elements, "right": after). NaN sorts last, as numpy."""

    __props__ = ("side",)

    def __init__(self, side="left"):
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        self.side = side

    def make_node(self, x, v):
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.ndim != 1:
            raise TypeError(f"searchsorted: x must be a vector, got {x} ({x.type})")
        if D.is_complex(x.dtype) or D.is_complex(v.dtype):
            raise TypeError("searchsorted: complex values are not supported")
        return Apply(self, [x, v], [TensorType("int64", v.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, v = inputs
        output_storage[0][0] = np.asarray(np.searchsorted(x, v, side=self.side), dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        return [zeros_like(i, dtype=config.floatX) for i in inputs]

    def __str__(self):
        return f"SearchSorted{{{self.side}}}"


def searchsorted(x, v, side="left", sorter=None):
    """numpy.searchsorted: where `v`'s elements go in the sorted vector `x` (or in x[sorter])."""
    if sorter is not None:
        x = advanced_subtensor1(as_tensor_variable(x), _int_vector(sorter, "searchsorted: sorter"))
    return SearchSorted(side)(x, v)


class Unique(Op):
    """numpy.unique: the sorted distinct values (of the flattened tensor, or the distinct
    slices along `axis`), then, as asked, the int64 first positions, the inverse (positions in
    the result rebuilding the input, 1-d) and the counts."""

    __props__ = ("return_index", "return_inverse", "return_counts", "axis")

    def __init__(self, return_index=False, return_inverse=False, return_counts=False, axis=None):
        self.return_index, self.return_inverse = bool(return_index), bool(return_inverse)
        self.return_counts = bool(return_counts)
        self.axis = None if axis is None else int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            values = TensorType(x.dtype, (False,))()
        else:
            if not 0 <= self.axis < x.ndim:
                raise ValueError(f"unique: axis {self.axis} is out of range for {x} ({x.type})")
            values = TensorType(x.dtype, tuple(False if d == self.axis else b for d, b in enumerate(x.broadcastable)))()
        extra = [TensorType("int64", (False,))() for flag in (self.return_index, self.return_inverse, self.return_counts)
                 if flag]
        return Apply(self, [x], [values] + extra)

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        results = np.unique(x, return_index=self.return_index, return_inverse=self.return_inverse,
                            return_counts=self.return_counts, axis=self.axis, equal_nan=False)
        results = results if isinstance(results, tuple) else (results,)
        output_storage[0][0] = results[0]
        for storage, value in zip(output_storage[1:], results[1:]):
            storage[0] = np.asarray(value, dtype="int64").reshape(-1)  # numpy 2.0 shaped the inverse like x

    def __str__(self):
        flags = [n for n in ("return_index", "return_inverse", "return_counts") if getattr(self, n)]
        return f"Unique{{{', '.join(flags + ([f'axis={self.axis}'] if self.axis is not None else []))}}}"


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """numpy.unique (NaNs are each distinct, numpy's equal_nan=False): the sorted distinct
    values, plus, as asked, first positions, inverse and counts (a list when more than one)."""
    ar = as_tensor_variable(ar)
    if axis is not None:
        axis = _axis(axis, ar.ndim, "unique")
    return Unique(return_index, return_inverse, return_counts, axis)(ar)


class Nonzero(Op):
    """The int64 matrix (ndim, count) of the coordinates of the nonzero elements of `x`, in C
    order; row d holds the positions along dim d."""

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise ValueError(f"nonzero: expected at least a 1-d tensor, got the 0-d {x}")
        return Apply(self, [x], [TensorType("int64", (x.ndim == 1, False))()])

    def perform(self, node, inputs, output_storage):
        coords = np.nonzero(inputs[0])
        output_storage[0][0] = np.array(coords, dtype="int64").reshape(len(coords), -1)

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0], dtype=config.floatX if D.is_discrete(inputs[0].dtype) else None)]


def nonzero(a, return_matrix=False):
    """numpy.nonzero: a tuple of int64 vectors, one per dim (or the (ndim, count) matrix)."""
    a = as_tensor_variable(a)
    matrix = Nonzero()(a)
    if return_matrix:
        return matrix
    return tuple(matrix[d] for d in range(a.ndim))


def flatnonzero(a):
    """Positions of the nonzero elements of the flattened `a` (int64)."""
    a = as_tensor_variable(a)
    return Nonzero()(flatten(a, 1))[0] if a.ndim != 1 else Nonzero()(a)[0]


def nonzero_values(a):
    """The nonzero elements of the flattened `a`, in order."""
    flat = flatten(as_tensor_variable(a), 1)
    return advanced_subtensor1(flat, Nonzero()(flat)[0])


def where(condition, x=None, y=None):
    """where(condition, x, y) chooses elementwise (`switch`); where(condition) is nonzero(condition)."""
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    return switch(condition, x, y)
