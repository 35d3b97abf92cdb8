"""Draw ops of the bounded-round samplers (`sampling`): integers, poisson, exponential, gamma,
truncated normal, categorical. Like the base draws they are (state, size, *params) ->
(new_state, sample), not differentiable in their parameters (RandomDraw.grad), and checked in
both modes: a bad parameter is a ValueError from `perform` and a "value" status natively."""
from transpile.scalar import dtypes as D
from transpile.tensor.random import sampling
from transpile.tensor.random.op import RandomDraw

__all__ = ["CategoricalDraw", "ExponentialDraw", "GammaDraw", "IntegersDraw", "PoissonDraw",
           "TruncatedNormalDraw"]

REAL = D.ALL[:-2]


class IntegersDraw(RandomDraw):
    """Integers uniform on [low, high) (low, high int64 tensors broadcast to the size)."""

    n_params = 2
    dtypes = REAL

    def sample(self, shape, key, counter, params):
        return sampling.integers(shape, params[0], params[1], self.dtype, key, counter, str(self))


class PoissonDraw(RandomDraw):
    """Poisson(lam) counts."""

    n_params = 1
    dtypes = REAL

    def sample(self, shape, key, counter, params):
        return sampling.poisson(shape, params[0], self.dtype, key, counter, str(self))


class ExponentialDraw(RandomDraw):
    """Exponential with mean `scale`."""

    n_params = 1

    def sample(self, shape, key, counter, params):
        return sampling.exponential(shape, params[0], self.dtype, key, counter, str(self))


class GammaDraw(RandomDraw):
    """Gamma(shape, scale) (Marsaglia-Tsang)."""

    n_params = 2

    def sample(self, shape, key, counter, params):
        return sampling.gamma(shape, params[0], params[1], self.dtype, key, counter, str(self))


class TruncatedNormalDraw(RandomDraw):
    """Standard normal resampled beyond 2 standard deviations (Theano's truncated_normal)."""

    def sample(self, shape, key, counter, params):
        return sampling.truncated_normal(shape, self.dtype, key, counter)


class CategoricalDraw(RandomDraw):
    """Category indices: p's last axis holds the probabilities, its other dims broadcast to the size."""

    n_params = 1
    dtypes = REAL

    param_core_dims = 1

    def sample(self, shape, key, counter, params):
        return sampling.categorical(shape, params[0], self.dtype, key, counter, str(self))
