"""scipy.linalg's Schur-type decompositions (PyTensor's names): `schur` (a = Z T Z^H, T
quasi-triangular), `qz` (the generalized Schur decomposition of a pair, A = Q AA Z^H,
B = Q BB Z^H) and `ordqz` (qz with the eigenvalues that `sort` selects moved first).

They run scipy on the host (LAPACK's gees/gges through it; no native rule). They have no
gradient: a Schur form is not unique, so no derivative of it is defined.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.lazy_import import lazy_module
from transpile.tensor.linalg_common import as_matrices, check_square, float_dtype, tensor_of

scipy_linalg = lazy_module("scipy.linalg")

__all__ = ["OrdQZ", "QZ", "Schur", "ordqz", "qz", "schur"]

OUTPUTS = ("real", "complex")
SORTS = ("lhp", "rhp", "iuc", "ouc")


def _output(output, what):
    if output not in OUTPUTS:
        raise ValueError(f"{what}: output must be 'real' or 'complex', got {output!r}")
    return output


def _dtypes(x, output, what):
    """(real dtype, the output matrices' dtype)."""
    real = float_dtype(what, x.dtype)
    return real, (real if output == "real" else ("complex64" if real == "float32" else "complex128"))


def _complex_of(real):
    return "complex64" if real == "float32" else "complex128"


class Schur(Op):
    """scipy.linalg.schur(a, output): (T, Z) with a = Z T Z^H."""

    __props__ = ("output",)

    def __init__(self, output="real"):
        self.output = _output(output, "schur")

    def make_node(self, a):
        a = as_matrices("schur", a, batched=False)
        _, dtype = _dtypes(a, self.output, "schur")
        return Apply(self, [a], [tensor_of(dtype, 2), tensor_of(dtype, 2)])

    def perform(self, node, inputs, output_storage):
        (a,) = inputs
        check_square("schur", a)
        t, z = scipy_linalg.schur(a.astype("float64"), output=self.output)
        for storage, value, out in zip(output_storage, (t, z), node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0], input_shapes[0]]


class QZ(Op):
    """scipy.linalg.qz(A, B, output): (AA, BB, Q, Z) with A = Q AA Z^H, B = Q BB Z^H."""

    __props__ = ("output",)

    def __init__(self, output="real"):
        self.output = _output(output, "qz")

    def make_node(self, A, B):  # noqa: N803
        A, B = as_matrices("qz", A, batched=False, what="A"), as_matrices("qz", B, batched=False, what="B")
        _, dtype = _dtypes(A if A.dtype == "float64" else B, self.output, "qz")
        return Apply(self, [A, B], [tensor_of(dtype, 2) for _ in range(4)])

    def perform(self, node, inputs, output_storage):
        A, B = inputs
        check_square("qz", A, "A")
        check_square("qz", B, "B")
        if A.shape != B.shape:
            raise ValueError(f"qz: A {A.shape} and B {B.shape} must have the same shape")
        results = scipy_linalg.qz(A.astype("float64"), B.astype("float64"), output=self.output)
        for storage, value, out in zip(output_storage, results, node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]] * 4


class OrdQZ(Op):
    """scipy.linalg.ordqz(A, B, sort, output): (AA, BB, alpha, beta, Q, Z), the eigenvalues
    alpha / beta that `sort` selects ('lhp', 'rhp', 'iuc', 'ouc') first."""

    __props__ = ("sort", "output")

    def __init__(self, sort="lhp", output="real"):
        if sort not in SORTS:
            raise ValueError(f"ordqz: sort must be one of {SORTS} (a callable is not supported), got {sort!r}")
        self.sort, self.output = sort, _output(output, "ordqz")

    def make_node(self, A, B):  # noqa: N803
        A, B = as_matrices("ordqz", A, batched=False, what="A"), as_matrices("ordqz", B, batched=False, what="B")
        real, dtype = _dtypes(A if A.dtype == "float64" else B, self.output, "ordqz")
        beta = real if self.output == "real" else dtype
        types = [tensor_of(dtype, 2), tensor_of(dtype, 2), tensor_of(_complex_of(real), 1), tensor_of(beta, 1),
                 tensor_of(dtype, 2), tensor_of(dtype, 2)]
        return Apply(self, [A, B], types)

    def perform(self, node, inputs, output_storage):
        A, B = inputs
        check_square("ordqz", A, "A")
        if A.shape != B.shape:
            raise ValueError(f"ordqz: A {A.shape} and B {B.shape} must have the same shape")
        results = scipy_linalg.ordqz(A.astype("float64"), B.astype("float64"), sort=self.sort, output=self.output)
        for storage, value, out in zip(output_storage, results, node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        n = input_shapes[0][0]
        return [input_shapes[0], input_shapes[0], (n,), (n,), input_shapes[0], input_shapes[0]]


def schur(a, output="real"):
    """scipy.linalg.schur: (T, Z) with a = Z T Z^H (T quasi-upper-triangular for 'real')."""
    return tuple(Schur(output)(a))


def qz(A, B, output="real"):  # noqa: N803
    """scipy.linalg.qz: (AA, BB, Q, Z), the generalized Schur decomposition of (A, B)."""
    return tuple(QZ(output)(A, B))


def ordqz(A, B, sort="lhp", output="real"):  # noqa: N803
    """scipy.linalg.ordqz: (AA, BB, alpha, beta, Q, Z) with the selected eigenvalues first."""
    return tuple(OrdQZ(sort, output)(A, B))
