// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_FIND_LIBRARY_HPP
#define CTYPES_FIND_LIBRARY_HPP

/// \file
/// Finding libraries by their short name: find_library() (ctypes.util.find_library) and
/// library_filename() (the platform's file-name decoration).

#include <string>
#include <string_view>
#include <vector>

#include "detail/find_library.hpp"

namespace ctypes {

/// The name the loader accepts for the library called `name`, like
/// `ctypes.util.find_library(name)`: `find_library("z")` is `"libz.so.1"` on Debian, and
/// `find_library("m")`, `"c"`, `"sqlite3"`, `"ssl"` likewise give sonames.
/// \param name the short name, without `lib` prefix or suffix (`"z"`, `"sqlite3"`, `"stdc++"`),
/// UTF-8. A name with a `/` finds nothing.
/// \return the name to give CDLL, or an empty string when there is no such library.
/// \throws std::bad_alloc only; an unreadable or corrupt loader cache means "not found".
/// \note Linux (glibc's loader cache): reads `/etc/ld.so.cache` itself (both its formats) instead
/// of running `ldconfig -p` (once: the parsed cache is kept, and re-read only when the file's
/// device, inode, size or times change; thread-safe), keeps entries of the running ABI only
/// (x86-64, i386 and x32 differ),
/// and takes the newest `lib<name>.*` entry, which is the first one ctypes would match. If the
/// cache has none, looks for `lib<name>.so` in the `LD_LIBRARY_PATH` directories (empty entries
/// skipped), then in the loader's default directories, and returns that file's `DT_SONAME` (as
/// ctypes does through `gcc`/`ld` and `objdump`; a file without one gives an empty result). The
/// loader reads `LD_LIBRARY_PATH` once at program start, so a directory added later is found
/// here but not by `dlopen` of the bare name. No subprocess is started. Other ELF systems
/// without a cache (musl) use the directory search only.
/// \note Windows: like ctypes, each `PATH` directory in turn, `dir\name` then `dir\name.dll`, and
/// returns the full path; empty `PATH` entries are skipped. Checked under Wine.
/// \note macOS: like ctypes (its `macholib.dyld` search), `lib<name>.dylib`, `<name>.dylib`,
/// `<name>.framework/<name>` through `DYLD_LIBRARY_PATH`, `DYLD_FRAMEWORK_PATH`, the fallback
/// paths and dyld's shared cache, honouring `DYLD_IMAGE_SUFFIX`; returns the full path. Written
/// with care against dyld(1) but not compiled or run by this project's CI.
/// \see https://docs.python.org/3/library/ctypes.html#finding-shared-libraries
/// \see https://man7.org/linux/man-pages/man8/ld.so.8.html
/// \code
/// ctypes::CDLL libz{ctypes::find_library("z")}; // "libz.so.1"
/// \endcode
inline std::string find_library(std::string_view name) {
    return detail::find_library_impl(name);
}

/// The file name the platform gives a library called `name`: `libz.so` (ELF systems), `z.dll`
/// (Windows), `libz.dylib` (macOS).
/// \param name the short name, UTF-8.
/// \return the decorated name; on ELF systems often a development link that only exists with
/// the `-dev` package installed: find_library() gives the versioned name the runtime package has.
/// \throws std::bad_alloc only.
/// \see the `try_decorated` load flag, which loads these forms.
/// \code
/// std::string file = ctypes::library_filename("z"); // "libz.so"
/// \endcode
inline std::string library_filename(std::string_view name) {
    return detail::library_file_name(name);
}

} // namespace ctypes

#endif
