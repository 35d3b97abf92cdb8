"""Dtype names, categories and Theano's promotion rules.

Promotion (`upcast`) follows numpy's table, with one Theano exception: when `config.floatX` is
float32 and no input is float64, a result numpy would make float64 (int32 + float32, say) is
float32 instead. Python scalars do not take part: they adapt to the tensor they meet
(see `transpile.tensor.basic.as_tensor_like`).
"""
import numpy as np

from transpile.configdefaults import config

BOOL = ("bool",)
SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
INTEGER = SIGNED + UNSIGNED
DISCRETE = BOOL + INTEGER
FLOAT = ("float32", "float64")
COMPLEX = ("complex64", "complex128")
CONTINUOUS = FLOAT + COMPLEX
ALL = DISCRETE + CONTINUOUS

#: C++ spelling of each dtype (for the native printers)
C_TYPES = {
    "bool": "bool", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t", "int64": "int64_t",
    "uint8": "uint8_t", "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t",
    "float32": "float", "float64": "double",
    "complex64": "std::complex<float>", "complex128": "std::complex<double>",
}


def check_dtype(dtype):
    """Canonical name of a dtype-like, or TypeError for one transpile does not support."""
    if dtype == "floatX":
        return config.floatX
    try:
        name = np.dtype(dtype).name
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}") from None
    if name not in ALL:
        raise TypeError(f"unsupported dtype {name!r}; supported: {', '.join(ALL)}")
    return name


def upcast(*dtypes):
    """The dtype of combining `dtypes` elementwise (numpy rules + the floatX=float32 rule)."""
    dtypes = [check_dtype(d) for d in dtypes]
    result = np.result_type(*[np.zeros((), d) for d in dtypes]).name
    if result == "float64" and config.floatX == "float32" and "float64" not in dtypes:
        return "float32"
    if result == "complex128" and config.floatX == "float32" and not {"float64", "complex128"} & set(dtypes):
        return "complex64"
    return result


_TO_FLOAT = {
    "bool": "float32", "int8": "float32", "uint8": "float32", "int16": "float32", "uint16": "float32",
    "int32": "float64", "uint32": "float64", "int64": "float64", "uint64": "float64",
}


def upgrade_to_float(*dtypes):
    """Dtype of a float-valued function (true division, exp, ...) of `dtypes`."""
    converted = [_TO_FLOAT.get(check_dtype(d), d) for d in dtypes]
    result = upcast(*converted)
    if result == "float64" and config.floatX == "float32" and not any(d == "float64" for d in dtypes):
        return "float32"
    return result


def is_integer(dtype):
    return dtype in INTEGER


def is_discrete(dtype):
    return dtype in DISCRETE


def is_float(dtype):
    return dtype in FLOAT


def is_complex(dtype):
    return dtype in COMPLEX
