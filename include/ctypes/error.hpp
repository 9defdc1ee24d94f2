// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_ERROR_HPP
#define CTYPES_ERROR_HPP

/// \file
/// The exceptions and error codes of ctypes-cpp.

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

#include "detail/errc.hpp"
#if defined(_WIN32)
#include "detail/windows/system_message.hpp"
#endif

namespace ctypes {

/// The base of every ctypes-cpp exception: a std::system_error whose code() is the OS error
/// (errno, `GetLastError()`, an HRESULT) or a ctypes::errc, and whose what() says what was
/// attempted, names the library or symbol, and ends with the OS's own text, e.g.
/// `ctypes: cannot load 'libfoo.so': libfoo.so: cannot open shared object file: No such file or
/// directory`. Copying throws nothing.
class error : public std::system_error {
public:
    /// \param code the OS or ctypes error. \param message the whole text what() returns.
    error(std::error_code code, const std::string &message)
        : std::system_error(code, message), what_(message) {}
    /// The message as given, without the category text std::system_error would append.
    const char *what() const noexcept override { return what_.what(); }

private:
    std::runtime_error what_; // reference-counted: copies throw nothing
};

/// A library could not be loaded, or was used after unload().
class load_error : public error {
public:
    using error::error;
};

/// A symbol could not be found, resolved to NULL, or is of the wrong kind or size.
class symbol_error : public error {
public:
    using error::error;
};

namespace detail {
// Which exception a failure is: what a throwing form throws and error_report::raise() rethrows.
enum class error_kind : unsigned char { load, symbol, general };

[[noreturn]] inline void throw_error(error_kind kind, const std::error_code &code,
                                     const std::string &message) {
    if (kind == error_kind::load)
        throw load_error(code, message);
    if (kind == error_kind::symbol)
        throw symbol_error(code, message);
    throw error(code, message);
}
} // namespace detail

template <class Policy>
class basic_library;
template <class Library>
class import_table;

/// A load or lookup failure reported without throwing, with everything the exception would have
/// carried: code() and message(), the exact what() of the throwing form, so that a program trying
/// several names can say why each one failed (a plain `std::error_code` says only "cannot load
/// library"). Pass one where the `std::error_code&` overloads take `ec`.
///
/// Empty (false) until a call fails; every call taking it clears it first, so after a success it
/// is empty again. Copyable and movable; copying copies the message (std::bad_alloc).
/// \see Boost.DLL's error_code overloads, which lose the loader's text (its issue #38); the
/// `std::filesystem` error_code convention this extends.
/// \code
/// ctypes::error_report why;
/// for (const char *name : {"libmagic.so.1", "libmagic.so"}) {
///     ctypes::CDLL lib{name, why};
///     if (lib)
///         return lib;
///     std::fprintf(stderr, "%s\n", why.message().c_str()); // the loader's own text
/// }
/// \endcode
class error_report {
public:
    /// An empty report. Throws nothing.
    error_report() noexcept = default;

    /// The error: the code the exception's code() would be; empty when nothing failed. Throws
    /// nothing.
    const std::error_code &code() const noexcept { return code_; }
    /// The text the exception's what() would be, e.g. `ctypes: cannot load 'libfoo.so':
    /// libfoo.so: cannot open shared object file: No such file or directory`; empty when nothing
    /// failed. Throws nothing.
    const std::string &message() const noexcept { return message_; }
    /// True when the call failed (as `bool(ec)`). Throws nothing.
    explicit operator bool() const noexcept { return static_cast<bool>(code_); }
    /// Empties the report. Throws nothing.
    void clear() noexcept {
        code_.clear();
        message_.clear();
    }
    /// Throws what the throwing form would have thrown: load_error, symbol_error or error with
    /// this code() and message(). Throws nothing when the report is empty.
    void raise() const {
        if (code_)
            detail::throw_error(kind_, code_, message_);
    }

private:
    template <class Policy>
    friend class basic_library;
    template <class Library>
    friend class import_table;

    void assign(detail::error_kind kind, const std::error_code &code, std::string message) {
        kind_ = kind;
        code_ = code;
        message_ = code ? std::move(message) : std::string();
    }

    detail::error_kind kind_ = detail::error_kind::general;
    std::error_code code_;
    std::string message_;
};

namespace detail {
// Name of the common HRESULTs, for messages where the system has no text (Wine, Linux).
inline const char *hresult_name(std::uint32_t hr) noexcept {
    switch (hr) {
    case 0x00000000u:
        return "S_OK";
    case 0x00000001u:
        return "S_FALSE";
    case 0x80004001u:
        return "E_NOTIMPL";
    case 0x80004002u:
        return "E_NOINTERFACE";
    case 0x80004003u:
        return "E_POINTER";
    case 0x80004004u:
        return "E_ABORT";
    case 0x80004005u:
        return "E_FAIL";
    case 0x8000FFFFu:
        return "E_UNEXPECTED";
    case 0x80070005u:
        return "E_ACCESSDENIED";
    case 0x80070006u:
        return "E_HANDLE";
    case 0x8007000Eu:
        return "E_OUTOFMEMORY";
    case 0x80070057u:
        return "E_INVALIDARG";
    case 0x800401F3u:
        return "CO_E_CLASSSTRING";
    case 0x800401F0u:
        return "CO_E_NOTINITIALIZED";
    case 0x80040154u:
        return "REGDB_E_CLASSNOTREG";
    case 0x80040111u:
        return "CLASS_E_CLASSNOTAVAILABLE";
    default:
        return nullptr;
    }
}

// An HRESULT as messages write it: `0x800401F3`.
inline std::string hresult_hex(std::uint32_t hr) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(hr));
    return hex;
}
} // namespace detail

/// The category of HRESULT codes; its name() is "HRESULT" and its message() gives the code in
/// hex with its name where it is a common one (`0x80070057 E_INVALIDARG`), followed on Windows
/// by the system's text where `FormatMessageW` has one (`0x80070057 E_INVALIDARG: The parameter
/// is incorrect`; Wine has none for many codes). Throws nothing.
/// \see https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-erref/0642cb2f-2075-4469-918c-4441e69c548a
inline const std::error_category &hresult_category() noexcept {
    struct category final : std::error_category {
        const char *name() const noexcept override { return "HRESULT"; }
        std::string message(int value) const override {
            const auto hr = static_cast<std::uint32_t>(value);
            const char *known = detail::hresult_name(hr);
            std::string text = detail::hresult_hex(hr) + (known ? std::string(" ") + known : "");
#if defined(_WIN32)
            const std::string system = detail::win32::system_message(hr);
            if (!system.empty())
                text += ": " + system;
#endif
            return text;
        }
    };
    static const category instance;
    return instance;
}

namespace detail {
// The one shape of a call that reported failure through its result, for call_error and
// hresult_error alike: `ctypes: call to 'F' failed (returned R, N): T`, where N says how `code`
// is numbered (`errno 2`, `CUDA error 14`, `HRESULT`, whose number is R itself, or `no error
// number`) and T is its category's text.
inline std::string call_failure_text(const std::error_code &code, const std::string &function,
                                     const std::string &returned) {
    std::string number;
    if (code == errc::call_failed)
        number = "no error number";
    else if (code.category() == std::generic_category())
        number = "errno " + std::to_string(code.value());
    else if (code.category() == hresult_category())
        number = "HRESULT";
    else
        number = std::string(code.category().name()) + " error " + std::to_string(code.value());
    return "ctypes: call to '" + function + "' failed (returned " + returned + ", " + number +
           "): " + code.message();
}
} // namespace detail

/// A function called through an HRESULT-checking policy (OleDLL) returned a failing HRESULT
/// (one with the severity bit set). code() is the HRESULT in hresult_category(); what() has the
/// shape of call_error's: `ctypes: call to 'CLSIDFromString' failed (returned 0x800401F3,
/// HRESULT): 0x800401F3 CO_E_CLASSSTRING`, followed on Windows by the system's text.
class hresult_error : public error {
public:
    /// \param hr the failing HRESULT. \param function the name of the function that returned it.
    hresult_error(std::int32_t hr, const std::string &function)
        : error({static_cast<int>(hr), hresult_category()},
                detail::call_failure_text({static_cast<int>(hr), hresult_category()}, function,
                                          detail::hresult_hex(static_cast<std::uint32_t>(hr)))),
          hresult_(hr) {}
    /// The HRESULT as the function returned it. Throws nothing.
    std::int32_t hresult() const noexcept { return hresult_; }

private:
    std::int32_t hresult_;
};

} // namespace ctypes

#endif
