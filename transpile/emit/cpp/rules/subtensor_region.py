"""Locating an advanced-index region `x[key]` (numpy's rules) in an array's memory, for the
gathers (subtensor_advanced.py) and scatters (subtensor_inc.py).

The key's entries are basic (slices, newaxis: a length and a stride each) or fancy (integer
arrays, ints, boolean masks as the positions of their true elements). The fancy entries
broadcast together into `nd` dims that numpy puts where the first one was when they are
consecutive, else in front. All of them become one *table* dim: B (the broadcast size)
offsets into x, built once. The region is then a walk (`ix::walk`) over the basic dims and
the table dim, in the result's C order.

Checks follow numpy: integer scalars are always range-checked, index arrays only when the
broadcast is not empty; a mask must have the shape of the dims it covers; everything
IndexError, except a zero slice step (ValueError)."""
from dataclasses import dataclass, field

from transpile.emit.cpp.rules.index_common import int_format
from transpile.emit.cpp.rules.subtensor import bind_symbols, index_position, slice_dim
from transpile.graph.basic import Variable
from transpile.tensor.subtensor_key import SliceEntry, dims_consumed, fancy_layout


@dataclass
class Region:
    target: str                  # the array indexed (x, or the output being written)
    ndim: int                    # its rank
    order: list = field(default_factory=list)   # region dims: ("basic", length, stride) or ("table",)
    nd: int = 0                  # broadcast index dims the table stands for
    fancy: list = field(default_factory=list)   # (kind, entry position, x dim, array or None)
    xtab: str = None
    ytab: str = None

    @property
    def rank(self):
        """Rank of the region (the gather's output)."""
        return len(self.order) - 1 + self.nd

    @property
    def table_at(self):
        """Position of the first broadcast dim among the region's dims."""
        return [o[0] for o in self.order].index("table")

    def shape(self):
        """C++ lengths of the region's dims."""
        out = []
        for o in self.order:
            out += [f"bshape_[{j}]" for j in range(self.nd)] if o[0] == "table" else [o[1]]
        return out


def locate(lc, target, ndim, idx_list, index_vars):
    """Emit the checks and shapes of `target[idx_list]`; returns its `Region` (the table itself
    comes from `build_table`). Locals: offset_ (scalars and slice starts), bshape_, bsize_."""
    lc.use_runtime("index")
    entries = bind_symbols(idx_list, index_vars)
    entries += [SliceEntry()] * (ndim - sum(dims_consumed(e) for e in idx_list))
    region = Region(target, ndim)
    lc.emit("int64_t offset_ = 0;")
    dims = []
    d = 0
    for k, e in enumerate(entries):
        dims.append(d)
        if isinstance(e, int) or (isinstance(e, Variable) and e.ndim == 0):
            lc.emit(*index_position(lc, target, ndim, d, e, f"pos{k}_"), f"offset_ += pos{k}_ * {target}.strides[{d}];")
            region.fancy.append(("scalar", k, d, None))
        elif isinstance(e, Variable):
            region.fancy.append(("mask" if e.dtype == "bool" else "array", k, d, e))
        d += 0 if e is None else (e.ndim if isinstance(e, Variable) and e.dtype == "bool" else 1)
    basic = []
    for k, e in enumerate(entries):
        if e is None:
            basic.append((k, "1", "0"))
        elif isinstance(e, SliceEntry):
            d = dims[k]
            if all(p is None for p in e):
                basic.append((k, f"{target}.shape[{d}]", f"{target}.strides[{d}]"))
            else:
                lc.emit(*slice_dim(lc, target, d, e, k), f"offset_ += first{k}_ * {target}.strides[{d}];")
                basic.append((k, f"len{k}_", f"step{k}_ * {target}.strides[{d}]"))
    for kind, k, d, var in region.fancy:
        if kind == "mask":
            _count_mask(lc, target, ndim, k, d, var)
    _broadcast(lc, region)
    pos, consecutive = fancy_layout(idx_list)
    first = pos[0] if consecutive else -1
    region.order = [("basic", n, s) for k, n, s in basic if k < first] + [("table",)] + \
                   [("basic", n, s) for k, n, s in basic if k >= first]
    return region


def _count_mask(lc, target, ndim, k, d, var):
    """Shape check and count of mask `var` on dims d.. of `target`: locals cnt{k}_, mshape{k}_."""
    m = lc.name(var)
    for j in range(var.ndim):
        lc.emit(f"if ({m}.shape[{j}] != {target}.shape[{d + j}]) "
                + lc.fail("index", f"boolean index did not match indexed array along dim {d + j}; size of dim is %lld "
                          "but size of corresponding boolean dim is %lld (indexing an array of shape %s)",
                          f"(long long){target}.shape[{d + j}]", f"(long long){m}.shape[{j}]",
                          f"tr::shape_text({target}.shape, {ndim}).text"))
    lc.emit(f"int64_t cnt{k}_ = 0;")
    lc.emit(*_mask_loops(m, var.ndim, f"++cnt{k}_;"))
    lc.emit(f"const int64_t mshape{k}_[1] = {{cnt{k}_}};")


def _mask_loops(m, n, action):
    """Nested loops over mask `m` (n dims, C order) running `action` at its true elements
    (a0.. are the coordinates)."""
    lines = [("  " * j) + f"for (int64_t a{j} = 0; a{j} < {m}.shape[{j}]; ++a{j})" for j in range(n)]
    at = " + ".join(f"a{j} * {m}.strides[{j}]" for j in range(n))
    lines.append("  " * n + f"if ({m}.data[{at}]) {{ {action} }}")
    return ["{", *["  " + line for line in lines], "}"]


def _fancy_shape(lc, kind, k, var):
    """(rank, C++ shape pointer) of one fancy entry in the broadcast."""
    if kind == "scalar":
        return 0, "nullptr"
    if kind == "mask":
        return 1, f"mshape{k}_"
    return var.ndim, f"{lc.name(var)}.shape"


def _broadcast(lc, region):
    """bshape_ (numpy broadcasting of the fancy entries, IndexError on a mismatch), bsize_."""
    shapes = [_fancy_shape(lc, kind, k, var) for kind, k, _, var in region.fancy]
    nd = region.nd = max(r for r, _ in shapes)
    texts = [f"tr::shape_text({s}, {r}).text" for r, s in shapes]
    target = f"tr::shape_text({region.target}.shape, {region.ndim}).text"
    lc.emit(f"int64_t bshape_[{nd}] = {{{', '.join(['1'] * nd)}}};")
    for r, s in shapes:
        for j in range(r):
            b = nd - r + j
            lc.emit(f"if ({s}[{j}] != 1) {{",
                    f"  if (bshape_[{b}] == 1) bshape_[{b}] = {s}[{j}];",
                    f"  else if (bshape_[{b}] != {s}[{j}]) "
                    + lc.fail("index", "shape mismatch: indexing arrays could not be broadcast together with shapes "
                              + " ".join(["%s"] * len(texts)) + " (indexing an array of shape %s)", *texts, target),
                    "}")
    lc.emit(f"const int64_t bsize_[1] = {{tr::numel(bshape_, {nd})}};")


def build_table(lc, region, y_strides=None):
    """Emit the table: xtab (offsets into the target; the index arrays' range checks) and,
    when `y_strides` (C++ strides of the other side per broadcast dim) has a non-zero entry,
    ytab. Masks first get their true positions' offsets. The tables are host memory in every
    target: the host writes and walks them (the CUDA rules copy only the walk's result)."""
    target, nd = region.target, region.nd
    for i, (kind, k, d, var) in enumerate(region.fancy):
        if kind == "mask":
            m = lc.name(var)
            tmp = lc.temp("int64", (False,), f"mshape{k}_", "mask", space="host")
            at = " + ".join(f"a{j} * {target}.strides[{d + j}]" for j in range(var.ndim))
            lc.emit("{", f"  int64_t c_ = 0;", *["  " + line for line in
                                                  _mask_loops(m, var.ndim, f"{tmp.name}.data[c_++] = {at};")], "}")
            region.fancy[i] = ("mask", k, d, tmp.name)
    xtab = lc.temp("int64", (False,), "bsize_", "xtab", space="host")
    region.xtab = f"{xtab.name}.data"
    need_y = y_strides is not None and any(s != "0" for s in y_strides)
    if need_y:
        ytab = lc.temp("int64", (False,), "bsize_", "ytab", space="host")
        region.ytab = f"{ytab.name}.data"
    lines = ["int64_t b_ = 0;"]
    for kind, k, d, var in region.fancy:
        if kind == "array":
            a = lc.name(var)
            lines.append(f"const int64_t es{k}_[{var.ndim}] = {{"
                         + ", ".join(f"{a}.shape[{j}] == 1 ? 0 : {a}.strides[{j}]" for j in range(var.ndim)) + "};")
    loops = [("  " * j) + f"for (int64_t b{j} = 0; b{j} < bshape_[{j}]; ++b{j}) {{" for j in range(nd)]
    body = ["int64_t o_ = 0;"]
    for kind, k, d, var in region.fancy:
        if kind == "array":
            a = lc.name(var)
            at = " + ".join(f"b{nd - var.ndim + j} * es{k}_[{j}]" for j in range(var.ndim))
            fmt, cast = int_format(var.dtype)
            body += [f"const auto v{k}_ = {a}.data[{at}];",
                     f"int64_t p{k}_;",
                     f"if (!ix::position(v{k}_, {target}.shape[{d}], &p{k}_)) "
                     + lc.fail("index", f"index {fmt} is out of bounds for dim {d} with length %lld (indexing an array "
                               "of shape %s)", f"{cast}v{k}_", f"(long long){target}.shape[{d}]",
                               f"tr::shape_text({target}.shape, {region.ndim}).text"),
                     f"o_ += p{k}_ * {target}.strides[{d}];"]
        elif kind == "mask":
            body.append(f"o_ += {var}.data[b{nd - 1}];")
    body.append(f"{region.xtab}[b_] = o_;")
    if need_y:
        body.append(f"{region.ytab}[b_] = " + " + ".join(f"b{j} * ({s})" for j, s in enumerate(y_strides)) + ";")
    body.append("++b_;")
    pad = "  " * nd
    lines += loops + [pad + line for line in body] + [("  " * j) + "}" for j in reversed(range(nd))]
    lc.emit("{", *["  " + line for line in lines], "}")


def dims_array(lc, region, y_basic, y_table):
    """Emit `dims_`, the region's `ix::Dim`s: `y_basic` are the other side's strides for the
    basic dims (in region order), `y_table` its stride along the table when there is no ytab."""
    rows, yb = [], iter(y_basic)
    for o in region.order:
        if o[0] == "table":
            yt = region.ytab or "nullptr"
            rows.append(f"{{bsize_[0], 0, {y_table if region.ytab is None else '0'}, {region.xtab}, {yt}}}")
        else:
            rows.append(f"{{{o[1]}, {o[2]}, {next(yb)}, nullptr, nullptr}}")
    lc.emit(f"const ix::Dim dims_[{len(rows)}] = {{{', '.join(rows)}}};")
    return len(rows)
