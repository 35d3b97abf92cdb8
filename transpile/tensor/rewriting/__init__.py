"""Graph rewrites of the tensor language, registered with tags at import."""
from transpile.tensor.rewriting import canonicalize  # noqa: F401
from transpile.tensor.rewriting import elemwise_basic  # noqa: F401
from transpile.tensor.rewriting import fusion  # noqa: F401
from transpile.tensor.rewriting import specialize  # noqa: F401
