"""Advanced indexing as a gather: `AdvancedSubtensor1` (`x[ivec]`, rows) and `AdvancedSubtensor`
(integer arrays broadcast together, mixed with slices, ints and newaxis; boolean masks). The
region is located by subtensor_region.py; each element of the C-contiguous output is read
from x through the region's walk, split across threads along the region's first dim."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.subtensor_region import build_table, dims_array, locate
from transpile.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1
from transpile.tensor.subtensor_key import Sym


def rows_key(ilist):
    """The index list of `x[ilist]` (one integer vector on the first dim)."""
    return (Sym(ilist.dtype, 1),)


def gather_walk(lc, src, out, idx_list, index_vars):
    """Emit the region of `src[key]` (a buffer), the allocation of `out` and `dims_`, the walk
    of the region in the output's C order; returns (the output's buffer, the walk's rank). The
    walk reads shapes, strides and host indices only: the CUDA rule walks it on the host too."""
    region = locate(lc, src.name, src.ndim, idx_list, index_vars)
    build_table(lc, region)
    n = region.rank
    lc.emit(f"const int64_t shape_[{n}] = {{{', '.join(region.shape())}}};")
    dst = lc.alloc(out, "shape_")
    y_basic, p = [], 0
    for o in region.order:
        if o[0] == "table":
            p += region.nd
        else:
            y_basic.append(f"{dst.name}.strides[{p}]")
            p += 1
    y_table = f"{dst.name}.strides[{region.table_at + region.nd - 1}]"
    return dst, dims_array(lc, region, y_basic, y_table)


def gather(lc, x, out, idx_list, index_vars):
    src = lc.buffer(x)
    dst, rank = gather_walk(lc, src, out, idx_list, index_vars)
    lc.emit(f"const {src.ctype}* const xs_ = {src.name}.data + offset_;",
            f"{dst.ctype}* const os_ = {dst.name}.data;",
            f"tr::parallel_for(dims_[0].n, tr::numel({dst.name}), [&](int64_t lo_, int64_t hi_) TR_NOINLINE {{",
            f"  ix::walk(dims_, {rank}, lo_, hi_, [&](int64_t xo_, int64_t yo_) {{ os_[yo_] = xs_[xo_]; }});",
            "});")


@register_lowering(AdvancedSubtensor1)
def lower_advanced_subtensor1(lc, node):
    x, ilist = node.inputs
    gather(lc, x, node.outputs[0], rows_key(ilist), [ilist])


@register_lowering(AdvancedSubtensor)
def lower_advanced_subtensor(lc, node):
    gather(lc, node.inputs[0], node.outputs[0], node.op.idx_list, node.inputs[1:])
