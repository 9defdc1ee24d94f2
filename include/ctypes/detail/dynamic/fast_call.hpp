// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_FAST_CALL_HPP
#define CTYPES_DETAIL_DYNAMIC_FAST_CALL_HPP

// The fast path: calls whose arguments all travel in registers, made without libffi. On x86-64
// System V the integer registers (rdi, rsi, rdx, rcx, r8, r9) and the vector registers
// (xmm0-xmm7) are handed out independently, each in parameter order, so calling any such
// function through one pointer type taking six integers and eight doubles puts every argument
// where the callee reads it: its integers and pointers in order in the integer registers, its
// floats and doubles in order in the vector registers (a float in the low 32 bits), the unused
// registers ignored. Integer results come back in rax, float and double ones in xmm0.
// Narrow integers are passed sign- or zero-extended to 64 bits, which is what GCC and Clang
// callees may assume. Windows x64 assigns registers by position instead and AArch64 is not
// tested here: both use libffi for now.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "c_type.hpp"

#if defined(__x86_64__) && !defined(_WIN32) && !defined(__CYGWIN__)
#define CTYPES_DETAIL_FAST_CALL 1
#else
#define CTYPES_DETAIL_FAST_CALL 0
#endif

namespace ctypes::detail::dynamic {

enum class reg_class : unsigned char { none, integer, sse_float, sse_double };

inline constexpr std::size_t fast_integer_registers = 6;
inline constexpr std::size_t fast_vector_registers = 8;

inline reg_class class_of(const c_type &t) noexcept {
    if (is_integer(t.kind) || t.kind == c_kind::pointer)
        return t.size <= 8 ? reg_class::integer : reg_class::none;
    if (t.kind == c_kind::float_type)
        return reg_class::sse_float;
    if (t.kind == c_kind::double_type)
        return reg_class::sse_double;
    return reg_class::none;
}

// Whether calls of `fn` can take the fast path: not variadic, every parameter an integer,
// pointer, float or double within the register counts, the result one of those or void.
inline bool fast_call_suits(const c_type &fn) noexcept {
#if CTYPES_DETAIL_FAST_CALL
    if (fn.variadic)
        return false;
    std::size_t ints = 0, vectors = 0;
    for (const type_ptr &p : fn.params) {
        const reg_class c = class_of(*p);
        if (c == reg_class::none)
            return false;
        if (c == reg_class::integer ? ++ints > fast_integer_registers
                                    : ++vectors > fast_vector_registers)
            return false;
    }
    return fn.target->kind == c_kind::void_type || class_of(*fn.target) != reg_class::none;
#else
    (void)fn;
    return false;
#endif
}

// The 64-bit register image of an integer or pointer argument stored in its C width.
inline std::uint64_t widen(const c_type &t, const void *p) noexcept {
    switch (t.size) {
    case 1: {
        std::uint8_t v;
        std::memcpy(&v, p, 1);
        return t.is_signed ? static_cast<std::uint64_t>(static_cast<std::int8_t>(v)) : v;
    }
    case 2: {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        return t.is_signed ? static_cast<std::uint64_t>(static_cast<std::int16_t>(v)) : v;
    }
    case 4: {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return t.is_signed ? static_cast<std::uint64_t>(static_cast<std::int32_t>(v)) : v;
    }
    default: {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    }
    }
}

// The register image of a fast-path call: the six integer registers, then the eight vector
// registers (a double's bits, or a float's in the low half). Unused ones stay zero.
inline constexpr std::size_t fast_register_count = fast_integer_registers + fast_vector_registers;

// Each parameter's index into the register image, in parameter order (call_plan.hpp's
// param_plan::reg); only meaningful when fast_call_suits(fn).
inline unsigned char fast_register_of(const c_type &fn, std::size_t k) noexcept {
    std::size_t ints = 0, vectors = 0;
    for (std::size_t j = 0; j < k; ++j)
        (class_of(*fn.params[j]) == reg_class::integer ? ints : vectors) += 1;
    return static_cast<unsigned char>(
        class_of(*fn.params[k]) == reg_class::integer ? ints : fast_integer_registers + vectors);
}

// The vector registers a fast-path call of `fn` loads: 0, 2 or 8 (the call shapes of
// fast_call_image), only meaningful when fast_call_suits(fn).
inline unsigned char fast_vectors_of(const c_type &fn) noexcept {
    std::size_t vectors = 0;
    for (const type_ptr &p : fn.params)
        vectors += class_of(*p) == reg_class::integer ? 0 : 1;
    return static_cast<unsigned char>(vectors == 0 ? 0 : vectors <= 2 ? 2 : 8);
}

#if CTYPES_DETAIL_FAST_CALL
// Calls with the registers loaded from `regs` (the six integer ones, and the first `vectors`
// vector ones, which is all that is read of `regs`); returns rax, or xmm0's low 64 bits when
// `vector_result`. A callee ignores the registers it has no parameter for.
inline std::uint64_t fast_call_image(void *fn, const std::uint64_t (&regs)[fast_register_count],
                                     unsigned vectors, bool vector_result) noexcept {
    using u64 = std::uint64_t;
    const auto call = [&](auto shape) {
        using P = decltype(shape);
        if (vectors == 0)
            return reinterpret_cast<P (*)(u64, u64, u64, u64, u64, u64)>(fn)(
                regs[0], regs[1], regs[2], regs[3], regs[4], regs[5]);
        double d[fast_vector_registers];
        if (vectors == 2) {
            std::memcpy(d, regs + fast_integer_registers, 2 * sizeof(double));
            return reinterpret_cast<P (*)(u64, u64, u64, u64, u64, u64, double, double)>(fn)(
                regs[0], regs[1], regs[2], regs[3], regs[4], regs[5], d[0], d[1]);
        }
        std::memcpy(d, regs + fast_integer_registers, sizeof d);
        return reinterpret_cast<P (*)(u64, u64, u64, u64, u64, u64, double, double, double, double,
                                      double, double, double, double)>(fn)(
            regs[0], regs[1], regs[2], regs[3], regs[4], regs[5], d[0], d[1], d[2], d[3], d[4],
            d[5], d[6], d[7]);
    };
    if (vector_result) {
        const double v = call(0.0);
        std::uint64_t bits;
        std::memcpy(&bits, &v, 8);
        return bits;
    }
    return call(u64{0});
}
#endif

#if CTYPES_DETAIL_FAST_CALL
// The lane's call (call_plan.hpp): each argument already in its register type (a 64-bit
// integer image, a float or a double, in parameter order), called through the pointer type of
// exactly those, which puts them where the callee's parameters of the same classes are read.
// Returns rax, or xmm0's low 64 bits when `vector_result`.
template <class... A>
std::uint64_t lane_registers(void *fn, bool vector_result, A... a) noexcept {
    if (vector_result) {
        const double v = reinterpret_cast<double (*)(A...)>(fn)(a...);
        std::uint64_t bits;
        std::memcpy(&bits, &v, 8);
        return bits;
    }
    return reinterpret_cast<std::uint64_t (*)(A...)>(fn)(a...);
}

// Loads the registers from arguments stored in their C widths and calls; writes rax (8 bytes)
// or xmm0 (4 or 8 bytes) to `result`.
inline void fast_call(void *fn, const c_type &type, void *const *args, void *result) noexcept {
    std::uint64_t regs[fast_register_count] = {};
    std::size_t ni = 0, nd = fast_integer_registers;
    for (std::size_t k = 0; k < type.params.size(); ++k) {
        const c_type &p = *type.params[k];
        if (p.kind == c_kind::float_type)
            std::memcpy(&regs[nd++], args[k], 4);
        else if (p.kind == c_kind::double_type)
            std::memcpy(&regs[nd++], args[k], 8);
        else
            regs[ni++] = widen(p, args[k]);
    }
    const reg_class r = class_of(*type.target);
    const bool vector = r == reg_class::sse_float || r == reg_class::sse_double;
    const std::uint64_t v = fast_call_image(fn, regs, fast_vector_registers, vector);
    if (type.target->kind != c_kind::void_type)
        std::memcpy(result, &v, r == reg_class::sse_float ? 4 : 8);
}
#endif

} // namespace ctypes::detail::dynamic

#endif
