"""Shared tensors: `shared(array or number)` gives a TensorSharedVariable (the operators of a
tensor variable over a value kept between calls)."""
import numpy as np

from transpile.configdefaults import config
from transpile.graph.shared import SharedVariable, shared_constructor
from transpile.tensor.type import TensorType
from transpile.tensor.variable import _TensorOperators


class TensorSharedVariable(_TensorOperators, SharedVariable):
    pass


@shared_constructor
def tensor_constructor(value, name=None, strict=False, allow_downcast=None, broadcastable=None, **kwargs):
    """numpy arrays and Python/numpy numbers (Python floats take config.floatX, ints int64)."""
    arr = np.array(value)
    if arr.dtype == object:
        return None
    if isinstance(value, float) and not isinstance(value, np.generic):
        arr = arr.astype(config.floatX)
    elif isinstance(value, int) and not isinstance(value, (bool, np.generic)):
        arr = arr.astype("int64")
    if broadcastable is None:
        broadcastable = (False,) * arr.ndim
    ttype = TensorType(arr.dtype.name, broadcastable)
    return TensorSharedVariable(ttype, arr, name=name, strict=strict, allow_downcast=allow_downcast)
