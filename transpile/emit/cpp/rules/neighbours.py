"""`Images2Neibs` (images2neibs: a gather of patches) and its gradient `Images2NeibsGrad` (the
adjoint scatter-add), every mode, through templates/runtime/neighbours.h, with the reference's
checks (ValueError for patches that do not tile the image, or a wrong gradient shape)."""
from transpile.emit import cpp
from transpile.emit.registry import LoweringError, register_lowering
from transpile.tensor.nnet.neighbours import MODES, Images2Neibs, Images2NeibsGrad


def _geometry(lc, node, x, who):
    op = node.op
    for var in node.inputs + node.outputs:
        if var.dtype.startswith("complex"):
            raise LoweringError(f"{op}: patches of complex values ({var}) are not lowered")
    lc.use_runtime("neighbours")
    (r, c), (sr, sc) = op.neib_shape, op.neib_step
    lc.emit("NeibGeom g_;",
            f"TR_CHECK(neib_geometry(ctx, {who}, {cpp.string_literal(repr(op.mode))}, g_, {x.name}.shape, "
            f"{MODES.index(op.mode)}, {r}, {c}, {sr}, {sc}));",
            f"const int64_t patches_[2] = {{g_.planes * g_.gr * g_.gc, {r * c}}};")


@register_lowering(Images2Neibs)
def lower_images2neibs(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    _geometry(lc, node, X, cpp.string_literal("images2neibs"))
    O = lc.alloc(out, "patches_")
    lc.emit(f"images2neibs({X.name}, {O.name}, g_);")


@register_lowering(Images2NeibsGrad)
def lower_images2neibs_grad(lc, node):
    """Accumulated in the output's dtype (gz's values converted first), like the reference's add.at."""
    (gz, x), (out,) = node.inputs, node.outputs
    G, X = lc.buffer(gz), lc.buffer(x)
    _geometry(lc, node, X, lc.label())
    lc.emit(f"if (!std::equal({G.name}.shape, {G.name}.shape + 2, patches_)) "
            + lc.fail("value", "%s: the patches gradient has shape %s, expected %s for images of shape %s", lc.label(),
                      f"tr::shape_text({G.name}.shape, 2).text", "tr::shape_text(patches_, 2).text",
                      f"tr::shape_text({X.name}.shape, 4).text"))
    O = lc.alloc(out, f"{X.name}.shape")
    lc.emit(f"images2neibs_grad({G.name}, {O.name}, g_);")
