"""Signal processing ops, as in Theano: `transpile.tensor.signal.pool.pool_2d`."""
from transpile.tensor.signal import pool  # noqa: F401
