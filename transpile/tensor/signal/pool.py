"""Theano's `theano.tensor.signal.pool`: the pooling ops live in `transpile.tensor.nnet.pool`."""
from transpile.tensor.nnet.pool import (  # noqa: F401
    AveragePoolGrad,
    MaxPoolGrad,
    MaxPoolGradGrad,
    Pool,
    pool_2d,
    pool_3d,
    pool_output_shape,
)

__all__ = ["AveragePoolGrad", "MaxPoolGrad", "MaxPoolGradGrad", "Pool", "pool_2d", "pool_3d", "pool_output_shape"]
