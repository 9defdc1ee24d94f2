// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_POLICY_HPP
#define CTYPES_POLICY_HPP

/// \file
/// Policies: a calling convention and a result check, the two choices that make CDLL, WinDLL
/// and OleDLL differ. A policy is any type with the two member types `convention` and
/// `result_check`; ctypes::policy<Conv, Check> builds one. The result checks for the common C
/// error conventions and user `errcheck` callables are in result_check.hpp.

#include <cstdint>
#include <string>
#include <type_traits>

#include "detail/config.hpp"
#include "error.hpp"

namespace ctypes {

/// The C calling convention: the caller pops the arguments. The platform default everywhere.
/// \see https://learn.microsoft.com/en-us/cpp/cpp/cdecl
struct cdecl_convention {
    /// The function pointer type for `R(A...)`.
    template <class R, class... A>
    using pointer = R (*)(A...);
    /// The function pointer type for `R(A..., ...)`.
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    /// The entry point C calls in a callback of this convention (ctypes::callback,
    /// with_user_data()): passes its arguments to `Target::invoke`. One instantiation per
    /// callable type or pool thunk; see ctypes::policy for a user convention's own.
    /// \tparam Target the library's: a type with `static R invoke(A &...) noexcept`.
    /// \return what Target::invoke returns. Throws nothing.
    template <class Target, class R, class... A>
    static R thunk(A... a) noexcept {
        return Target::invoke(a...);
    }
};

/// The Win32 API convention: the callee pops the arguments. It differs from cdecl only on 32-bit
/// x86; on every other target it is cdecl and compiles without attribute warnings.
/// Variadic functions are always cdecl (the callee cannot know how much to pop).
/// \see https://learn.microsoft.com/en-us/cpp/cpp/stdcall
struct stdcall_convention {
    /// True: on 32-bit Windows a lookup that misses the plain name also tries the decorated
    /// exports `_name@N` (MSVC) and `name@N` (MinGW), N computed from the signature. A user
    /// convention may declare it too, or give its own rule as a static member function
    /// `decorate` (see ctypes::policy); conventions with neither are looked up by the plain name.
    static constexpr bool decorated_names = true;
#if CTYPES_DETAIL_X86_32
    /// The function pointer type for `R(A...)`, stdcall.
    template <class R, class... A>
    using pointer = R(CTYPES_DETAIL_STDCALL *)(A...);
#else
    /// The function pointer type for `R(A...)`: cdecl's, off 32-bit x86.
    template <class R, class... A>
    using pointer = R (*)(A...);
#endif
    /// The function pointer type for `R(A..., ...)`: always cdecl.
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    /// The entry point C calls in a callback of this convention (ctypes::WINFUNCTYPE,
    /// with_user_data()), stdcall on 32-bit x86: passes its arguments to `Target::invoke`.
    /// \tparam Target the library's: a type with `static R invoke(A &...) noexcept`.
    /// \return what Target::invoke returns. Throws nothing.
    template <class Target, class R, class... A>
    static R CTYPES_DETAIL_STDCALL thunk(A... a) noexcept {
        return Target::invoke(a...);
    }
};

/// Result check that returns results as they are (ctypes' default `restype` handling).
struct plain_result {
    /// False: the call path skips the check entirely.
    static constexpr bool checks = false;
};

/// Result check for `HRESULT` functions (ctypes OleDLL): a negative result (severity bit set)
/// throws ctypes::hresult_error; success codes such as `S_FALSE` (1) are returned.
struct hresult_check {
    /// True: every result goes through check().
    static constexpr bool checks = true;
    /// \tparam R the declared result type: a 32-bit signed integer (HRESULT is `long` on Windows,
    /// `int32_t` on Linux ports); any other type does not compile, at get<Sig>() already.
    /// \throws hresult_error when `result < 0`, naming `function`.
    template <class R>
    static void check(const R &result, const std::string &function) {
        if (result < 0)
            throw hresult_error(static_cast<std::int32_t>(result), function);
    }
};

namespace detail {
// Fires, when get<Sig>() or function<Sig> names the function type, the static_assert of a result
// check that cannot take the result type R (a void result is never checked); true when nothing is
// wrong. The checks of result_check.hpp say so at the first call instead, where the form of a
// user's callable is known.
template <class Check, class R>
constexpr bool validate_result_check() {
    if constexpr (std::is_same_v<Check, hresult_check> && !std::is_void_v<R>) {
        constexpr bool ok = std::is_integral_v<R> && std::is_signed_v<R> && sizeof(R) == 4;
        static_assert(ok, "ctypes: an HRESULT-checked function must return HRESULT, a 32-bit "
                          "signed integer; declare the result as long (Windows) or std::int32_t");
        return ok;
    } else {
        return true;
    }
}
} // namespace detail

/// A policy from a calling convention and a result check.
/// \tparam Convention cdecl_convention, stdcall_convention, or a type with the same members:
/// `pointer<R, A...>` and `variadic_pointer<R, A...>`, and optionally how 32-bit Windows
/// decorates its export names, either `static constexpr bool decorated_names = true` (stdcall's
/// `_name@N` and `name@N`) or its own rule, a static member function
/// `static std::string decorate(const std::string &name, std::size_t argument_bytes)` that
/// returns the export name of a function `name` whose parameters take `argument_bytes` bytes of
/// stack (each rounded up to 4 bytes). A lookup tries the plain name first, then `decorate`'s
/// name; a decorated export with another N is reported as errc::argument_size_mismatch.
/// Elsewhere (64-bit Windows, ELF, Mach-O) only the plain name is looked up.
/// For callbacks (ctypes::callback, with_user_data()) the convention supplies the entry point C
/// calls, with its attribute: a static member function template
/// `template <class Target, class R, class... A> static R thunk(A... a) noexcept` whose body is
/// `return Target::invoke(a...);` and whose address is a `pointer<R, A...>`; a convention without
/// one cannot make callbacks (a static_assert at callback<Sig, Convention> says what to write).
/// The library instantiates it once per callable type and once per thunk of its static pool
/// (CTYPES_CALLBACK_SLOTS). Thunks written at run time, for callables with state beyond the pool,
/// serve a convention whose `pointer` is cdecl's or stdcall's; for any other (fastcall on 32-bit
/// x86) the static pool is all there is, and a callback beyond it throws errc::no_callback_slot.
/// \code
/// struct fastcall_convention {
///     template <class R, class... A>
///     using pointer = R(__attribute__((fastcall)) *)(A...);
///     template <class R, class... A>
///     using variadic_pointer = R (*)(A..., ...);
///     static std::string decorate(const std::string &name, std::size_t argument_bytes) {
///         return "@" + name + "@" + std::to_string(argument_bytes); // @fast_12@12
///     }
///     template <class Target, class R, class... A> // what C calls in a callback
///     static R __attribute__((fastcall)) thunk(A... a) noexcept {
///         return Target::invoke(a...);
///     }
/// };
/// \endcode
/// \see https://learn.microsoft.com/en-us/cpp/build/reference/decorated-names
/// \tparam ResultCheck plain_result, hresult_check, one of result_check.hpp's checks
/// (minus_one_errno_check, null_errno_check, status_check, errcheck), or a type with the same
/// members (see result_check.hpp for the forms its `check` may take).
/// \code
/// struct posix_policy {
///     using convention = ctypes::cdecl_convention;
///     using result_check = ctypes::minus_one_errno_check;
/// };
/// ctypes::basic_library<posix_policy> libc{"libc.so.6", ctypes::use_errno};
/// \endcode
template <class Convention, class ResultCheck = plain_result>
struct policy {
    /// The calling convention.
    using convention = Convention;
    /// The result check.
    using result_check = ResultCheck;
};

/// ctypes CDLL: cdecl, results returned as they are.
using cdll_policy = policy<cdecl_convention, plain_result>;
/// ctypes WinDLL: stdcall, results returned as they are.
using windll_policy = policy<stdcall_convention, plain_result>;
/// ctypes OleDLL: stdcall, HRESULT results checked.
using oledll_policy = policy<stdcall_convention, hresult_check>;

} // namespace ctypes

#endif
