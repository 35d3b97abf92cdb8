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
