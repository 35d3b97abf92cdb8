// Defined integer arithmetic of transpile's generated code, on the host and (compiled by nvcc,
// where TR_HD is __host__ __device__) on a GPU: included into the `tr` namespace of the runtime
// header by transpile/templates/runtime.h.j2 and by the CUDA printer's kernels.
// -- defined integer arithmetic ----------------------------------------------------------------
// Signed overflow is undefined behaviour in C++ (and so is uint16 * uint16, promoted to int);
// numpy wraps. Integer + - * and negation compute in an unsigned type of at least the same width
// (arithmetic modulo 2^n) and convert back (modular since C++20, and in every compiler before).
// Other types (bool, floats, complex) compute as written.
template <class T>
using wrap_unsigned_t = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <class T>
TR_HD inline T wrap_add(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return static_cast<T>(wrap_unsigned_t<T>(a) + wrap_unsigned_t<T>(b));
    } else {
        return a + b;
    }
}
template <class T>
TR_HD inline T wrap_sub(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return static_cast<T>(wrap_unsigned_t<T>(a) - wrap_unsigned_t<T>(b));
    } else {
        return a - b;
    }
}
template <class T>
TR_HD inline T wrap_mul(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return static_cast<T>(wrap_unsigned_t<T>(a) * wrap_unsigned_t<T>(b));
    } else {
        return a * b;
    }
}
template <class T>
TR_HD inline T wrap_neg(T a) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return static_cast<T>(wrap_unsigned_t<T>(0) - wrap_unsigned_t<T>(a));
    } else {
        return -a;
    }
}

// Integer power by squaring (wrapping). A negative exponent is an error in numpy ("Integers to
// negative integer powers are not allowed"): it sets `bad` (checked by the node after its loop)
// and gives 0.
template <class T, class Flag>
TR_HD inline T int_pow(T b, T e, Flag& bad) {
    if constexpr (std::is_signed_v<T>) {
        if (e < 0) {
            bad = 1;  // a std::atomic<int> on the host (several threads may set it), an int on a GPU
            return T(0);
        }
    }
    uint64_t r = 1, p = static_cast<uint64_t>(b), n = static_cast<uint64_t>(e);
    while (n > 0) {
        if (n & 1) r *= p;
        p *= p;
        n >>= 1;
    }
    return static_cast<T>(r);
}

// Float to integer conversion without undefined behaviour, with the results numpy gives on x86
// (the truncating cvtt* instructions): NaN and values outside the 32-bit (64-bit) range become
// INT32_MIN (INT64_MIN); narrower types take the low bits of the 32-bit result; unsigned 32/64-bit
// types convert values >= 2^31 (2^63) with the offset trick compilers use.
template <class F>
TR_HD inline int32_t trunc_i32(F x) {
    return (x >= F(-2147483648.0) && x < F(2147483648.0)) ? static_cast<int32_t>(x) : std::numeric_limits<int32_t>::min();
}
template <class F>
TR_HD inline int64_t trunc_i64(F x) {
    return (x >= F(-9223372036854775808.0) && x < F(9223372036854775808.0)) ? static_cast<int64_t>(x)
                                                                           : std::numeric_limits<int64_t>::min();
}
template <class T, class F>
TR_HD inline T float_to_int(F x) {
    if constexpr (std::is_same_v<T, int64_t>) {
        return trunc_i64(x);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        return x >= F(9223372036854775808.0) ? uint64_t(trunc_i64(x - F(9223372036854775808.0))) ^ (uint64_t(1) << 63)
                                             : uint64_t(trunc_i64(x));
    } else if constexpr (std::is_same_v<T, uint32_t>) {
        return x >= F(2147483648.0) ? uint32_t(trunc_i32(x - F(2147483648.0))) ^ (uint32_t(1) << 31) : uint32_t(trunc_i32(x));
    } else {
        return static_cast<T>(trunc_i32(x));
    }
}

// static_cast<T>(v), except float to integer: tr::float_to_int (copies converting dtypes use it).
template <class T, class S>
TR_HD inline T convert(S v) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_floating_point_v<S>) {
        return float_to_int<T>(v);
    } else {
        return static_cast<T>(v);
    }
}
