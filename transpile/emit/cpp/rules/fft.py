"""Theano's FFT ops (`RFFTOp`, `IRFFTOp`): the transforms of templates/runtime/fft.h, after the
shape checks their numpy forms make."""
from transpile.emit.registry import register_lowering
from transpile.tensor.fft import IRFFTOp, RFFTOp


@register_lowering(RFFTOp)
def lower_rfft(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    lc.use_runtime("fft")
    X = lc.buffer(x)
    n = x.ndim
    lc.emit(f"int64_t spectrum_[{n + 1}];",
            f"for (int d = 0; d < {n}; ++d) spectrum_[d] = {X.name}.shape[d];",
            f"spectrum_[{n - 1}] = {X.name}.shape[{n - 1}] / 2 + 1;",
            f"spectrum_[{n}] = 2;")
    Z = lc.alloc(out, "spectrum_")
    lc.emit(f"TR_CHECK(tr_fft::rfft(ctx, {X.name}, {Z.name}));")


@register_lowering(IRFFTOp)
def lower_irfft(lc, node):
    (z, s), (out,) = node.inputs, node.outputs
    lc.use_runtime("fft")
    Z, S = lc.buffer(z), lc.name(s)
    n = out.ndim
    lc.emit(f"int64_t signal_[{n}];",
            f"signal_[0] = {Z.name}.shape[0];",
            f"bool fits_ = {S}.shape[0] == {n - 1} && {Z.name}.shape[{n}] == 2;",
            f"for (int d = 1; fits_ && d < {n}; ++d) signal_[d] = int64_t({S}.data[(d - 1) * {S}.strides[0]]);",
            f"for (int d = 1; fits_ && d < {n - 1}; ++d) fits_ = signal_[d] == {Z.name}.shape[d];",
            f"fits_ = fits_ && signal_[{n - 1}] >= 0 && {Z.name}.shape[{n - 1}] == signal_[{n - 1}] / 2 + 1;",
            "if (!fits_) "
            + lc.fail("value", "irfft_op: lengths do not fit a half spectrum of shape %s",
                      f"tr::shape_text({Z.name}.shape, {n + 1}).text"))
    X = lc.alloc(out, "signal_")
    lc.emit(f"TR_CHECK(tr_fft::irfft(ctx, {Z.name}, {X.name}));")
