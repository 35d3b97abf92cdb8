"""Scalar operations: the elementwise vocabulary of `T.Elemwise`.

One module per theme; each op is a class (`Exp`) with a shared instance (`exp`). `ALL_OPS`
lists the instances (parametrized ops such as `Cast(dtype)` excepted).
"""
from transpile.scalar.basic import ScalarOp, UnaryScalarOp, BinaryScalarOp  # noqa: F401
from transpile.scalar.arith import *  # noqa: F401,F403
from transpile.scalar.transcendental import *  # noqa: F401,F403
from transpile.scalar.rounding import *  # noqa: F401,F403
from transpile.scalar.compare import *  # noqa: F401,F403
from transpile.scalar.logic import *  # noqa: F401,F403
from transpile.scalar.special import *  # noqa: F401,F403
from transpile.scalar.activation import *  # noqa: F401,F403
from transpile.scalar.special_more import *  # noqa: F401,F403
from transpile.scalar.bessel import *  # noqa: F401,F403
from transpile.scalar.xlog import *  # noqa: F401,F403
from transpile.scalar.gamma_family import *  # noqa: F401,F403
from transpile.scalar.bessel_k import *  # noqa: F401,F403
from transpile.scalar.incomplete import *  # noqa: F401,F403
from transpile.scalar.normal import *  # noqa: F401,F403
from transpile.scalar.hypergeometric import *  # noqa: F401,F403
from transpile.scalar.complex_parts import *  # noqa: F401,F403
from transpile.scalar.dtypes import upcast, upgrade_to_float  # noqa: F401
from transpile.scalar import arith, transcendental, rounding, compare, logic, special, activation
from transpile.scalar import special_more, bessel, xlog, complex_parts, gamma_family, bessel_k, incomplete, normal
from transpile.scalar import hypergeometric

ALL_OPS = tuple(
    op for module in (arith, transcendental, rounding, compare, logic, special, activation, special_more, bessel, xlog,
                   gamma_family, bessel_k, incomplete, normal, hypergeometric)
    for op in vars(module).values() if isinstance(op, ScalarOp))
