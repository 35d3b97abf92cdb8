// transpile_complex_order.h: `ix::Order` of complex values for Argmax / Argmin
// (emit/cpp/rules/stats.py): real part first, then imaginary part, like numpy.
// Copied into generated projects from transpile/templates/runtime/complex_order.h; do not edit.
#pragma once
#include <complex>

#include "transpile_runtime.h"
#include "transpile_argmax.h"

namespace ix {

template <class R>
struct Order<std::complex<R>> {
    static bool nan(std::complex<R> v) { return v != v; }
    static bool better(bool max, std::complex<R> v, std::complex<R> b) {
        return max ? (v.real() > b.real() || (v.real() == b.real() && v.imag() > b.imag()))
                   : (v.real() < b.real() || (v.real() == b.real() && v.imag() < b.imag()));
    }
};

}  // namespace ix
