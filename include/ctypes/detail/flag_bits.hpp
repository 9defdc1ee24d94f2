// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_FLAG_BITS_HPP
#define CTYPES_DETAIL_FLAG_BITS_HPP

// The flag types and their operators, declared here in namespace ctypes so that the platform
// loaders read them without including a public header; flags.hpp documents the constants users
// write (ctypes::rtld_now, ctypes::use_errno, ...).

#include <type_traits>

namespace ctypes {

/// A bitmask of loading options, combined with `|`: what a library is opened with. The calling
/// options (ctypes::call_flags: use_errno, use_last_error, rethrow_callbacks) may be added with
/// `|`; a library applies them to every function looked up in it.
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

/// The calling options of one function or callback: `use_errno`, `use_last_error`,
/// `rethrow_callbacks`, combined with `|`. Converts to load_flags (so `rtld_now | use_errno`
/// and `CDLL{name, use_errno}` give a library the flags for all its functions); a load_flags
/// value never converts back: passing an `rtld_*` flag or `try_decorated` where call flags are
/// taken (get(), function, callback, with_user_data) is a compile error naming the fix.
/// A literal type; copying throws nothing.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.CDLL (use_errno, use_last_error)
class call_flags {
public:
    /// No flag. Throws nothing.
    constexpr call_flags() noexcept = default;
    /// Rejects load flags at compile time: they belong to the library's constructor.
    template <class F, std::enable_if_t<std::is_same_v<F, load_flags>, int> = 0>
    constexpr call_flags(F) noexcept {
        static_assert(sizeof(F) == 0,
                      "ctypes: call_flags takes use_errno, use_last_error and rethrow_callbacks "
                      "only; rtld_* flags and try_decorated are load flags: pass them to the "
                      "library's constructor");
    }
    /// The same bits as load flags (use_errno is load_flags::use_errno). Throws nothing.
    constexpr operator load_flags() const noexcept { return static_cast<load_flags>(bits_); }

    static const call_flags none;              ///< no flag
    static const call_flags use_errno;         ///< see ctypes::use_errno
    static const call_flags use_last_error;    ///< see ctypes::use_last_error
    static const call_flags rethrow_callbacks; ///< see ctypes::rethrow_callbacks

    /// Combines two sets of call flags. Throws nothing.
    friend constexpr call_flags operator|(call_flags a, call_flags b) noexcept {
        return call_flags(a.bits_ | b.bits_);
    }
    /// The call flags present in both. Throws nothing.
    friend constexpr call_flags operator&(call_flags a, call_flags b) noexcept {
        return call_flags(a.bits_ & b.bits_);
    }
    /// Every flag not in `a`: `flags &= ~use_errno` removes one from call or load flags. Throws
    /// nothing.
    friend constexpr call_flags operator~(call_flags a) noexcept { return call_flags(~a.bits_); }
    /// Adds `b` to `a`. Throws nothing.
    friend constexpr call_flags &operator|=(call_flags &a, call_flags b) noexcept {
        return a = a | b;
    }
    /// Keeps in `a` only what is also in `b`. Throws nothing.
    friend constexpr call_flags &operator&=(call_flags &a, call_flags b) noexcept {
        return a = a & b;
    }
    /// Load flags with calling options added, for a library. Throws nothing.
    friend constexpr load_flags operator|(load_flags a, call_flags b) noexcept {
        return a | static_cast<load_flags>(b);
    }
    /// \copydoc operator|(load_flags, call_flags)
    friend constexpr load_flags operator|(call_flags a, load_flags b) noexcept {
        return static_cast<load_flags>(a) | b;
    }
    /// The flags present in both. Throws nothing.
    friend constexpr load_flags operator&(load_flags a, call_flags b) noexcept {
        return a & static_cast<load_flags>(b);
    }
    /// \copydoc operator&(load_flags, call_flags)
    friend constexpr load_flags operator&(call_flags a, load_flags b) noexcept {
        return static_cast<load_flags>(a) & b;
    }
    /// Equal sets of flags. Throws nothing.
    friend constexpr bool operator==(call_flags a, call_flags b) noexcept {
        return a.bits_ == b.bits_;
    }
    /// \copydoc operator==(call_flags, call_flags)
    friend constexpr bool operator==(call_flags a, load_flags b) noexcept {
        return static_cast<load_flags>(a) == b;
    }
    /// \copydoc operator==(call_flags, call_flags)
    friend constexpr bool operator==(load_flags a, call_flags b) noexcept {
        return a == static_cast<load_flags>(b);
    }
    /// Different sets of flags. Throws nothing.
    friend constexpr bool operator!=(call_flags a, call_flags b) noexcept { return !(a == b); }
    /// \copydoc operator!=(call_flags, call_flags)
    friend constexpr bool operator!=(call_flags a, load_flags b) noexcept { return !(a == b); }
    /// \copydoc operator!=(call_flags, call_flags)
    friend constexpr bool operator!=(load_flags a, call_flags b) noexcept { return !(a == b); }
    /// True when every flag of `wanted` is set in `set`. Throws nothing.
    friend constexpr bool has_flags(call_flags set, call_flags wanted) noexcept {
        return (set & wanted) == wanted && wanted.bits_ != 0;
    }
    /// True when every flag of `wanted` is set in the load flags `set`. Throws nothing.
    friend constexpr bool has_flags(load_flags set, call_flags wanted) noexcept {
        return has_flags(set, static_cast<load_flags>(wanted));
    }

private:
    constexpr explicit call_flags(unsigned bits) noexcept : bits_(bits) {}
    unsigned bits_ = 0;
};

inline constexpr call_flags call_flags::none{};
inline constexpr call_flags call_flags::use_errno{static_cast<unsigned>(load_flags::use_errno)};
inline constexpr call_flags call_flags::use_last_error{
    static_cast<unsigned>(load_flags::use_last_error)};
inline constexpr call_flags call_flags::rethrow_callbacks{
    static_cast<unsigned>(load_flags::rethrow_callbacks)};

} // namespace ctypes

#endif
