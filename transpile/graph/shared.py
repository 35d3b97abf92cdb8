"""Shared variables: graph inputs whose value lives in a container between calls, read by every
function that uses them and written by their `updates`.

`shared(value)` asks the constructors registered with `shared_constructor` (newest first: the
tensor language registers dense arrays and numbers, `transpile.sparse` scipy matrices) for a
variable of the right kind. `transpile.compile.sharedvalue` re-exports all of this, as Theano
spelled it.
"""
import copy

import numpy as np

from transpile.graph.basic import Variable


class Container:
    """One mutable cell holding a value of `type` (shared by all functions using the variable).

    A function running on a GPU keeps the value there between calls (`device_value`, an array
    in GPU memory): reading `value` then copies it back to the host once, and setting `value`
    drops the GPU copy (the next GPU call uploads the new value)."""

    def __init__(self, type, value):
        self.type = type
        self._host, self._device = value, None

    @property
    def value(self):
        if self._host is _ON_DEVICE:
            self._host = self._device.to_host()
        return self._host

    @value.setter
    def value(self, value):
        self._host, self._device = value, None

    @property
    def device_value(self):
        """The value in GPU memory, or None when it is only on the host."""
        return self._device

    @device_value.setter
    def device_value(self, array):
        """A GPU function's update: the value is now `array` (the host copy is stale)."""
        self._host, self._device = _ON_DEVICE, array

    @property
    def where(self):
        """Where the value is now: "host", "device" (only in GPU memory) or "both"."""
        if self._device is None:
            return "host"
        return "device" if self._host is _ON_DEVICE else "both"

    def keep_device_copy(self, array):
        """`array` is a copy in GPU memory of the current (host) value: kept for the next calls."""
        self._device = array

    def __getstate__(self):  # pickles and deep copies hold the value on the host
        return {"type": self.type, "value": self.value}

    def __setstate__(self, state):
        self.type, self._host, self._device = state["type"], state["value"], None


#: Container._host of a value that lives only in GPU memory
_ON_DEVICE = type("OnDevice", (), {"__repr__": lambda self: "<on the GPU>"})()


class SharedVariable(Variable):
    def __init__(self, type, value, name=None, strict=False, allow_downcast=None, container=None):
        super().__init__(type, None, None, name)
        if container is not None:
            self.container = container
        else:
            self.container = Container(type, type.filter(value, strict=strict, allow_downcast=allow_downcast))

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value (a copy unless `borrow`); with `return_internal_type`, the array in
        GPU memory when a GPU function keeps it there (as Theano gave its GPU array)."""
        if return_internal_type and self.container.device_value is not None:
            return self.container.device_value
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


_constructors = []


def shared_constructor(constructor):
    """Register a constructor tried (newest first) by `shared()`; it returns None for values it
    does not take."""
    _constructors.insert(0, constructor)
    return constructor


def shared(value, name=None, strict=False, allow_downcast=None, broadcastable=None, **kwargs):
    """A shared variable initialised with (a copy of) `value`.

    Its dims are not broadcastable unless `broadcastable` says so: a later `set_value` may change
    lengths, as in Theano."""
    if isinstance(value, Variable):
        raise TypeError("shared() takes a value (numpy array or number), not a symbolic variable")
    for constructor in _constructors:
        result = constructor(value, name=name, strict=strict, allow_downcast=allow_downcast,
                             broadcastable=broadcastable, **kwargs)
        if result is not None:
            return result
    raise TypeError(f"shared(): cannot store a {type(value).__name__}")
