"""Basic indexing (`Subtensor`: ints, slices with constant or symbolic bounds, newaxis) as a
view: each entry moves the start pointer and sets one output dim's length and stride, with
Python's slice rules, ValueError for a zero step and IndexError for an integer out of range.

`basic_region` is shared with `IncSubtensor` (subtensor_inc.py), which writes into the region."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.index_common import int_format
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.subtensor_key import SliceEntry, Sym


def bind_symbols(idx_list, index_vars):
    """Each entry with its symbolic parts replaced by the node inputs they stand for."""
    values = iter(index_vars)

    def fill(p):
        return next(values) if isinstance(p, Sym) else p

    out = []
    for e in idx_list:
        if isinstance(e, SliceEntry):
            out.append(SliceEntry(fill(e.start), fill(e.stop), fill(e.step)))
        else:
            out.append(fill(e))
    return out


def index_position(lc, target, ndim, d, value, name):
    """Lines: `name` = the position of index `value` (an int or a 0-d variable) on dim `d` of
    the array `target`, or IndexError naming the index and the shape."""
    length = f"{target}.shape[{d}]"
    expr, dtype = (f"int64_t({value})", "int64") if isinstance(value, int) else (lc.scalar(value), value.dtype)
    fmt, cast = int_format(dtype)
    return [f"int64_t {name};",
            f"if (!ix::position({expr}, {length}, &{name})) "
            + lc.fail("index", f"index {fmt} is out of bounds for dim {d} with length %lld (indexing an array of "
                      "shape %s)", f"{cast}({expr})", f"(long long){length}", f"tr::shape_text({target}.shape, {ndim}).text")]


def slice_dim(lc, target, d, entry, k):
    """Lines computing slice `entry` on dim `d` of `target`: locals first{k}_, len{k}_, step{k}_."""
    def part(p):
        if p is None:
            return "false", "0"
        if isinstance(p, int):
            return "true", f"int64_t({p})"
        return "true", f"ix::clip({lc.scalar(p)})"
    (hs, s), (he, e), (_, st) = part(entry.start), part(entry.stop), part(entry.step)
    if entry.step is None:
        st = "1"
    return [f"int64_t first{k}_, len{k}_, step{k}_;",
            f"if (!ix::slice({target}.shape[{d}], {hs}, {s}, {he}, {e}, {st}, &first{k}_, &len{k}_, &step{k}_)) "
            + lc.fail("value", "slice step cannot be zero")]


def basic_region(lc, target, ndim, idx_list, index_vars):
    """Emit the lines locating `target[idx_list]` (basic entries) in `target`'s memory: integer
    indices are checked first (IndexError), then slices (ValueError for a zero step). Returns
    (shape, strides) of the region as C++ expressions per dim; its start is `target.data +
    offset_`."""
    lc.use_runtime("index")
    entries = bind_symbols(idx_list, index_vars)
    lc.emit("int64_t offset_ = 0;")
    d = 0
    for k, e in enumerate(entries):
        if e is not None and not isinstance(e, SliceEntry):
            lc.emit(*index_position(lc, target, ndim, d, e, f"pos{k}_"), f"offset_ += pos{k}_ * {target}.strides[{d}];")
        d += 0 if e is None else 1
    shape, strides, d = [], [], 0
    for k, e in enumerate(entries):
        if e is None:
            shape.append("1")
            strides.append("0")
            continue
        if isinstance(e, SliceEntry):
            if all(p is None for p in e):
                shape.append(f"{target}.shape[{d}]")
                strides.append(f"{target}.strides[{d}]")
            else:
                lc.emit(*slice_dim(lc, target, d, e, k), f"offset_ += first{k}_ * {target}.strides[{d}];")
                shape.append(f"len{k}_")
                strides.append(f"step{k}_ * {target}.strides[{d}]")
        d += 1
    shape += [f"{target}.shape[{r}]" for r in range(d, ndim)]
    strides += [f"{target}.strides[{r}]" for r in range(d, ndim)]
    return shape, strides


@register_lowering(Subtensor)
def lower_subtensor(lc, node):
    x, out = node.inputs[0], node.outputs[0]
    shape, strides = basic_region(lc, lc.name(x), x.ndim, node.op.idx_list, node.inputs[1:])
    strides = ["0" if b else s for s, b in zip(strides, out.broadcastable)]
    lc.view(out, x, shape, strides, offset="offset_")
