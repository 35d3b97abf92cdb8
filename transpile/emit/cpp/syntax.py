"""Spelling values and text in C++: literals of every dtype, string literals, comments.

User-chosen text (variable names, op descriptions) only ever reaches generated code through
`string_literal` or `comment`, which cannot end the literal or the comment early, so no name
can inject code.
"""
import math

import numpy as np

from transpile.scalar.dtypes import C_TYPES

_BARE = {"int32", "float64"}  # dtypes whose plain literals already have the exact C++ type


def literal(value, dtype):
    """A C++ expression of type `C_TYPES[dtype]` equal to `value`."""
    ctype = C_TYPES[dtype]
    if dtype == "bool":
        return "true" if bool(value) else "false"
    if dtype.startswith("complex"):
        part = "float32" if dtype == "complex64" else "float64"
        c = complex(value)
        return f"{ctype}({literal(c.real, part)}, {literal(c.imag, part)})"
    if dtype.startswith("float"):
        v = float(value)
        if math.isnan(v):
            return f"std::numeric_limits<{ctype}>::quiet_NaN()"
        if math.isinf(v):
            inf = f"std::numeric_limits<{ctype}>::infinity()"
            return f"(-{inf})" if v < 0 else inf
        if dtype == "float32":
            text = str(np.float32(v))
            if not any(ch in text for ch in ".e"):
                text += ".0"
            return ("(" + text + "f)") if text.startswith("-") else text + "f"
        text = repr(v)
        return f"({text})" if text.startswith("-") else text
    v = int(value)
    info = np.iinfo(dtype)
    if dtype.startswith("int") and v == info.min:
        body = f"({info.min + 1}LL - 1)"
    elif dtype.startswith("uint"):
        body = f"{v}ULL"
    else:
        body = f"{v}LL" if dtype != "int32" else str(v)
    if dtype in _BARE:
        return f"({body})" if v < 0 else body
    return f"static_cast<{ctype}>({body})"


def string_literal(text):
    """`text` as a C/C++ string literal (printable ASCII kept, everything else escaped)."""
    out = ['"']
    for byte in str(text).encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    out.append('"')
    return "".join(out)


def comment(text, limit=160):
    """`text` made safe for a `//` or `/* */` comment: one line of printable ASCII, no backslash,
    no comment delimiter."""
    clean = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch != "\\" else "?" for ch in str(text))
    clean = clean.replace("*/", "* /").replace("/*", "/ *")
    if len(clean) > limit:
        clean = clean[:limit - 3] + "..."
    return clean


def array_initializer(data, dtype, per_line=8):
    """The values of `data` (flattened, C order) as initializer lines."""
    flat = np.asarray(data).reshape(-1)
    items = [literal(v, dtype) for v in flat.tolist()]
    if not items:
        items = [literal(0, dtype)]  # a zero-size array still needs one element in C++
    return [", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line)]
