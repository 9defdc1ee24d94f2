// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_INSPECT_HPP
#define CTYPES_INSPECT_HPP

/// \file
/// Looking inside a library and the process: what a library exports (basic_library::symbols()),
/// which images are mapped (loaded_libraries(), is_loaded()).

#include <string>
#include <vector>

#include "detail/inspect.hpp"

namespace ctypes {

/// Every image the loader has mapped into this process right now: the program itself, the
/// libraries it linked against and those loaded at run time, in the loader's order.
/// \return a snapshot; it does not keep anything loaded.
/// \throws std::bad_alloc only.
/// \note glibc, musl, the BSDs: `dl_iterate_phdr` (the program is listed under its
/// `/proc/self/exe` path, the vDSO under its own name). Windows: `EnumProcessModules`
/// (`K32EnumProcessModules`) and `GetModuleFileNameW`; checked under Wine. macOS:
/// `_dyld_image_count` / `_dyld_get_image_name`; not compiled or run by this project's CI.
/// \see https://man7.org/linux/man-pages/man3/dl_iterate_phdr.3.html
/// \see https://learn.microsoft.com/en-us/windows/win32/api/psapi/nf-psapi-enumprocessmodules
/// \code
/// for (const ctypes::loaded_image &image : ctypes::loaded_libraries())
///     std::printf("%p %s\n", image.base, image.path.c_str());
/// \endcode
inline std::vector<loaded_image> loaded_libraries() {
    return detail::loaded_images();
}

/// Whether an image is mapped into this process, without loading anything.
/// \param path a path with a directory is compared with each loaded image's file after both are
/// made canonical (symbolic links resolved), so `/lib/x86_64-linux-gnu/libz.so.1` and the file
/// it links to are the same; a bare name (`"libz.so.1"`) matches an image whose file name is
/// that name. UTF-8.
/// \throws std::bad_alloc only.
/// \note Unlike `dlopen(name, RTLD_NOLOAD)` this never takes a reference, so it can prove an
/// image left the process after basic_library::unload().
/// \code
/// bool z = ctypes::is_loaded("libz.so.1");
/// \endcode
inline bool is_loaded(const std::string &path) {
    return detail::image_is_loaded(path);
}

} // namespace ctypes

#endif
