// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_STDCALL_NAMES_HPP
#define CTYPES_DETAIL_STDCALL_NAMES_HPP

// 32-bit Windows exports stdcall functions under decorated names: `_name@N` (MSVC) or `name@N`
// (MinGW), N being the bytes of arguments the callee pops; a user convention may give its own
// rule (fastcall: `@name@N`). This header computes N from a C++ signature and decides, given a
// "does this export exist" predicate, which name a lookup should use. Both are plain C++ so every
// platform compiles and tests them; only the 32-bit Windows loader calls them
// (native_loader::decorated_symbol, when a lookup misses the plain name).

#include <cstddef>
#include <string>
#include <type_traits>

#include "signature.hpp"

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
        // T is a parameter type, often a pointer to a struct: its own size is what is asked.
        return round_to_slots(sizeof(T)); // NOLINT(bugprone-sizeof-expression)
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

// Whether a convention declares its own decoration: a static member named `decorate`.
template <class Convention, class = void>
struct has_decorate : std::false_type {};
template <class Convention>
struct has_decorate<Convention, std::void_t<decltype(&Convention::decorate)>> : std::true_type {};

// Whether a convention asks for decorated lookups: stdcall_convention::decorated_names, or a
// user convention's own `decorate` rule.
template <class Convention, class = void>
struct decorates_names : has_decorate<Convention> {};
template <class Convention>
struct decorates_names<Convention, std::enable_if_t<Convention::decorated_names>> : std::true_type {
};

// Lookups that must not be decorated (cdecl, variadic) pass this instead of a byte count.
inline constexpr std::size_t no_decoration = static_cast<std::size_t>(-1);

// A convention's decoration rule: the export name of `name` with `bytes` bytes of arguments.
using decorate_rule = std::string (*)(const std::string &name, std::size_t bytes);

// How a function lookup may decorate its name: the signature's bytes of arguments
// (no_decoration: never), and the convention's rule (null: stdcall's `_name@N`, `name@N`).
struct decoration {
    std::size_t argument_bytes = no_decoration;
    decorate_rule rule = nullptr;
};

template <class Convention>
std::string call_decorate(const std::string &name, std::size_t bytes) {
    return Convention::decorate(name, bytes);
}

// The decoration of a lookup under Convention of a signature of `argument_bytes` bytes of
// arguments: none when the convention does not decorate. The typed lookups (decoration_of) and
// the runtime-typed ones (get_dynamic, which counts the bytes from a C declaration) share it.
template <class Convention>
constexpr decoration decoration_for(std::size_t argument_bytes) noexcept {
    if constexpr (!decorates_names<Convention>::value) {
        (void)argument_bytes;
        return decoration{};
    } else if constexpr (has_decorate<Convention>::value) {
        constexpr bool usable = std::is_invocable_r_v<std::string, decltype(&Convention::decorate),
                                                      const std::string &, std::size_t>;
        static_assert(usable,
                      "ctypes: Convention::decorate must be a static member function taking "
                      "(const std::string &name, std::size_t argument_bytes) and returning the "
                      "decorated export name as a std::string");
        if constexpr (usable)
            return decoration{argument_bytes, &call_decorate<Convention>};
        else
            return decoration{};
    } else {
        return decoration{argument_bytes, nullptr};
    }
}

// The decoration of a lookup of Sig under Convention: none when the convention does not decorate
// or Sig is variadic (variadic functions are cdecl whatever the convention).
template <class Sig, class Convention>
constexpr decoration decoration_of() noexcept {
    if constexpr (signature<Sig>::is_variadic)
        return decoration{};
    else
        return decoration_for<Convention>(stdcall_argument_bytes<Sig>());
}

// How far a lookup searches for a decorated export with another N, to report a wrong signature
// instead of a missing symbol: every multiple of 4 up to this many bytes of arguments.
inline constexpr std::size_t decoration_search_limit = 1024;

inline std::string decorated_name(const std::string &name, std::size_t bytes, bool msvc) {
    return (msvc ? "_" : "") + name + "@" + std::to_string(bytes);
}

// Offers `visit` the decorated names of `name` with `bytes` bytes of arguments in the order a
// lookup tries them, until it returns true; returns whether it did.
template <class Visit>
bool visit_decorations(const std::string &name, std::size_t bytes, decorate_rule rule,
                       Visit &&visit) {
    if (rule)
        return visit(rule(name, bytes));
    return visit(decorated_name(name, bytes, true)) || visit(decorated_name(name, bytes, false));
}

struct decorated_match {
    enum class kind { missing, found, mismatch };
    kind what = kind::missing;
    std::string name;               // the export to use (found) or the one that differs
    std::size_t exported_bytes = 0; // its N
};

// Decides which decorated export a lookup of `name` with `bytes` of arguments should use, after
// the plain name was not found. `exists(const std::string&) -> bool` asks the library; `rule` is
// the convention's decoration (null: stdcall's). Order: the forms for `bytes` (stdcall:
// `_name@bytes` (MSVC), then `name@bytes` (MinGW)); failing them, any form with another N up to
// decoration_search_limit is a mismatch; otherwise missing. A form equal to the plain name is
// never tried again.
template <class Exists>
decorated_match find_decorated(const std::string &name, std::size_t bytes, Exists &&exists,
                               decorate_rule rule = nullptr) {
    decorated_match match;
    const auto try_bytes = [&](std::size_t n, decorated_match::kind what) {
        return visit_decorations(name, n, rule, [&](std::string candidate) {
            if (candidate == name || !exists(candidate))
                return false;
            match.what = what;
            match.name = std::move(candidate);
            match.exported_bytes = n;
            return true;
        });
    };
    if (try_bytes(bytes, decorated_match::kind::found))
        return match;
    for (std::size_t other = 0; other <= decoration_search_limit; other += stack_slot)
        if (other != bytes && try_bytes(other, decorated_match::kind::mismatch))
            return match;
    return match;
}

} // namespace detail
} // namespace ctypes

#endif
