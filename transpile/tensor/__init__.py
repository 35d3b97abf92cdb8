"""The tensor language: `import transpile.tensor as T`.

Each module below defines `__all__`; this file only gathers them.
"""
import sys

from transpile.scalar.basic import register_gradient_language
from transpile.tensor.type import TensorType
from transpile.tensor.variable import TensorConstant, TensorVariable
from transpile.tensor.sharedvar import TensorSharedVariable  # registers shared() for arrays and numbers
from transpile.tensor.basic import *  # noqa: F401,F403  constructors (matrix, fvector, ...)
from transpile.tensor.basic import as_tensor_variable, constant, tensor
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.shape import Shape, Shape_i, shape, shape_i, unbroadcast
from transpile.tensor.math import *  # noqa: F401,F403  elementwise functions
from transpile.tensor.math_numpy import *  # noqa: F401,F403  equal, sign, isfinite, logaddexp, largest, ...
from transpile.tensor.math_theano import *  # noqa: F401,F403  ceil_intdiv, divmod, gammal, chi2sf, j0, ...
from transpile.tensor.math_special import *  # noqa: F401,F403  polygamma, kv, betainc, owens_t, ...
from transpile.tensor.reduce import all, any, max, min, prod, sum  # noqa: A004
from transpile.tensor.reduce import CAReduce, Max, Min, Prod, Sum
from transpile.tensor.stats import *  # noqa: F401,F403  argmax, mean, var, std, ...
from transpile.tensor.logsumexp import logsumexp
from transpile.tensor.shape_ops import *  # noqa: F401,F403  reshape, flatten, transpose, ...
from transpile.tensor.join import *  # noqa: F401,F403  concatenate, stack, ...
from transpile.tensor.alloc import *  # noqa: F401,F403  alloc, zeros, ones, arange, ...
from transpile.tensor.grids import mgrid, ogrid
from transpile.tensor.subtensor import *  # noqa: F401,F403  indexing, inc/set_subtensor
from transpile.tensor.blas import *  # noqa: F401,F403  dot, tensordot, outer, batched_dot
from transpile.tensor.check import Assert, assert_op
from transpile.tensor.einsum import einsum
from transpile.tensor.reshape_dims import join_dims, pack, split_dims, unpack
from transpile.tensor.scalar_constant import (
    NotScalarConstantError, extract_constant, get_scalar_constant_value, get_underlying_scalar_constant_value)
from transpile.tensor.extra_ops import *  # noqa: F401,F403  cumsum, sort, unique, tril, where, ...
from transpile.tensor import extra_ops  # noqa: F401
from transpile.tensor import gradient_ops  # noqa: F401  scalar ops' gradients use grad_not_implemented
from transpile.tensor import nnet  # noqa: F401
from transpile.tensor import random  # noqa: F401
from transpile.tensor import linalg, nlinalg, slinalg  # noqa: F401  (T.nlinalg.det, T.linalg.solve, ...)
from transpile.tensor import fft  # noqa: F401  (T.fft.rfft, T.fft.irfft)
from transpile.tensor import rewriting  # noqa: F401,E402  registers the tensor rewrites

register_gradient_language(sys.modules[__name__])  # scalar ops write their gradients in this language
# T.grad is transpile.gradient.grad, set by that module (differentiation is a layer above).
