"""Theano's `theano.tensor.signal.pool`: the pooling ops live in `transpile.tensor.nnet.pool`;
`max_pool_2d_same_size` is built from them here."""
from transpile.tensor.nnet.pool import (  # noqa: F401
    AveragePoolGrad,
    MaxPoolGrad,
    MaxPoolGradGrad,
    Pool,
    pool_2d,
    pool_3d,
    pool_output_shape,
)

__all__ = ["AveragePoolGrad", "MaxPoolGrad", "MaxPoolGradGrad", "Pool", "max_pool_2d_same_size", "pool_2d", "pool_3d",
           "pool_output_shape"]


def max_pool_2d_same_size(input, patch_size):
    """`input` (at least 2-d) with every value of each non-overlapping `patch_size` patch of its
    last two dims set to 0 except the patch's maximum (the first one, on ties); partial patches
    at the far edges become 0 (Theano's: max pooling's gradient, fed the pooled values)."""
    pooled = pool_2d(input, patch_size, ignore_border=True)
    return MaxPoolGrad(**pooled.owner.op._props_dict())(pooled.owner.inputs[0], pooled, pooled)
