"""The draw ops: (state, size, *params) -> (new_state, sample).

A draw's output depends on its state input, so two draws on different states never merge, and
each op sets `foldable = False`. The state is a uint64 vector [key, counter]; the new state has
the counter incremented (mod 2**64). Affine parameters (low/high, avg/std) are applied outside
the op, with ordinary elementwise ops, so they are differentiable; binomial's `p` is an input
because it takes part in the comparisons.
"""
import numpy as np

from transpile.graph.basic import Apply, Constant
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.gradient_ops import grad_undefined
from transpile.tensor.math import zeros_like
from transpile.tensor.random import distributions, philox
from transpile.tensor.type import TensorType

__all__ = ["BinomialDraw", "NormalDraw", "RandomDraw", "STATE_TYPE", "UniformDraw", "check_state"]

STATE_TYPE = TensorType("uint64", (False,))
STATE_LEN = 2


def check_state(state, where):
    """(key, counter) as Python ints from a state value, or ValueError."""
    state = np.asarray(state)
    if state.dtype != np.uint64 or state.shape != (STATE_LEN,):
        raise ValueError(f"{where}: the random state must be a uint64 vector of length {STATE_LEN} "
                         f"[key, counter], got {state.dtype} with shape {state.shape}")
    return int(state[0]), int(state[1])


class RandomDraw(Op):
    """Base of the draw ops; subclasses define `sample(shape, key, counter, params)`."""

    __props__ = ("ndim", "dtype")
    foldable = False
    default_output = 1
    n_params = 0
    dtypes = D.FLOAT
    #: trailing dims of the parameters beyond the sample's (categorical's categories)
    param_core_dims = 0

    def __init__(self, ndim, dtype):
        self.ndim = int(ndim)
        self.dtype = D.check_dtype(dtype)
        if self.dtype not in self.dtypes:
            raise TypeError(f"{type(self).__name__}: dtype must be one of {', '.join(self.dtypes)}, got {self.dtype}")

    def make_node(self, state, size, *params):
        state = as_tensor_variable(state)
        if state.type != STATE_TYPE:
            raise TypeError(f"{self}: the state must be {STATE_TYPE}, got {state.type}")
        size = as_tensor_variable(size)
        if size.ndim != 1 or not D.is_integer(size.dtype):
            raise TypeError(f"{self}: size must be an integer vector, got {size.type}")
        if size.dtype != "int64":
            from transpile.tensor.math import cast
            size = cast(size, "int64")
        if len(params) != self.n_params:
            raise TypeError(f"{self} takes {self.n_params} parameter(s), got {len(params)}")
        params = [as_tensor_variable(p) for p in params]
        for p in params:
            if p.ndim > self.ndim + self.param_core_dims or p.ndim < self.param_core_dims:
                raise TypeError(f"{self}: parameter {p} ({p.type}) must have {self.param_core_dims} to "
                                f"{self.ndim + self.param_core_dims} dims")
        bcast = (False,) * self.ndim
        if isinstance(size, Constant):
            if size.data.shape != (self.ndim,):
                raise ValueError(f"{self}: size {tuple(size.data)} does not have {self.ndim} entries")
            bcast = tuple(bool(s == 1) for s in size.data)
        return Apply(self, [state, size, *params], [STATE_TYPE(), TensorType(self.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        state, size, *params = inputs
        key, counter = check_state(state, str(self))
        shape = tuple(int(s) for s in size)
        if len(shape) != self.ndim:
            raise ValueError(f"{self}: size has {len(shape)} entries, expected {self.ndim}: {shape}")
        if any(s < 0 for s in shape):
            raise ValueError(f"{self}: size must be non-negative, got {shape}")
        core = self.param_core_dims
        for p in params:
            batch = np.shape(p)[:np.ndim(p) - core]
            try:
                ok = np.broadcast_shapes(batch, shape) == shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"{self}: parameter of shape {np.shape(p)} cannot be broadcast to size {shape}")
        output_storage[0][0] = np.array([key, (counter + 1) & philox.MASK64], dtype=np.uint64)
        output_storage[1][0] = self.sample(shape, key, counter, params)

    def infer_shape(self, node, input_shapes):
        from transpile.tensor.shape import shape_const
        size = node.inputs[1]
        if isinstance(size, Constant):
            dims = tuple(shape_const(s) for s in size.data)
        else:
            dims = tuple(size[i] for i in range(self.ndim))
        return [(shape_const(STATE_LEN),), dims]

    def grad(self, inputs, output_grads):
        grads = [zeros_like(inputs[0], dtype=D.config.floatX), zeros_like(inputs[1], dtype=D.config.floatX)]
        for i, p in enumerate(inputs[2:], start=2):
            grads.append(grad_undefined(self, i, p, "random draws are not differentiable in their parameters"))
        return grads

    def __str__(self):
        return f"{type(self).__name__}{{{self.dtype}, ndim={self.ndim}}}"


class UniformDraw(RandomDraw):
    """Uniform on [0, 1)."""

    def sample(self, shape, key, counter, params):
        return distributions.uniform(shape, self.dtype, key, counter)


class NormalDraw(RandomDraw):
    """Standard normal."""

    def sample(self, shape, key, counter, params):
        return distributions.normal(shape, self.dtype, key, counter)


class BinomialDraw(RandomDraw):
    """Binomial(n, p) counts, p an input broadcast to the size."""

    __props__ = ("ndim", "dtype", "n")
    n_params = 1
    dtypes = D.ALL[:-2]  # any real dtype

    def __init__(self, ndim, dtype, n):
        super().__init__(ndim, dtype)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"BinomialDraw: n must be a non-negative Python int, got {n!r}")
        self.n = int(n)

    def sample(self, shape, key, counter, params):
        return distributions.binomial(shape, self.n, params[0], self.dtype, key, counter, str(self))

    def __str__(self):
        return f"BinomialDraw{{{self.dtype}, ndim={self.ndim}, n={self.n}}}"
