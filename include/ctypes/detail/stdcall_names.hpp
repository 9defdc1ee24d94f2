// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_STDCALL_NAMES_HPP
#define CTYPES_DETAIL_STDCALL_NAMES_HPP

// 32-bit Windows exports stdcall functions under decorated names: `_name@N` (MSVC) or `name@N`
// (MinGW), N being the bytes of arguments the callee pops. This header computes N from a C++
// signature and decides, given a "does this export exist" predicate, which name a lookup should
// use. Both are plain C++ so every platform compiles and tests them; only 32-bit Windows
// builds call them from basic_library's lookup.

#include <cstddef>
#include <string>
#include <type_traits>

#include "../types.hpp"

namespace ctypes {
namespace detail {

// The 32-bit x86 stack slot is 4 bytes; every argument occupies a whole number of slots.
inline constexpr std::size_t stack_slot = 4;

constexpr std::size_t round_to_slots(std::size_t bytes) noexcept {
    return (bytes + stack_slot - 1) / stack_slot * stack_slot;
}

// Bytes one parameter of type T takes on the stack: its size rounded up to whole slots, which
// is what both MSVC and GCC count for the `@N` suffix. Scalars smaller than 4 (char, short,
// bool) take 4; int64 and double 8; a struct by value its size rounded up (a 6-byte struct
// takes 8); a reference is passed as a pointer.
template <class T>
constexpr std::size_t stack_bytes_of() noexcept {
    if constexpr (std::is_reference_v<T>)
        return round_to_slots(sizeof(void *));
    else
        return round_to_slots(sizeof(T));
}

template <class... A>
constexpr std::size_t stack_bytes_of_list(type_list<A...>) noexcept {
    return (std::size_t(0) + ... + stack_bytes_of<A>());
}

// N of `name@N` for a function type `R(A...)`: the sum over its parameters. A result returned
// through a hidden pointer is not counted (GCC and MSVC leave it out of the suffix). Only
// meaningful for the sizes of the target it is compiled for.
template <class Sig>
constexpr std::size_t stdcall_argument_bytes() noexcept {
    return stack_bytes_of_list(typename signature<Sig>::argument_types{});
}

// Whether a convention asks for decorated lookups (stdcall_convention::decorated_names).
template <class Convention, class = void>
struct decorates_names : std::false_type {};
template <class Convention>
struct decorates_names<Convention, std::enable_if_t<Convention::decorated_names>> : std::true_type {
};

// Lookups that must not be decorated (cdecl, variadic) pass this instead of a byte count.
inline constexpr std::size_t no_decoration = static_cast<std::size_t>(-1);

// How far a lookup searches for a decorated export with another N, to report a wrong signature
// instead of a missing symbol: every multiple of 4 up to this many bytes of arguments.
inline constexpr std::size_t decoration_search_limit = 1024;

inline std::string decorated_name(const std::string &name, std::size_t bytes, bool msvc) {
    return (msvc ? "_" : "") + name + "@" + std::to_string(bytes);
}

struct decorated_match {
    enum class kind { missing, found, mismatch };
    kind what = kind::missing;
    std::string name;               // the export to use (found) or the one that differs
    std::size_t exported_bytes = 0; // its N
};

// Decides which decorated export a stdcall lookup of `name` with `bytes` of arguments should use,
// after the plain name was not found. `exists(const std::string&) -> bool` asks the library.
// Order: `_name@bytes` (MSVC), `name@bytes` (MinGW); failing both, any `_name@M` / `name@M`
// with another M up to decoration_search_limit is a mismatch; otherwise missing.
template <class Exists>
decorated_match find_decorated(const std::string &name, std::size_t bytes, Exists &&exists) {
    decorated_match match;
    for (bool msvc : {true, false}) {
        std::string candidate = decorated_name(name, bytes, msvc);
        if (exists(candidate)) {
            match.what = decorated_match::kind::found;
            match.name = std::move(candidate);
            match.exported_bytes = bytes;
            return match;
        }
    }
    for (std::size_t other = 0; other <= decoration_search_limit; other += stack_slot) {
        if (other == bytes)
            continue;
        for (bool msvc : {true, false}) {
            std::string candidate = decorated_name(name, other, msvc);
            if (exists(candidate)) {
                match.what = decorated_match::kind::mismatch;
                match.name = std::move(candidate);
                match.exported_bytes = other;
                return match;
            }
        }
    }
    return match;
}

// The words of the argument_size_mismatch error, shared by the lookup and its tests.
inline std::string argument_size_text(std::size_t declared, std::size_t exported) {
    return "declared " + std::to_string(declared) + " bytes of arguments, the library exports " +
           std::to_string(exported);
}

} // namespace detail
} // namespace ctypes

#endif
