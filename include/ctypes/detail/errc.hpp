// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_ERRC_HPP
#define CTYPES_DETAIL_ERRC_HPP

// ctypes::errc and its category, declared here so that the platform loaders set the codes
// without including a public header; error.hpp builds the exceptions on them.

#include <string>
#include <system_error>

namespace ctypes {

/// Why a load, lookup or unload failed where the platform gives no error number of its own
/// (POSIX `dlopen` and `dlsym` report text only). On Windows, loads and lookups carry the
/// `GetLastError()` value in `std::system_category()` instead.
enum class errc {
    load_failed = 1,  ///< the loader refused the library; what() has its text
    symbol_not_found, ///< no such export
    null_symbol,      ///< the export exists but its address is NULL
    not_a_function,   ///< get<Sig>() found a data object
    not_an_object,    ///< var<T>() found a function
    size_mismatch,    ///< var<T>() found an object whose exported size is not sizeof(T)
    not_loaded,       ///< the library object is empty (moved from, or unloaded)
    in_use,           ///< unload() while functions, variables or buffers still use the library
    bad_flags,        ///< a flag that makes no sense where it was given
    call_failed,      ///< a result check saw a failing result but the OS recorded no error number
    argument_size_mismatch, ///< 32-bit Windows: the export's `@N` differs from the signature's
    no_callback_slot, ///< every thunk of a callback signature is in use (CTYPES_CALLBACK_SLOTS)
    empty_callable,   ///< a callback was made from a null function pointer or empty function
};

/// The category of ctypes::errc codes; its name() is "ctypes". Throws nothing.
inline const std::error_category &ctypes_category() noexcept {
    struct category final : std::error_category {
        const char *name() const noexcept override { return "ctypes"; }
        std::string message(int value) const override {
            switch (static_cast<errc>(value)) {
            case errc::load_failed:
                return "cannot load library";
            case errc::symbol_not_found:
                return "symbol not found";
            case errc::null_symbol:
                return "symbol resolves to NULL";
            case errc::not_a_function:
                return "symbol is not a function";
            case errc::not_an_object:
                return "symbol is not a data object";
            case errc::size_mismatch:
                return "exported object size differs from the declared type";
            case errc::not_loaded:
                return "library not loaded";
            case errc::in_use:
                return "library still in use";
            case errc::bad_flags:
                return "invalid flags";
            case errc::call_failed:
                return "foreign call failed";
            case errc::argument_size_mismatch:
                return "declared arguments differ in size from the decorated export";
            case errc::no_callback_slot:
                return "no free callback slot";
            case errc::empty_callable:
                return "empty callable";
            }
            return "unknown ctypes error";
        }
    };
    static const category instance;
    return instance;
}

/// Makes a std::error_code of ctypes_category(). Throws nothing.
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), ctypes_category()};
}

} // namespace ctypes

namespace std {
template <>
struct is_error_code_enum<ctypes::errc> : true_type {};
} // namespace std

#endif
