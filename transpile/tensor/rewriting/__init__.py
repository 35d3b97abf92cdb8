"""Graph rewrites of the tensor language, registered with tags at import.

Import order is registration order, which is the order rewrites are tried on a node within a
phase (phases themselves run in `transpile.graph.rewriting.PHASES` order).
"""
from transpile.tensor.rewriting import shape  # noqa: F401
from transpile.tensor.rewriting import useless  # noqa: F401
from transpile.tensor.rewriting import canonicalize  # noqa: F401
from transpile.tensor.rewriting import incsubtensor  # noqa: F401
from transpile.tensor.rewriting import elemwise_basic  # noqa: F401
from transpile.tensor.rewriting import stabilize  # noqa: F401
from transpile.tensor.rewriting import logsumexp  # noqa: F401
from transpile.tensor.rewriting import specialize  # noqa: F401
from transpile.tensor.rewriting import softmax  # noqa: F401
from transpile.tensor.rewriting import xent  # noqa: F401
from transpile.tensor.rewriting import blas  # noqa: F401
from transpile.tensor.rewriting import fusion  # noqa: F401
from transpile.tensor.rewriting import reduce_fusion  # noqa: F401
from transpile.tensor.rewriting import inplace  # noqa: F401
