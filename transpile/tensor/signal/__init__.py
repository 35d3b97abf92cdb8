"""Signal processing ops, as in Theano and PyTensor: `transpile.tensor.signal.pool.pool_2d`,
`transpile.tensor.signal.convolve1d` / `convolve2d`."""
from transpile.tensor.signal import pool  # noqa: F401
from transpile.tensor.signal.conv import convolve1d, convolve2d  # noqa: F401
