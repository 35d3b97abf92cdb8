"""Matrix decompositions of numpy.linalg: `eigh`/`eigvalsh` (symmetric, reading one triangle),
`eig` (general: complex results), `svd` (batched) and `qr`. Gradients: eigh (Magnus's formula
for distinct eigenvalues) and svd (singular values always; U and V too for thin factors)."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.blas import grad_like
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.linalg_common import (as_matrices, check_square, float_dtype, identity_of, matmul, mT,
                                            tensor_of, tri_mask)

__all__ = ["Eig", "Eigh", "SVD", "QR", "QRGrad", "eig", "eigh", "eigvalsh", "svd", "qr"]


def _row(v):
    return DimShuffle(v.broadcastable, list(range(v.ndim - 1)) + ["x", v.ndim - 1])(v)


def _col(v):
    return DimShuffle(v.broadcastable, list(range(v.ndim)) + ["x"])(v)


def _inverse_gaps(values):
    """F[i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it."""
    eye = identity_of(_row(values))
    gaps = _row(values) - _col(values)
    return (1 - eye) / (gaps + eye)


class Eigh(Op):
    """numpy.linalg.eigh: ascending eigenvalues w and orthonormal eigenvectors v (columns) of a
    symmetric matrix, read from its lower (UPLO="L") or upper triangle."""

    __props__ = ("UPLO", "compute_v")

    def __init__(self, UPLO="L", compute_v=True):
        if UPLO not in ("L", "U"):
            raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO, self.compute_v = UPLO, bool(compute_v)

    def make_node(self, x):
        x = as_matrices("eigh", x, batched=False)
        dtype = float_dtype("eigh", x.dtype)
        outs = [tensor_of(dtype, 1)] + ([tensor_of(dtype, 2)] if self.compute_v else [])
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage):
        check_square("eigh", inputs[0])
        x = inputs[0].astype(node.outputs[0].dtype)
        if self.compute_v:
            w, v = np.linalg.eigh(x, UPLO=self.UPLO)
            output_storage[1][0] = v.astype(node.outputs[1].dtype)
        else:
            w = np.linalg.eigvalsh(x, UPLO=self.UPLO)
        output_storage[0][0] = w.astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        n = input_shapes[0][0]
        return [(n,), (n, n)][:len(node.outputs)]

    def grad(self, inputs, output_grads):
        """G = V (diag(gw) + F * (V^T gV)) V^T on symmetric perturbations; the input is read
        from one triangle, so its entries there get G + G^T (the diagonal G)."""
        (x,) = inputs
        w, v = Eigh(self.UPLO, True)(x)
        gw = output_grads[0]
        inner = identity_of(x) * _row(gw)
        if self.compute_v:
            inner = inner + _inverse_gaps(w) * matmul(mT(v), output_grads[1])
        g = matmul(matmul(v, inner), mT(v))
        both = (g + mT(g)) * tri_mask(g, self.UPLO == "L")
        return [grad_like(both - g * identity_of(g), x)]

    def __str__(self):
        return f"Eigh{{{self.UPLO}{'' if self.compute_v else ', values'}}}"


class Eig(Op):
    """numpy.linalg.eig: eigenvalues and right eigenvectors of a general square matrix, always
    complex (complex64 for float32 input, complex128 otherwise)."""

    def make_node(self, x):
        x = as_matrices("eig", x, batched=False)
        dtype = "complex64" if float_dtype("eig", x.dtype) == "float32" else "complex128"
        return Apply(self, [x], [tensor_of(dtype, 1), tensor_of(dtype, 2)])

    def perform(self, node, inputs, output_storage):
        check_square("eig", inputs[0])
        w, v = np.linalg.eig(inputs[0])
        output_storage[0][0] = w.astype(node.outputs[0].dtype)
        output_storage[1][0] = v.astype(node.outputs[1].dtype)

    def infer_shape(self, node, input_shapes):
        n = input_shapes[0][0]
        return [(n,), (n, n)]

    def __str__(self):
        return "Eig"


class SVD(Op):
    """numpy.linalg.svd over the last two dims: (U, s, Vh), or s alone (compute_uv=False)."""

    __props__ = ("full_matrices", "compute_uv")

    def __init__(self, full_matrices=True, compute_uv=True):
        self.full_matrices, self.compute_uv = bool(full_matrices), bool(compute_uv)

    def make_node(self, x):
        x = as_matrices("svd", x, batched=True)
        dtype, nd = float_dtype("svd", x.dtype), x.ndim
        if not self.compute_uv:
            return Apply(self, [x], [tensor_of(dtype, nd - 1)])
        return Apply(self, [x], [tensor_of(dtype, nd), tensor_of(dtype, nd - 1), tensor_of(dtype, nd)])

    def perform(self, node, inputs, output_storage):
        x = inputs[0].astype(node.outputs[0].dtype)
        results = np.linalg.svd(x, full_matrices=self.full_matrices, compute_uv=self.compute_uv)
        results = results if self.compute_uv else (results,)
        for storage, value, out in zip(output_storage, results, node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        shape = input_shapes[0]
        batch, m, n = tuple(shape[:-2]), shape[-2], shape[-1]
        k = T.minimum(m, n)
        if not self.compute_uv:
            return [batch + (k,)]
        if self.full_matrices:
            return [batch + (m, m), batch + (k,), batch + (n, n)]
        return [batch + (m, k), batch + (k,), batch + (k, n)]

    def grad(self, inputs, output_grads):
        """Singular values: U diag(gs) V^T. With thin U and V also their terms (Townsend 2016,
        distinct nonzero singular values)."""
        (x,) = inputs
        u, s, vh = SVD(False, True)(x)
        gs = output_grads[1] if self.compute_uv else output_grads[0]
        core = identity_of(_row(s)) * _row(gs)
        if not self.compute_uv:
            return [grad_like(matmul(matmul(u, core), vh), x)]
        if self.full_matrices:
            raise NotImplementedError("svd: the gradient through U and V is implemented for full_matrices=False; "
                                      "use svd(x, full_matrices=False) or compute_uv=False")
        gu, gvh = output_grads[0], output_grads[2]
        v, gv = mT(vh), mT(gvh)
        f = _inverse_gaps(s * s)
        s_mat = identity_of(_row(s)) * _row(s)
        s_inv = identity_of(_row(s)) * _row(1 / s)
        ut_gu, vt_gv = matmul(mT(u), gu), matmul(mT(v), gv)
        inner = (matmul(f * (ut_gu - mT(ut_gu)), s_mat) + core + matmul(s_mat, f * (vt_gv - mT(vt_gv))))
        g = matmul(matmul(u, inner), vh)
        g = g + matmul(matmul(gu - matmul(u, ut_gu), s_inv), vh)
        g = g + matmul(matmul(u, s_inv), mT(gv - matmul(v, vt_gv)))
        return [grad_like(g, x)]

    def __str__(self):
        return f"SVD{{full_matrices={self.full_matrices}, compute_uv={self.compute_uv}}}"


class QR(Op):
    """numpy.linalg.qr of a matrix: mode "reduced" (Q, R), "complete" (Q, R) or "r" (R)."""

    __props__ = ("mode",)

    def __init__(self, mode="reduced"):
        if mode not in ("reduced", "complete", "r"):
            raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
        self.mode = mode

    def make_node(self, x):
        x = as_matrices("qr", x, batched=False)
        dtype = float_dtype("qr", x.dtype)
        return Apply(self, [x], [tensor_of(dtype, 2) for _ in range(1 if self.mode == "r" else 2)])

    def perform(self, node, inputs, output_storage):
        results = np.linalg.qr(inputs[0].astype(node.outputs[0].dtype), mode=self.mode)
        results = (results,) if self.mode == "r" else tuple(results)
        for storage, value, out in zip(output_storage, results, node.outputs):
            storage[0] = np.asarray(value, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        m, n = input_shapes[0]
        k = T.minimum(m, n)
        if self.mode == "complete":
            return [(m, m), (m, n)]
        return [(k, n)] if self.mode == "r" else [(m, k), (k, n)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        q, r = QR("reduced" if self.mode == "r" else self.mode)(x)
        gq, gr = (T.zeros_like(q), output_grads[0]) if self.mode == "r" else output_grads
        return [grad_like(QRGrad()(q, r, gq, gr), x)]

    def __str__(self):
        return f"QR{{{self.mode}}}"


class QRGrad(Op):
    """The gradient of a = q r for a tall or square `a` (m >= n, q with n columns, or m x m when
    m == n): with M = r gr^T - gq^T q, ga = (gq + q copyltu(M)) r^-T (Walter and Lehmann 2018),
    where copyltu mirrors the lower triangle. Wider matrices raise ValueError."""

    def make_node(self, q, r, gq, gr):
        q, r, gq, gr = (as_matrices("QRGrad", v, batched=False) for v in (q, r, gq, gr))
        return Apply(self, [q, r, gq, gr], [tensor_of(float_dtype("QRGrad", q.dtype), 2)])

    def perform(self, node, inputs, output_storage):
        import scipy.linalg
        q, r, gq, gr = inputs
        m, n = q.shape[0], r.shape[1]
        if m < n or q.shape[1] != n:
            raise ValueError(f"qr: the gradient is implemented for matrices with at least as many rows as columns "
                             f"(reduced factors), got q of shape {q.shape} and r of shape {r.shape}")
        mid = r @ gr.T - gq.T @ q
        b = gq + q @ (np.tril(mid) + np.tril(mid, -1).T)
        ga = scipy.linalg.solve_triangular(r, b.T, lower=False).T if n else b
        output_storage[0][0] = np.asarray(ga, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0], input_shapes[1][1])]

    def __str__(self):
        return "QRGrad"


def eigh(a, UPLO="L"):
    """(w, v): eigenvalues (ascending) and eigenvectors of a symmetric matrix."""
    return Eigh(UPLO)(a)


def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of a symmetric matrix. (Theano's eigvalsh(a, b) with a second
    matrix is the generalized problem; only the standard one is provided.)"""
    return Eigh(UPLO, compute_v=False)(a)


def eig(a):
    """(w, v) of a general square matrix (complex)."""
    return Eig()(a)


def svd(a, full_matrices=True, compute_uv=True):
    """numpy.linalg.svd: [U, s, Vh], or s when compute_uv=False."""
    return SVD(full_matrices, compute_uv)(a)


def qr(a, mode="reduced"):
    """numpy.linalg.qr: [Q, R] (mode "reduced"/"complete") or R (mode "r")."""
    return QR(mode)(a)
