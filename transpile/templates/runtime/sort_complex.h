// transpile_sort_complex.h: numpy's order of complex numbers for sort.h (real parts first, then
// imaginary parts, NaN last in each).
// Copied into generated projects from transpile/templates/runtime/sort_complex.h (emit/cpp/rules/sort.py, unique.py); do not edit.
#pragma once
#include <complex>

#include "transpile_runtime.h"
#include "transpile_sort.h"

namespace xs {

template <class R>
struct Order<std::complex<R>> {
    static bool less(std::complex<R> a, std::complex<R> b) {
        if (Order<R>::less(a.real(), b.real())) return true;
        if (Order<R>::less(b.real(), a.real())) return false;
        return Order<R>::less(a.imag(), b.imag());
    }
};

}  // namespace xs
