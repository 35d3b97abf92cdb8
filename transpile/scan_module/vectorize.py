"""`T.vectorize(func, signature)`: numpy.vectorize for graphs (PyTensor's `pt.vectorize`).

`func` builds the graph of one "core" case (inputs and outputs with the core dims of
`signature`, e.g. "(m,n),(n)->(m)"; without a signature, every input and output is a scalar).
The vectorized function takes inputs with leading batch dims (broadcast against each other
where a dim is broadcastable), runs `func` on each batch entry in a `scan` over the flattened
batch, and gives the outputs with the batch dims in front. The loop is compiled like any scan
(natively, exportable, differentiable); it does not turn the core graph into a batched one.
"""
import re

import transpile.tensor as T
from transpile.scan_module.basic import scan

__all__ = ["vectorize"]

_DIMS = re.compile(r"\(([^()]*)\)")


def _parse(signature):
    """([core ndim of each input], [core ndim of each output]) of a gufunc signature."""
    try:
        ins, outs = signature.replace(" ", "").split("->")
    except ValueError:
        raise ValueError(f"vectorize: signature must look like '(m,n),(n)->(m)', got {signature!r}") from None

    def ndims(part):
        groups = _DIMS.findall(part)
        if _DIMS.sub("", part).replace(",", ""):
            raise ValueError(f"vectorize: signature must look like '(m,n),(n)->(m)', got {signature!r}")
        return [len([d for d in g.split(",") if d]) for g in groups]

    return ndims(ins), ndims(outs)


def vectorize(func, signature=None):
    """A function applying `func` (a graph builder over core-shaped inputs) to every entry of the
    leading batch dims of its inputs (see the module docstring)."""
    core_in, core_out = _parse(signature) if signature is not None else (None, None)

    def vectorized(*inputs):
        xs = [T.as_tensor_variable(x) for x in inputs]
        cores = core_in if core_in is not None else [0] * len(xs)
        if len(cores) != len(xs):
            raise TypeError(f"vectorize: the signature {signature!r} has {len(cores)} inputs, got {len(xs)}")
        for x, core in zip(xs, cores):
            if x.ndim < core:
                raise TypeError(f"vectorize: input {x} ({x.type}) has fewer dims than its {core} core dims")
        batch = max(x.ndim - core for x, core in zip(xs, cores))
        if batch == 0:
            return func(*xs)
        padded = [x.dimshuffle(*(["x"] * (batch + core - x.ndim) + list(range(x.ndim)))) for x, core in zip(xs, cores)]
        lengths = [next((x.shape[d] for x in padded if not x.broadcastable[d]), 1) for d in range(batch)]
        flat = []
        for x in padded:
            full = T.alloc(x, *lengths, *[x.shape[d] for d in range(batch, x.ndim)])
            flat.append(full.reshape([-1] + [full.shape[d] for d in range(batch, full.ndim)], ndim=full.ndim - batch + 1))
        results, _ = scan(lambda *core: func(*core), sequences=flat, return_list=True)
        if core_out is not None and len(core_out) != len(results):
            raise TypeError(f"vectorize: the signature {signature!r} has {len(core_out)} outputs, func gave "
                            f"{len(results)}")
        outs = [r.reshape(lengths + [r.shape[d] for d in range(1, r.ndim)], ndim=batch + r.ndim - 1) for r in results]
        return outs[0] if len(outs) == 1 else outs

    return vectorized
