"""Gradient-only ops. `ZeroGrad` / `DisconnectedGrad` are identities in the forward pass (a
rewrite removes them; this view keeps a graph compiled without rewrites working). `JacobianOp`
loops over an inner compiled function in Python: it runs on the host, between native segments."""
from transpile.emit.registry import register_host_only, register_lowering
from transpile.tensor.gradient_ops import _GradientBarrier

register_host_only("transpile.jacobian_op.JacobianOp",
                   "evaluates its inner function once per row of the Jacobian from Python (the row count is "
                   "only known at run time)")


@register_lowering(_GradientBarrier)
def lower_gradient_barrier(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(x.ndim)], [f"{src}.strides[{d}]" for d in range(x.ndim)])
