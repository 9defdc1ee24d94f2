// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_IMAGES_HPP
#define CTYPES_DETAIL_POSIX_IMAGES_HPP

// Matching a library name or path against the images in the process, the same on every POSIX
// system (ELF in posix/inspect.hpp, Mach-O in macos/inspect.hpp, which list the images).

#include <cstdlib>
#include <string>
#include <vector>

#include <limits.h>
#include <stdlib.h>

#include "../path.hpp"
#include "../symbol_kind.hpp"

namespace ctypes::detail {

// `path` with symlinks and relative parts resolved, or as it is when it cannot be (it is gone).
inline std::string canonical_or_same(const std::string &path) {
    char *resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved)
        return path;
    std::string out = resolved;
    std::free(resolved);
    return out;
}

// Whether `path` is one of `images`: a bare file name matches an image's file name, a path with
// a directory the same file.
inline bool image_in(const std::vector<loaded_image> &images, const std::string &path) {
    if (path.empty())
        return false;
    if (path.find('/') == std::string::npos) {
        for (const loaded_image &image : images)
            if (path::file_name_of(image.path, path::posix_separators) == path)
                return true;
        return false;
    }
    const std::string wanted = canonical_or_same(path);
    for (const loaded_image &image : images)
        if (image.path == path || canonical_or_same(image.path) == wanted)
            return true;
    return false;
}

} // namespace ctypes::detail

#endif
