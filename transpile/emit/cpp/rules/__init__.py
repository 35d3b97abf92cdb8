"""The built-in lowering rules, one module per op family (importing registers them)."""
from transpile.emit.cpp.rules import alloc, blas, blas_gemm, elemwise, join, reduce, shape, subtensor, views  # noqa: F401
from transpile.emit.cpp.rules import conv, neighbours, pool, softmax, xent  # noqa: F401  (nnet)
from transpile.emit.cpp.rules import stats, subtensor_advanced, subtensor_inc, tensordot  # noqa: F401
from transpile.emit.cpp.rules import control, gradient, random, random_choice, scan  # noqa: F401
from transpile.emit.cpp.rules import extra_ops, sort, unique  # noqa: F401  (tensor.extra_ops)
from transpile.emit.cpp.rules import sparse_arith, sparse_basic, sparse_dot, sparse_structured  # noqa: F401  (sparse)
from transpile.emit.cpp.rules import sparse_stack  # noqa: F401  (sparse storage: stack, remove0, sorted indices)
from transpile.emit.cpp.rules import linalg  # noqa: F401  (LAPACK)
from transpile.emit.cpp.rules import fft  # noqa: F401  (tensor.fft)
