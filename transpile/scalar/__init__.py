"""Scalar operations: the elementwise vocabulary of `T.Elemwise`."""
from transpile.scalar.basic import ScalarOp, UnaryScalarOp, BinaryScalarOp  # noqa: F401
from transpile.scalar.arith import *  # noqa: F401,F403
from transpile.scalar.dtypes import upcast, upgrade_to_float  # noqa: F401
