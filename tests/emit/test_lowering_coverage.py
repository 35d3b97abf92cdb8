"""Every op of the language runs natively: each Op subclass defined under `transpile` has a
lowering rule (its own or an ancestor's) or is declared host-only.

Excluded, by rule: abstract bases, i.e. classes whose name starts with "_" or that define no
`make_node` (they are never the op of a node), and the ops of a graph placed on a GPU
(`transpile.gpuarray`): the CUDA target lowers those (tests/emit/test_cuda_build.py)."""
import importlib

import pytest

from transpile.emit.registry import HOST_ONLY, LOWERINGS, find_lowering
from transpile.gpuarray import GpuFromHost, HostFromGpu
from transpile.graph.op import Op

pytestmark = pytest.mark.single_mode

PACKAGES = ["transpile", "transpile.tensor", "transpile.sparse", "transpile.printing", "transpile.jacobian_op",
            "transpile.gradient", "transpile.compile"]


def _subclasses(cls):
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _concrete_ops():
    for name in PACKAGES:
        importlib.import_module(name)
    find_lowering(Op())  # loads the rules (some ops are defined next to them)
    seen, ops = set(), []
    for cls in _subclasses(Op):
        if cls in seen or not cls.__module__.startswith("transpile."):
            continue
        seen.add(cls)
        if cls.__name__.startswith("_") or cls.make_node is Op.make_node:
            continue
        ops.append(cls)
    return ops


def _qualname(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_op_has_a_lowering_or_is_host_only():
    missing = [_qualname(cls) for cls in _concrete_ops() if not cls.__module__.startswith("transpile.gpuarray.")
               and not any(k in LOWERINGS["cpp"] or _qualname(k) in LOWERINGS["cpp"] for k in cls.__mro__) and not any(_qualname(k) in HOST_ONLY for k in cls.__mro__)]
    assert not missing, "ops with neither a lowering rule nor a host-only declaration:\n" + "\n".join(missing)


def test_the_walk_sees_every_family():
    names = {cls.__name__ for cls in _concrete_ops()}
    for expected in ("Elemwise", "UniformDraw", "BinomialDraw", "StructuredDot", "SpSum", "CSM", "ZeroGrad",
                     "JacobianOp", "Print", "DeepCopyOp", "Conv2d"):
        assert expected in names


def test_host_only_ops_are_declared_with_a_reason():
    for name in ("transpile.printing.Print", "transpile.jacobian_op.JacobianOp"):
        assert HOST_ONLY[name]


def test_the_transfers_of_a_placed_graph_have_cuda_rules():
    assert find_lowering(GpuFromHost(), "cuda") is not None and find_lowering(HostFromGpu(), "cuda") is not None
