"""Views on the GPU: the C++ rules themselves. A view only computes a new descriptor (shape,
strides, offset), which lives on the host for GPU arrays too; the copies a rule may make (a
non-contiguous `Reshape` input) are GPU copies, through `lc.copy` and `lc.temp`. Shapes and
indices are read on the host (`host_inputs`)."""
from transpile.emit.cpp.rules.shape import lower_assert, lower_reshape, lower_specify_shape
from transpile.emit.cpp.rules.subtensor import lower_subtensor
from transpile.emit.cpp.rules.views import (
    lower_addbroadcast, lower_cpu_contiguous, lower_dimshuffle, lower_unbroadcast)
from transpile.emit.registry import register_lowering
from transpile.tensor.check import Assert
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.shape import AddBroadcast, Unbroadcast
from transpile.tensor.shape_ops import Reshape, SpecifyShape
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.view_ops import CpuContiguous, ViewOp

register_lowering(DimShuffle, target="cuda")(lower_dimshuffle)
register_lowering(Unbroadcast, target="cuda")(lower_unbroadcast)
register_lowering(AddBroadcast, target="cuda")(lower_addbroadcast)
register_lowering(ViewOp, target="cuda")(lower_unbroadcast)
register_lowering(CpuContiguous, target="cuda")(lower_cpu_contiguous)
register_lowering(SpecifyShape, target="cuda", host_inputs=("1:",))(lower_specify_shape)
register_lowering(Assert, target="cuda", host_inputs=("1:",))(lower_assert)
register_lowering(Reshape, target="cuda", host_inputs=(1,))(lower_reshape)
register_lowering(Subtensor, target="cuda", host_inputs=("1:",))(lower_subtensor)
