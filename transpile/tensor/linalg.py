"""Linear algebra as PyTensor spells it (`transpile.tensor.linalg`): one namespace over
Theano's `nlinalg` (numpy.linalg) and `slinalg` (scipy.linalg) modules, with numpy 2's batched
vector products and scipy's block_diag (`linalg_products`), `einsum`, LU (`slinalg_lu`) and the
Sylvester, Lyapunov and Riccati equations (`slinalg_matrix_equations`), the Schur
decompositions (`slinalg_schur`)."""
from transpile.tensor.nlinalg import (  # noqa: F401
    alloc_diag, det, diag, diagonal, eig, eigh, eigvalsh, extract_diag, inv, kron, lstsq, matrix_inverse, matrix_power,
    norm, pinv, qr, slogdet, svd, tensorinv, tensorsolve, trace)
from transpile.tensor.einsum import einsum  # noqa: F401
from transpile.tensor.linalg_products import block_diag, matrix_transpose, matvec, vecdot, vecmat  # noqa: F401
from transpile.tensor.slinalg import (  # noqa: F401
    cho_solve, cholesky, expm, solve, solve_lower_triangular, solve_triangular, solve_upper_triangular)
from transpile.tensor.slinalg_lu import lu, lu_factor, lu_solve, pivot_to_permutation  # noqa: F401
from transpile.tensor.slinalg_matrix_equations import (  # noqa: F401
    solve_continuous_lyapunov, solve_discrete_are, solve_discrete_lyapunov, solve_sylvester)
from transpile.tensor.slinalg_schur import ordqz, qz, schur  # noqa: F401

__all__ = ["alloc_diag", "block_diag", "cho_solve", "cholesky", "det", "diag", "diagonal", "eig", "eigh", "eigvalsh",
           "einsum", "expm", "extract_diag", "inv", "kron", "lstsq", "lu", "lu_factor", "lu_solve", "matrix_inverse",
           "matrix_power", "matrix_transpose", "matvec", "norm", "ordqz", "pinv", "pivot_to_permutation", "qr", "qz",
           "schur", "slogdet", "solve", "solve_continuous_lyapunov", "solve_discrete_are", "solve_discrete_lyapunov",
           "solve_lower_triangular", "solve_sylvester", "solve_triangular", "solve_upper_triangular", "svd",
           "tensorinv", "tensorsolve", "trace", "vecdot", "vecmat"]
