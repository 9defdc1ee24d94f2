// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_FAST_CALL_HPP
#define CTYPES_DETAIL_DYNAMIC_FAST_CALL_HPP

// The fast path: calls whose arguments all travel in registers, made without libffi.
//
// x86-64 System V: the integer registers (rdi, rsi, rdx, rcx, r8, r9) and the vector registers
// (xmm0-xmm7) are handed out independently, each in parameter order, so calling any such
// function through one pointer type taking six integers and eight doubles puts every argument
// where the callee reads it: its integers and pointers in order in the integer registers, its
// floats and doubles in order in the vector registers (a float in the low 32 bits), the unused
// registers ignored.
//
// Windows x64: the first four parameters take the four positions by their place in the list,
// each either an integer register (rcx, rdx, r8, r9) or the vector register of the same place
// (xmm0-xmm3), whatever the others are. A signature of at most four parameters is called
// through the one of sixteen pointer types (a 64-bit integer or a double at each of the four
// places) whose places in vector registers are the signature's: each argument is where the
// callee reads it, and the registers of unused places are ignored (the caller's 32-byte home
// area is there whatever the count).
//
// On both, integer results come back in rax and float and double ones in xmm0; narrow integers
// are passed sign- or zero-extended to 64 bits, which is what GCC and Clang callees may assume.
// AArch64 is not tested here and uses libffi. Sources: the System V AMD64 psABI, section 3.2.3;
// MSDN, "x64 calling convention" (parameter passing, return values).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "c_type.hpp"

#if defined(__x86_64__) && !defined(_WIN32) && !defined(__CYGWIN__)
#define CTYPES_DETAIL_FAST_CALL 1
#define CTYPES_DETAIL_FAST_CALL_WIN64 0
#elif (defined(__x86_64__) || defined(_M_X64)) && defined(_WIN64) && !defined(_M_ARM64EC)
#define CTYPES_DETAIL_FAST_CALL 1
#define CTYPES_DETAIL_FAST_CALL_WIN64 1
#else
#define CTYPES_DETAIL_FAST_CALL 0
#define CTYPES_DETAIL_FAST_CALL_WIN64 0
#endif

namespace ctypes::detail::dynamic {

enum class reg_class : unsigned char { none, integer, sse_float, sse_double };

#if CTYPES_DETAIL_FAST_CALL_WIN64
// The register image of a fast-path call: one 64-bit word per place (an integer's image, a
// double's bits, or a float's in the low half), for the place's integer or vector register.
inline constexpr std::size_t fast_register_count = 4;
#else
// The register image of a fast-path call: the six integer registers, then the eight vector
// registers (a double's bits, or a float's in the low half).
inline constexpr std::size_t fast_integer_registers = 6;
inline constexpr std::size_t fast_vector_registers = 8;
inline constexpr std::size_t fast_register_count = fast_integer_registers + fast_vector_registers;
#endif

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
// pointer, float or double within the registers, the result one of those or void.
inline bool fast_call_suits(const c_type &fn) noexcept {
#if CTYPES_DETAIL_FAST_CALL
    if (fn.variadic)
        return false;
#if CTYPES_DETAIL_FAST_CALL_WIN64
    if (fn.params.size() > fast_register_count) // one place each
        return false;
    for (const type_ptr &p : fn.params)
        if (class_of(*p) == reg_class::none)
            return false;
#else
    std::size_t ints = 0, vectors = 0;
    for (const type_ptr &p : fn.params) {
        const reg_class c = class_of(*p);
        if (c == reg_class::none)
            return false;
        if (c == reg_class::integer ? ++ints > fast_integer_registers
                                    : ++vectors > fast_vector_registers)
            return false;
    }
#endif
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

// Each parameter's index into the register image, in parameter order (call_plan.hpp's
// param_plan::reg); only meaningful when fast_call_suits(fn).
inline unsigned char fast_register_of(const c_type &fn, std::size_t k) noexcept {
#if CTYPES_DETAIL_FAST_CALL_WIN64
    (void)fn;
    return static_cast<unsigned char>(k);
#else
    std::size_t ints = 0, vectors = 0;
    for (std::size_t j = 0; j < k; ++j)
        (class_of(*fn.params[j]) == reg_class::integer ? ints : vectors) += 1;
    return static_cast<unsigned char>(
        class_of(*fn.params[k]) == reg_class::integer ? ints : fast_integer_registers + vectors);
#endif
}

// What of the vector registers a fast-path call of `fn` loads, only meaningful when
// fast_call_suits(fn): on System V their count, 0, 2 or 8 (the call shapes of
// fast_call_image); on Windows x64 the mask of the places in vector registers (bit k for
// parameter k).
inline unsigned char fast_vectors_of(const c_type &fn) noexcept {
    std::size_t vectors = 0;
#if CTYPES_DETAIL_FAST_CALL_WIN64
    for (std::size_t k = 0; k < fn.params.size(); ++k)
        vectors |= class_of(*fn.params[k]) == reg_class::integer ? 0U : 1U << k;
    return static_cast<unsigned char>(vectors);
#else
    for (const type_ptr &p : fn.params)
        vectors += class_of(*p) == reg_class::integer ? 0 : 1;
    return static_cast<unsigned char>(vectors == 0 ? 0 : vectors <= 2 ? 2 : 8);
#endif
}

// Zeroes what a call of fast_vectors_of's `vectors` reads of a register image.
inline void clear_image(std::uint64_t (&regs)[fast_register_count], unsigned vectors) noexcept {
#if CTYPES_DETAIL_FAST_CALL_WIN64
    (void)vectors;
    for (std::uint64_t &r : regs)
        r = 0;
#else
    for (std::size_t r = 0; r < fast_integer_registers; ++r)
        regs[r] = 0;
    if (vectors != 0)
        for (std::size_t r = fast_integer_registers; r < fast_register_count; ++r)
            regs[r] = 0;
#endif
}

#if CTYPES_DETAIL_FAST_CALL_WIN64
// Windows x64: the type of place I of the pointer type for `Mask` (bit I set: a vector
// register), and the argument for it, read from the image.
template <unsigned Mask, std::size_t I>
using place_t = std::conditional_t<((Mask >> I) & 1U) != 0, double, std::uint64_t>;

template <unsigned Mask, std::size_t I>
place_t<Mask, I> place(const std::uint64_t (&regs)[fast_register_count]) noexcept {
    if constexpr (((Mask >> I) & 1U) != 0) {
        double d;
        std::memcpy(&d, &regs[I], sizeof d);
        return d;
    } else {
        return regs[I];
    }
}

template <class R, unsigned Mask>
R call_places(void *fn, const std::uint64_t (&regs)[fast_register_count]) noexcept {
    using P = R (*)(place_t<Mask, 0>, place_t<Mask, 1>, place_t<Mask, 2>, place_t<Mask, 3>);
    return reinterpret_cast<P>(fn)(place<Mask, 0>(regs), place<Mask, 1>(regs), place<Mask, 2>(regs),
                                   place<Mask, 3>(regs));
}

// The call through the pointer type whose vector places are `mask`'s.
template <class R, unsigned... Mask>
R call_by_mask(void *fn, const std::uint64_t (&regs)[fast_register_count], unsigned mask,
               std::integer_sequence<unsigned, Mask...>) noexcept {
    using call_t = R (*)(void *, const std::uint64_t(&)[fast_register_count]) noexcept;
    static constexpr call_t calls[] = {&call_places<R, Mask>...};
    return calls[mask & 15U](fn, regs);
}
#endif

#if CTYPES_DETAIL_FAST_CALL
// Calls with the registers loaded from `regs` (on System V the six integer ones and the first
// `vectors` vector ones, which is all that is read of `regs`; on Windows x64 the four places,
// `vectors` their mask); returns rax, or xmm0's low 64 bits when `vector_result`. A callee
// ignores the registers it has no parameter for.
inline std::uint64_t fast_call_image(void *fn, const std::uint64_t (&regs)[fast_register_count],
                                     unsigned vectors, bool vector_result) noexcept {
    using u64 = std::uint64_t;
#if CTYPES_DETAIL_FAST_CALL_WIN64
    const auto call = [&](auto shape) {
        return call_by_mask<decltype(shape)>(fn, regs, vectors,
                                             std::make_integer_sequence<unsigned, 16>{});
    };
#else
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
#endif
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
// or xmm0 (4 or 8 bytes) to `result`. `vectors`: fast_vectors_of(type), prepared once.
inline void fast_call(void *fn, const c_type &type, unsigned vectors, void *const *args,
                      void *result) noexcept {
    std::uint64_t regs[fast_register_count] = {};
#if !CTYPES_DETAIL_FAST_CALL_WIN64
    std::size_t ni = 0, nd = fast_integer_registers; // fast_register_of, counted as it goes
#endif
    for (std::size_t k = 0; k < type.params.size(); ++k) {
        const c_type &p = *type.params[k];
#if CTYPES_DETAIL_FAST_CALL_WIN64
        std::uint64_t &r = regs[k];
#else
        std::uint64_t &r = regs[class_of(p) == reg_class::integer ? ni++ : nd++];
#endif
        if (p.kind == c_kind::float_type)
            std::memcpy(&r, args[k], 4);
        else if (p.kind == c_kind::double_type)
            std::memcpy(&r, args[k], 8);
        else
            r = widen(p, args[k]);
    }
    const reg_class r = class_of(*type.target);
    const bool vector = r == reg_class::sse_float || r == reg_class::sse_double;
    const std::uint64_t v = fast_call_image(fn, regs, vectors, vector);
    if (type.target->kind != c_kind::void_type)
        std::memcpy(result, &v, r == reg_class::sse_float ? 4 : 8);
}
#endif

} // namespace ctypes::detail::dynamic

#endif
