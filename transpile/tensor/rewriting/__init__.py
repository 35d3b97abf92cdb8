"""Graph rewrites of the tensor language, registered with tags at import."""
from transpile.tensor.rewriting import elemwise_basic  # noqa: F401
