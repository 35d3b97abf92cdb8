// sort_complex.h: numpy's order of complex numbers for sort.h (real parts first, then
// imaginary parts, NaN last in each).
#ifndef TRANSPILE_RUNTIME_SORT_COMPLEX_H
#define TRANSPILE_RUNTIME_SORT_COMPLEX_H

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

#endif  // TRANSPILE_RUNTIME_SORT_COMPLEX_H
