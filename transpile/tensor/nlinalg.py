"""numpy.linalg in the graph (Theano's `nlinalg`): inverse, determinants, pseudo-inverse, least
squares, matrix powers, tensorinv/tensorsolve. Inverse and determinants are batched over leading
dims as numpy is; a singular matrix gives numpy's outcome (`inv` raises "Singular matrix",
`det` is 0, `slogdet` is (0, -inf)). Decompositions are in `nlinalg_decomp.py`, diagonals,
trace, kron and norms in `nlinalg_structure.py`."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas import grad_like
from transpile.tensor.linalg_common import (as_matrices, check_square, expand_last, float_dtype, identity_of, matmul,
                                            mT, tensor_of)
from transpile.tensor.nlinalg_decomp import QR, SVD, Eig, Eigh, eig, eigh, eigvalsh, qr, svd  # noqa: F401
from transpile.tensor.nlinalg_structure import (AllocDiag, ExtractDiag, alloc_diag, diag, diagonal,  # noqa: F401
                                                extract_diag, kron, norm, trace)

__all__ = ["MatrixInverse", "Det", "SLogDet", "MatrixPinv", "Lstsq",
           "matrix_inverse", "inv", "det", "slogdet", "pinv", "lstsq", "matrix_dot", "matrix_power", "tensorinv", "tensorsolve",
           "Eig", "Eigh", "SVD", "QR", "eig", "eigh", "eigvalsh", "svd", "qr",
           "AllocDiag", "ExtractDiag", "alloc_diag", "diag", "diagonal", "extract_diag", "kron", "norm", "trace"]


class _SquareBatchOp(Op):
    """An op of one (batch of) square matrix input."""

    def _input(self, x):
        return as_matrices(str(self), x, batched=True)

    def _checked(self, x):
        check_square(str(self), x)
        return x


class MatrixInverse(_SquareBatchOp):
    """inv(a) over the last two dims; raises numpy's "Singular matrix" for a singular one."""

    def make_node(self, x):
        x = self._input(x)
        return Apply(self, [x], [tensor_of(float_dtype(str(self), x.dtype), x.ndim)])

    def perform(self, node, inputs, output_storage):
        x = self._checked(inputs[0])
        output_storage[0][0] = np.linalg.inv(x).astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        xi = mT(self(x))
        return [grad_like(-matmul(matmul(xi, gz), xi), x)]

    def __str__(self):
        return "MatrixInverse"


class Det(_SquareBatchOp):
    """det(a) over the last two dims (0 for a singular matrix)."""

    def make_node(self, x):
        x = self._input(x)
        return Apply(self, [x], [tensor_of(float_dtype(str(self), x.dtype), x.ndim - 2)])

    def perform(self, node, inputs, output_storage):
        x = self._checked(inputs[0])
        output_storage[0][0] = np.asarray(np.linalg.det(x), dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0][:-2])]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        scale = expand_last(gz * self(x))
        return [grad_like(scale * mT(matrix_inverse(x)), x)]

    def __str__(self):
        return "Det"


class SLogDet(_SquareBatchOp):
    """(sign, log|det|) over the last two dims ((0, -inf) for a singular matrix)."""

    def make_node(self, x):
        x = self._input(x)
        dtype = float_dtype(str(self), x.dtype)
        return Apply(self, [x], [tensor_of(dtype, x.ndim - 2), tensor_of(dtype, x.ndim - 2)])

    def perform(self, node, inputs, output_storage):
        x = self._checked(inputs[0])
        sign, logdet = np.linalg.slogdet(x)
        output_storage[0][0] = np.asarray(sign, dtype=node.outputs[0].dtype)
        output_storage[1][0] = np.asarray(logdet, dtype=node.outputs[1].dtype)

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0][:-2])] * 2

    def grad(self, inputs, output_grads):
        (x,), (_, glogdet) = inputs, output_grads
        return [grad_like(expand_last(glogdet) * mT(matrix_inverse(x)), x)]

    def __str__(self):
        return "SLogDet"


class MatrixPinv(Op):
    """numpy.linalg.pinv of a matrix (through the SVD; any shape, rank-deficient too)."""

    __props__ = ("rcond",)

    def __init__(self, rcond=1e-15):
        self.rcond = float(rcond)

    def make_node(self, x):
        x = as_matrices("pinv", x, batched=False)
        return Apply(self, [x], [tensor_of(float_dtype("pinv", x.dtype), 2)])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.linalg.pinv(inputs[0], rcond=self.rcond).astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        n, m = input_shapes[0]
        return [(m, n)]

    def grad(self, inputs, output_grads):
        """Golub and Pereyra's derivative of the pseudo-inverse (valid at constant rank)."""
        (a,), (gx,) = inputs, output_grads
        x = self(a)
        xt, gxt = mT(x), mT(gx)
        eye_n, eye_m = identity_of(mT(a)), identity_of(a)
        term1 = -matmul(matmul(xt, gx), xt)
        term2 = matmul(matmul(eye_n - matmul(a, x), gxt), matmul(x, xt))
        term3 = matmul(matmul(xt, x), matmul(gxt, eye_m - matmul(x, a)))
        return [grad_like(term1 + term2 + term3, a)]

    def __str__(self):
        return "MatrixPinv"


class Lstsq(Op):
    """numpy.linalg.lstsq(a, b, rcond): outputs (x, residuals, rank, singular values)."""

    __props__ = ("rcond",)

    def __init__(self, rcond=None):
        self.rcond = None if rcond is None else float(rcond)

    def make_node(self, a, b):
        a = as_matrices("lstsq", a, batched=False)
        b = as_tensor_variable(b)
        if b.ndim not in (1, 2):
            raise TypeError(f"lstsq: b must be a vector or a matrix, got {b} ({b.type})")
        dtype = float_dtype("lstsq", np.result_type(a.dtype, b.dtype).name)
        return Apply(self, [a, b], [tensor_of(dtype, b.ndim), tensor_of(dtype, 1), tensor_of("int32", 0),
                                    tensor_of(dtype, 1)])

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"lstsq: a has {a.shape[0]} rows but b has {b.shape[0]} (shapes {a.shape}, {b.shape})")
        results = np.linalg.lstsq(a, b, rcond=self.rcond)
        for storage, value, out in zip(output_storage, results, node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        raise NotImplementedError("lstsq: the residuals' length depends on the rank")

    def grad(self, inputs, output_grads):
        """Through the same values written with differentiable ops (valid at constant rank):
        x = pinv(a) b, residuals = |b - a x|^2 per column (present when a has full column rank
        and more rows than columns), s = svd(a) values; the rank has no gradient."""
        import transpile.tensor as T  # the language, whose T.grad differentiation registers from above
        a, b = inputs
        gx, gres, _, gs = output_grads
        x = T.dot(pinv(a, rcond=self.rcond if self.rcond is not None else 1e-15), b)
        res = T.sum(T.sqr(b - T.dot(a, x)), axis=0)
        res = res.dimshuffle("x") if res.ndim == 0 else res
        cost = T.sum(gx * x) + T.dot(gres, res[:T.shape(gres)[0]]) + T.sum(gs * svd(a, compute_uv=False))
        ga, gb = T.grad(cost, [a, b], consider_constant=[gx, gres, gs])
        return [grad_like(ga, a), grad_like(gb, b)]

    def __str__(self):
        return "Lstsq"


matrix_inverse = inv = MatrixInverse()
det = Det()


def slogdet(x):
    """(sign, log|det|) of a (batch of) square matrix."""
    return SLogDet()(x)


def pinv(x, rcond=1e-15):
    """Moore-Penrose pseudo-inverse of a matrix."""
    return MatrixPinv(rcond)(x)


def lstsq(a, b, rcond=None):
    """Least-squares solution of a @ x = b: [x, residuals, rank, singular values] as numpy."""
    return Lstsq(rcond)(a, b)


def matrix_dot(*args):
    """The product of matrices, left to right (Theano's nlinalg.matrix_dot)."""
    import transpile.tensor as T
    if not args:
        raise TypeError("matrix_dot: needs at least one matrix")
    result = as_tensor_variable(args[0])
    for arg in args[1:]:
        result = T.dot(result, arg)
    return result


def matrix_power(m, n):
    """m raised to the integer power n (by repeated squaring; n < 0 inverts first)."""
    import transpile.tensor as T
    m = as_matrices("matrix_power", m, batched=True)
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: the exponent must be a Python int, got {n!r}")
    if n == 0:
        return identity_of(m) + T.zeros_like(m)
    base, n = (matrix_inverse(m), -int(n)) if n < 0 else (m, int(n))
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def tensorinv(a, ind=2):
    """numpy.linalg.tensorinv: the inverse of `a` seen as a matrix of its first `ind` dims by
    the others."""
    import transpile.tensor as T
    a = as_tensor_variable(a)
    if not 0 < ind < a.ndim:
        raise ValueError(f"tensorinv: ind must be in 1..{a.ndim - 1} for a {a.ndim}-d input, got {ind}")
    shape = [T.shape(a)[d] for d in range(a.ndim)]
    rows = T.prod(T.stack(shape[:ind]))
    inverse = matrix_inverse(T.reshape(a, T.stack([rows, -1]), ndim=2))
    return T.reshape(inverse, T.stack(shape[ind:] + shape[:ind]), ndim=a.ndim)


def tensorsolve(a, b, axes=None):
    """numpy.linalg.tensorsolve: x such that tensordot(a, x, x.ndim) = b."""
    import transpile.tensor as T
    from transpile.tensor.slinalg import solve
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if axes is not None:
        axes = [ax % a.ndim for ax in axes]
        order = [d for d in range(a.ndim) if d not in axes] + axes
        a = T.transpose(a, order)
    x_shape = [T.shape(a)[d] for d in range(b.ndim, a.ndim)]
    n = T.prod(T.stack([T.shape(b)[d] for d in range(b.ndim)])) if b.ndim else 1
    x = solve(T.reshape(a, T.stack([n, -1]), ndim=2), T.flatten(b))
    return T.reshape(x, T.stack(x_shape), ndim=a.ndim - b.ndim) if x_shape else T.reshape(x, (), ndim=0)
