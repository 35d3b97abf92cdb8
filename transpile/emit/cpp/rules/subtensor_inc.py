"""Writing into indexed regions: `IncSubtensor` (basic keys: one elementwise loop over the
region view), `AdvancedIncSubtensor1` and `AdvancedIncSubtensor` (a sequential walk over the
region, so repeated positions accumulate for inc, like np.add.at, and the last write wins for
set). The output is a copy of x, or x itself when the op is in place and x's memory is a
temporary of this program. y broadcasts to the region by Theano's rule (fewer dims align on
the right; only broadcastable dims broadcast): ValueError otherwise, after the index checks."""
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.elemwise import overwritable
from transpile.emit.cpp.rules.subtensor import basic_region
from transpile.emit.cpp.rules.subtensor_advanced import rows_key
from transpile.emit.cpp.rules.subtensor_region import build_table, dims_array, locate
from transpile.tensor.subtensor_inc import AdvancedIncSubtensor, AdvancedIncSubtensor1, IncSubtensor


def start(lc, node):
    """The output buffer: x itself (in place) or a fresh copy of x."""
    x, out = node.inputs[0], node.outputs[0]
    n = x.ndim
    if node.op.inplace and overwritable(lc, x) and not any(x.broadcastable):
        src = lc.name(x)
        return lc.view(out, x, [f"{src}.shape[{d}]" for d in range(n)], [f"{src}.strides[{d}]" for d in range(n)])
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape" if n else "nullptr")
    lc.emit(*lc.copy(dst, src))
    return dst


def y_strides(lc, y, n):
    """y's stride along each of the n region dims (0 where y broadcasts)."""
    name, off = lc.name(y), n - y.ndim
    return ["0" if p < off or y.broadcastable[p - off] else f"{name}.strides[{p - off}]" for p in range(n)]


def check_y(lc, y, shape):
    """ValueError unless y broadcasts to the region of C++ lengths `shape`."""
    n, name = len(shape), lc.name(y)
    if n:
        lc.emit(f"const int64_t rshape_[{n}] = {{{', '.join(shape)}}};")
    for k in range(y.ndim):
        if not y.broadcastable[k]:
            lc.emit(f"if ({name}.shape[{k}] != rshape_[{n - y.ndim + k}]) "
                    + lc.fail("value", f"%s: cannot broadcast y of shape %s to the indexed region of shape %s (dim {k} "
                              "of y differs and is not broadcastable)", lc.label(),
                              f"tr::shape_text({name}.shape, {y.ndim}).text", f"tr::shape_text(rshape_, {n}).text"))


def inc_region(lc, node):
    """The output (see `start`) and the checked region of an `IncSubtensor` in it: (output
    buffer, region lengths, region strides), the region starting at `output.data + offset_`."""
    x, y, *index_vars = node.inputs
    dst = start(lc, node)
    shape, strides = basic_region(lc, dst.name, x.ndim, node.op.idx_list, index_vars)
    check_y(lc, y, shape)
    return dst, shape, strides


@register_lowering(IncSubtensor)
def lower_inc_subtensor(lc, node):
    y = node.inputs[1]
    dst, shape, strides = inc_region(lc, node)
    n = len(shape)
    dims = lambda xs: "{" + ", ".join(xs) + "}"  # noqa: E731
    lc.emit(f"tr::Array<{dst.ctype}, {n}> region_ = {{{dst.name}.data + offset_, {dims(shape)}, {dims(strides)}}};")
    ystr = y_strides(lc, y, n)
    yop = Operand(lc.name(y), dst.ctype, tuple(None if s == "0" else p - (n - y.ndim) for p, s in enumerate(ystr)))
    region = Operand("region_", dst.ctype, tuple(range(n)))
    if node.op.set_instead_of_inc:
        ins, body = [yop], (lambda v: ([], [v[0]]))
    else:
        ins, body = [region, yop], (lambda v: ([], [f"{v[0]} + {v[1]}"]))
    lc.emit(*map_loop([region], ins, body, "region_.shape", n, restrict=False))


def scatter_walk(lc, node, idx_list, index_vars):
    """Emit the output (see `start`), the checked region of `out[key]` in it and `dims_`, the
    walk pairing each region element's offset (from `out.data + offset_`) with y's; returns (the
    output's buffer, the walk's rank). The walk reads shapes, strides and host indices only: the
    CUDA rule walks it on the host too."""
    x, y = node.inputs[:2]
    dst = start(lc, node)
    region = locate(lc, dst.name, x.ndim, idx_list, index_vars)
    n, t, nd = region.rank, region.table_at, region.nd
    ystr = y_strides(lc, y, n)
    build_table(lc, region, ystr[t:t + nd])
    check_y(lc, y, region.shape())
    return dst, dims_array(lc, region, ystr[:t] + ystr[t + nd:], "0")


def scatter(lc, node, idx_list, index_vars):
    y = node.inputs[1]
    dst, rank = scatter_walk(lc, node, idx_list, index_vars)
    ctype = dst.ctype
    write = "xs_[xo_] = ys_[yo_];" if node.op.set_instead_of_inc else \
        f"xs_[xo_] = static_cast<{ctype}>(xs_[xo_] + ys_[yo_]);"
    lc.emit(f"{ctype}* const xs_ = {dst.name}.data + offset_;", f"const {ctype}* const ys_ = {lc.name(y)}.data;",
            f"ix::walk(dims_, {rank}, 0, dims_[0].n, [&](int64_t xo_, int64_t yo_) {{ {write} }});")


@register_lowering(AdvancedIncSubtensor1)
def lower_advanced_inc_subtensor1(lc, node):
    ilist = node.inputs[2]
    scatter(lc, node, rows_key(ilist), [ilist])


@register_lowering(AdvancedIncSubtensor)
def lower_advanced_inc_subtensor(lc, node):
    scatter(lc, node, node.op.idx_list, node.inputs[2:])
