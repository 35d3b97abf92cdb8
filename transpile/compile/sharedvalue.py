"""Shared variables: graph inputs whose value lives in a container between calls, read by every
function that uses them and written by their `updates`."""
import copy

import numpy as np

from transpile.graph.basic import Variable
from transpile.tensor.type import TensorType
from transpile.tensor.variable import _TensorOperators


class Container:
    """One mutable cell holding a value of `type` (shared by all functions using the variable)."""

    def __init__(self, type, value):
        self.type = type
        self.value = value


class SharedVariable(Variable):
    def __init__(self, type, value, name=None, strict=False, allow_downcast=None, container=None):
        super().__init__(type, None, None, name)
        if container is not None:
            self.container = container
        else:
            self.container = Container(type, type.filter(value, strict=strict, allow_downcast=allow_downcast))

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value (a copy unless `borrow`)."""
        value = self.container.value
        return value if borrow else copy.deepcopy(value)

    def set_value(self, value, borrow=False):
        """Replace the value; it is converted to the variable's type (a copy unless `borrow`)."""
        value = self.type.filter(value, allow_downcast=True if np.ndim(value) == 0 else None)
        self.container.value = value if borrow else copy.deepcopy(value)

    @property
    def value(self):
        return self.get_value()

    def clone(self):
        new = type(self)(self.type, None, self.name, container=self.container)
        new.tag.__dict__.update(self.tag.__dict__)
        return new

    def __str__(self):
        return self.name if self.name is not None else f"<{self.type}>"


class TensorSharedVariable(_TensorOperators, SharedVariable):
    pass


_constructors = []


def shared_constructor(constructor):
    """Register a constructor tried (newest first) by `shared()` for other value kinds."""
    _constructors.insert(0, constructor)
    return constructor


def shared(value, name=None, strict=False, allow_downcast=None, broadcastable=None, **kwargs):
    """A shared variable initialised with (a copy of) `value`.

    Its dims are not broadcastable unless `broadcastable` says so: a later `set_value` may change
    lengths, as in Theano."""
    for constructor in _constructors:
        result = constructor(value, name=name, strict=strict, allow_downcast=allow_downcast,
                             broadcastable=broadcastable, **kwargs)
        if result is not None:
            return result
    if isinstance(value, Variable):
        raise TypeError("shared() takes a value (numpy array or number), not a symbolic variable")
    arr = np.array(value)
    if arr.dtype == object:
        raise TypeError(f"shared(): cannot store a {type(value).__name__}")
    if isinstance(value, float) and not isinstance(value, np.generic):
        from transpile.configdefaults import config
        arr = arr.astype(config.floatX)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int) and not isinstance(value, np.generic):
        arr = arr.astype("int64")
    if broadcastable is None:
        broadcastable = (False,) * arr.ndim
    ttype = TensorType(arr.dtype.name, broadcastable)
    return TensorSharedVariable(ttype, arr, name=name, strict=strict, allow_downcast=allow_downcast)
