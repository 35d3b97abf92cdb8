"""The tensor language: `import transpile.tensor as T`."""
from transpile.tensor.type import TensorType
from transpile.tensor.variable import TensorConstant, TensorVariable
from transpile.tensor.basic import *  # noqa: F401,F403  constructors (matrix, fvector, ...), constant
from transpile.tensor.basic import as_tensor_variable, constant, tensor
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.shape import Shape, Shape_i, shape, shape_i, unbroadcast
from transpile.tensor.math import *  # noqa: F401,F403  elementwise functions
from transpile.tensor.reduce import all, any, max, min, prod, sum  # noqa: A004
from transpile.tensor.reduce import CAReduce, Max, Min, Prod, Sum
