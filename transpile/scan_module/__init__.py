"""Loops (Theano's `scan_module`): `scan`, `until`, and `map`/`reduce`/`foldl`/`foldr` over it.

`basic.py` turns a step function into a `Scan` node (`op.py`); under the native linker its loop
is generated C++ calling the step lowered as a function of the same source
(transpile/emit/cpp/rules/scan.py), else (the reference, or a step holding a host-only op) it
runs on the host and calls the step compiled once for the mode (`compile/inner.py`);
`checkpoints.py` is Theano's memory-saving `scan_checkpoints` (a loop of loops),
`grad.py` builds the backward loop, `shapes.py` the output shapes, `rewriting.py` moves
loop-invariant work out, `prune.py` drops what nothing reads,
`pushout_seqs.py` moves work on sequence entries out to whole sequences, `pushout_add.py`
sums of products over the steps to one product after the loop, `pushout_sum.py` running
totals of sums to one sum after the loop, `merge.py` makes one loop of
two of the same length, `save_for_backward.py` makes a
forward loop save what its backward loop would recompute (registered first: it needs both
steps as grad.py built them).
"""
import importlib

from transpile.scan_module.basic import scan
from transpile.scan_module.checkpoints import scan_checkpoints
from transpile.scan_module import save_for_backward  # noqa: F401  registers scan_save_for_backward
from transpile.scan_module import rewriting  # noqa: F401  registers the scan rewrites
from transpile.scan_module import prune  # noqa: F401  registers scan_remove_unused
from transpile.scan_module import pushout_seqs  # noqa: F401  registers scan_pushout_seqs
from transpile.scan_module import pushout_add  # noqa: F401  registers scan_pushout_add
from transpile.scan_module import pushout_sum  # noqa: F401  registers scan_pushout_sum
from transpile.scan_module import merge  # noqa: F401  registers scan_merge
from transpile.scan_module.op import Scan
from transpile.scan_module.until import until
from transpile.scan_module.views import foldl, foldr, map, reduce
from transpile.scan_module.vectorize import vectorize

# T.nnet.ctc is a loop over time: give its module (not the function of that name) the loop builder
importlib.import_module("transpile.tensor.nnet.ctc").loop = scan
importlib.import_module("transpile.tensor").vectorize = vectorize  # PyTensor's pt.vectorize, a loop over the batch

__all__ = ["Scan", "foldl", "foldr", "map", "reduce", "scan", "scan_checkpoints", "until", "vectorize"]
