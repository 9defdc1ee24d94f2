// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_FLAGS_HPP
#define CTYPES_FLAGS_HPP

/// \file
/// Load flags: the `mode` of ctypes.CDLL (the RTLD_* bits of dlopen) and ctypes' `use_errno`
/// and `use_last_error` switches, as one bitmask type.

#include "detail/flag_bits.hpp"

namespace ctypes {

/// Resolve undefined symbols when code first uses them (POSIX `RTLD_LAZY`). The default is
/// `rtld_now`, as in ctypes. Windows: ignored.
inline constexpr load_flags rtld_lazy = load_flags::rtld_lazy;
/// Resolve every undefined symbol at load time (POSIX `RTLD_NOW`); added whenever neither
/// `rtld_lazy` nor `rtld_now` is given. Windows: ignored.
inline constexpr load_flags rtld_now = load_flags::rtld_now;
/// Make the library's symbols available to libraries loaded later (POSIX `RTLD_GLOBAL`).
/// Windows: ignored.
inline constexpr load_flags rtld_global = load_flags::rtld_global;
/// Keep the library's symbols private to it (POSIX `RTLD_LOCAL`, the default). Windows: ignored.
inline constexpr load_flags rtld_local = load_flags::rtld_local;
/// Never remove the image from the process, even after `unload()` (glibc, musl, BSD
/// `RTLD_NODELETE`). Windows: pins the module (`GET_MODULE_HANDLE_EX_FLAG_PIN`).
inline constexpr load_flags rtld_nodelete = load_flags::rtld_nodelete;
/// Only succeed if the library is already in the process (`RTLD_NOLOAD`). Windows: uses
/// `GetModuleHandleExW` instead of loading.
inline constexpr load_flags rtld_noload = load_flags::rtld_noload;
/// Prefer the library's own symbols over global ones (glibc `RTLD_DEEPBIND`). Ignored where the
/// loader lacks it (musl, macOS, Windows).
inline constexpr load_flags rtld_deepbind = load_flags::rtld_deepbind;
/// Swap ctypes-cpp's private per-thread errno copy into `errno` around every foreign call
/// (ctypes `use_errno=True`). See get_errno().
inline constexpr call_flags use_errno = call_flags::use_errno;
/// Swap the private per-thread last-error copy into `GetLastError()` around every foreign call
/// (ctypes `use_last_error=True`). POSIX: accepted and ignored, there is no such value.
inline constexpr call_flags use_last_error = call_flags::use_last_error;
/// Rethrow, when the foreign call returns, an exception that a ctypes::callback raised during it
/// (see callback.hpp). Every function does so now, whatever its parameter types, so the flag
/// changes nothing: it is still accepted, and function::flags() does not report it. All
/// platforms.
inline constexpr call_flags rethrow_callbacks = call_flags::rethrow_callbacks;

/// When a bare name does not load as given, also try the platform's decorated forms, in order:
/// ELF systems `lib<name>.so` then the soname find_library() gives (`"z"` loads `libz.so.1`);
/// Windows `<name>.dll`; macOS `lib<name>.dylib`, `<name>.dylib`, `<name>.framework/<name>`.
/// A name with a directory is never decorated, and no form ever searches the current directory.
/// The error, when every form fails, lists the forms tried and carries the loader's text for
/// the name as given. Not a ctypes flag: ctypes leaves this to `ctypes.util.find_library`.
/// \see library_filename(), find_library()
inline constexpr load_flags try_decorated = load_flags::try_decorated;

} // namespace ctypes

#endif
