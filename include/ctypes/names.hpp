// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_NAMES_HPP
#define CTYPES_NAMES_HPP

/// \file
/// The two argument types every loading and lookup call takes: ctypes::path_arg (a library's
/// name or path) and ctypes::symbol_name (an export's name or ordinal). Users never name them:
/// they convert implicitly from what one writes (`"libz.so.1"`, a std::filesystem::path,
/// `"crc32"`, `7u`).

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/signature.hpp"
#include "detail/unicode.hpp"

namespace ctypes {

namespace detail {
// Integers other than bool and the character types: what an export ordinal may be given as.
template <class I>
inline constexpr bool is_ordinal_type_v =
    std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char> &&
    !std::is_same_v<I, wchar_t> && !std::is_same_v<I, char16_t> && !std::is_same_v<I, char32_t>
#if defined(__cpp_char8_t)
    && !std::is_same_v<I, char8_t>
#endif
    ;
} // namespace detail

/// A library name or path as the caller wrote it, the parameter of basic_library's constructors
/// and library_loader::load(): a UTF-8 `const char*` or std::string, a `const wchar_t*` or
/// std::wstring (UTF-16 on Windows, UTF-32 elsewhere), or anything path-like with `.native()`
/// (std::filesystem::path, boost::filesystem::path), which is why `<filesystem>` is not needed
/// here. Holds a UTF-8 copy; converting throws std::bad_alloc only. A null pointer is kept apart
/// from an empty name only to say which it was: both are refused by the load.
/// \see https://docs.python.org/3/library/ctypes.html#loading-shared-libraries
class path_arg {
public:
    /// A UTF-8 name or path; null is recorded as such.
    path_arg(const char *s) : null_(s == nullptr), utf8_(s ? s : "") {}
    /// A UTF-8 name or path.
    path_arg(const std::string &s) : utf8_(s) {}
    /// A wide name or path, converted to UTF-8; null is recorded as such.
    path_arg(const wchar_t *s)
        : null_(s == nullptr), utf8_(s ? detail::to_utf8(std::wstring(s)) : "") {}
    /// A wide name or path, converted to UTF-8.
    path_arg(const std::wstring &s) : utf8_(detail::to_utf8(s)) {}
    /// Anything path-like: its `.native()` string, as above.
    template <class P, class N = decltype(std::declval<const P &>().native()),
              std::enable_if_t<!std::is_convertible_v<const P &, const char *> &&
                                   !std::is_convertible_v<const P &, const wchar_t *>,
                               int> = 0>
    path_arg(const P &p) : path_arg(p.native()) {}

    /// The running program itself, what basic_library::self() loads. Throws nothing but
    /// std::bad_alloc.
    static path_arg running_program() {
        path_arg p{std::string()};
        p.self_ = true;
        return p;
    }

    /// True for running_program(). Throws nothing.
    bool is_self() const noexcept { return self_; }
    /// True when made from a null pointer. Throws nothing.
    bool is_null() const noexcept { return null_; }
    /// The name or path, UTF-8. Throws nothing.
    const std::string &utf8() const noexcept { return utf8_; }
    /// Where the name has a NUL byte, which no loader can be given; npos when it has none.
    /// Throws nothing.
    std::size_t nul_at() const noexcept { return utf8_.find('\0'); }

private:
    bool self_ = false;
    bool null_ = false;
    std::string utf8_;
};

/// What a lookup asks for, the parameter of get(), try_get(), has(), var() and the others: a
/// symbol name (a `const char*` or a std::string, referred to, not copied: it must outlive the
/// call, which it does as a temporary) or, on Windows, an export ordinal (any integer type but
/// bool and the character types; 1 to 65535 exist). Making one throws nothing.
/// \note An ordinal outside Windows does not compile, with a `ctypes:` message.
/// \see https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/nf-libloaderapi-getprocaddress
struct symbol_name {
    /// A symbol's name; null is refused by the lookup.
    symbol_name(const char *s) noexcept : value(s) {}
    /// A symbol's name; an embedded NUL is refused by the lookup.
    symbol_name(const std::string &s) noexcept : value(s.c_str()), nul_at(s.find('\0')) {}
    /// An export ordinal (Windows only); one outside 1 to 65535 is refused by the lookup.
    template <class I, std::enable_if_t<detail::is_ordinal_type_v<I>, int> = 0>
    symbol_name(I number) noexcept
        : by_ordinal(true), ordinal(in_range(number) ? static_cast<unsigned short>(number) : 0),
          requested(static_cast<long long>(number)) {
#if !defined(_WIN32)
        static_assert(detail::dependent_false<I>,
                      "ctypes: get<Sig>(ordinal), try_get, has and var by ordinal exist on "
                      "Windows only, where DLLs export by number; elsewhere libraries export "
                      "names: pass the symbol's name");
#endif
    }

    /// True when `number` is a valid ordinal (1 to 65535). Throws nothing.
    template <class I>
    static constexpr bool in_range(I number) noexcept {
        if constexpr (std::is_signed_v<I>)
            return number >= 1 && static_cast<long long>(number) <= 65535;
        else
            return number >= 1 && static_cast<unsigned long long>(number) <= 65535;
    }

    /// True for a null name or an invalid ordinal. Throws nothing.
    bool is_null() const noexcept {
        return by_ordinal ? ordinal == 0 : value == nullptr;
    }
    /// True when a std::string name has an embedded NUL. Throws nothing.
    bool has_nul() const noexcept {
        return nul_at != std::string::npos;
    }
    /// For messages: `'name'` or `ordinal 7`. Throws std::bad_alloc only.
    std::string quoted() const {
        if (by_ordinal)
            return "ordinal " + std::to_string(requested);
        return std::string("'") + (value ? value : "(null)") + "'";
    }
    /// What the lookup was called with: `"name"` or `7`. Throws std::bad_alloc only.
    std::string argument() const {
        if (by_ordinal)
            return std::to_string(requested);
        return std::string("\"") + (value ? value : "") + "\"";
    }
    /// The name a function or variable carries: the symbol's, or `#7` for an ordinal. Throws
    /// std::bad_alloc only.
    std::string label() const {
        if (by_ordinal)
            return "#" + std::to_string(requested);
        return value ? value : "";
    }

    const char *value = nullptr;            ///< the name; null for an ordinal
    std::size_t nul_at = std::string::npos; ///< a std::string name's embedded NUL, if any
    bool by_ordinal = false;                ///< true when made from an integer
    unsigned short ordinal = 0;             ///< 0 when `requested` is not a valid ordinal
    long long requested = 0;                ///< the integer as given
};

namespace detail {
using ctypes::path_arg; // the names the platform and dynamic code spell
using ctypes::symbol_name;
} // namespace detail

} // namespace ctypes

#endif
