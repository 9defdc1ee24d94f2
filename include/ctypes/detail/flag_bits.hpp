// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_FLAG_BITS_HPP
#define CTYPES_DETAIL_FLAG_BITS_HPP

// The flag types and their operators, declared here in namespace ctypes so that the platform
// loaders read them without including a public header; flags.hpp documents the constants users
// write (ctypes::rtld_now, ctypes::use_errno, ...).

namespace ctypes {

/// A bitmask of loading and calling options, combined with `|`.
///
/// The values are the library's own, not the platform's: each platform loader translates them,
/// so code that names a flag compiles everywhere. A flag a platform lacks is accepted and
/// ignored (each constant below says where).
/// \see https://docs.python.org/3/library/ctypes.html#loading-shared-libraries
/// \see https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlopen.html
enum class load_flags : unsigned {
    none = 0,
    rtld_lazy = 1u << 0,
    rtld_now = 1u << 1,
    rtld_global = 1u << 2,
    rtld_local = 1u << 3,
    rtld_nodelete = 1u << 4,
    rtld_noload = 1u << 5,
    rtld_deepbind = 1u << 6,
    use_errno = 1u << 8,
    use_last_error = 1u << 9,
    rethrow_callbacks = 1u << 10,
    try_decorated = 1u << 11,
};

/// Combines two sets of flags. Throws nothing.
constexpr load_flags operator|(load_flags a, load_flags b) noexcept {
    return static_cast<load_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// The flags present in both. Throws nothing.
constexpr load_flags operator&(load_flags a, load_flags b) noexcept {
    return static_cast<load_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
/// Every flag not in `a`. Throws nothing.
constexpr load_flags operator~(load_flags a) noexcept {
    return static_cast<load_flags>(~static_cast<unsigned>(a));
}
/// Adds `b` to `a`. Throws nothing.
constexpr load_flags &operator|=(load_flags &a, load_flags b) noexcept {
    return a = a | b;
}
/// Keeps in `a` only what is also in `b`. Throws nothing.
constexpr load_flags &operator&=(load_flags &a, load_flags b) noexcept {
    return a = a & b;
}
/// True when every flag of `wanted` is set in `set`. Throws nothing.
constexpr bool has_flags(load_flags set, load_flags wanted) noexcept {
    return (set & wanted) == wanted && wanted != load_flags::none;
}

} // namespace ctypes

#endif
