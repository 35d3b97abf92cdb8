"""PyTensor's vector-valued samplers (`RandomStreams` inherits them): `size` is the batch shape
and the core dimension k (the parameters' last axis) comes after it, as in PyTensor; when size
is None the batch is the parameters' broadcast batch shape. See `continuous` for the checks."""
import numpy as np

from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast
from transpile.tensor.random.params import _size, check_known, float_params, known_value
from transpile.tensor.shape import shape_entries
from transpile.tensor.slinalg import cholesky

__all__ = ["MultivariateDistributions"]

F64 = "float64"


def _batch(size, ndim, batch_params):
    """The batch shape entries (a tuple of int64 scalars) from `size` or the parameters' batches."""
    size, nd = _size(size, ndim, batch_params)
    return tuple(shape_entries(size, "size", ndim=nd))


class MultivariateDistributions:
    """Mixin of `RandomStreams`: needs its `normal` and `gamma`."""

    def dirichlet(self, alphas, size=None, ndim=None, dtype=None):
        """Gamma(alphas) draws divided by their sum along the last axis (each row sums to 1);
        the gamma checks alphas > 0."""
        check_known("dirichlet", "alphas", alphas, lambda v: v > 0, "> 0")
        if as_tensor_variable(alphas).ndim < 1:
            raise TypeError("dirichlet: alphas must have at least one dim (the categories, last)")
        (alphas,), dtype = float_params("dirichlet", dtype, alphas)
        batch = _batch(size, ndim, [alphas[..., 0]])
        g = self.gamma(alphas, 1.0, size=batch + (alphas.shape[-1],), dtype=F64)
        return cast(g / g.sum(axis=-1, keepdims=True), dtype)

    def multivariate_normal(self, mean, cov, size=None, ndim=None, dtype=None, method="cholesky"):
        """mean + L z with L = cholesky(cov) (lower) and z standard normal of shape batch + (k,);
        mean is (..., k), cov (..., k, k) positive definite (a known cov is checked)."""
        if method != "cholesky":
            raise ValueError(f"multivariate_normal: only method='cholesky' is supported, got {method!r}")
        known = known_value(cov)
        if known is not None:
            if known.ndim < 2 or known.shape[-1] != known.shape[-2]:
                raise ValueError(f"multivariate_normal: cov must be square matrices, got shape {known.shape}")
            try:
                np.linalg.cholesky(known)
            except np.linalg.LinAlgError:
                raise ValueError("multivariate_normal: cov must be positive definite") from None
        mean_t, cov_t = as_tensor_variable(mean), as_tensor_variable(cov)
        if mean_t.ndim < 1 or cov_t.ndim < 2:
            raise TypeError(f"multivariate_normal: mean must be (..., k) and cov (..., k, k), "
                            f"got {mean_t.type} and {cov_t.type}")
        (mean, cov), dtype = float_params("multivariate_normal", dtype, mean_t, cov_t)
        batch = _batch(size, ndim, [mean[..., 0], cov[..., 0, 0]])
        z = self.normal(batch + (mean.shape[-1],), dtype=F64)
        lz = (cholesky(cov) * z.dimshuffle(*range(z.ndim - 1), "x", z.ndim - 1)).sum(axis=-1)
        return cast(mean + lz, dtype)
