// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_MACOS_INSPECT_HPP
#define CTYPES_DETAIL_MACOS_INSPECT_HPP

// Inspection on macOS: the images in the process from dyld's image list. Mach-O symbol tables
// and load commands are not read: image_symbols() is empty and missing_dependency() says
// nothing (dyld's own message names the missing dependency). Same functions as
// posix/inspect.hpp and windows/inspect.hpp. Written against dyld(3); no CI compiles it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <mach-o/dyld.h>

#include "../posix/images.hpp"
#include "../symbol_kind.hpp"

namespace ctypes::detail {

// The walk posix/inspect.hpp does on ELF; kept so the tests' bounds compile everywhere.
struct dependency_walk_stats {
    std::size_t probes = 0;
    std::size_t objects = 0;
};

inline std::vector<symbol_info> image_symbols(void *) {
    return {};
}

inline std::vector<loaded_image> loaded_images() {
    std::vector<loaded_image> out;
    const std::uint32_t n = ::_dyld_image_count();
    for (std::uint32_t i = 0; i < n; ++i) {
        const char *name = ::_dyld_get_image_name(i);
        if (name)
            out.push_back({name, ::_dyld_get_image_header(i)});
    }
    return out;
}

inline bool image_is_loaded(const std::string &path) {
    return image_in(loaded_images(), path);
}

inline std::string missing_dependency(const std::string &, const std::string &,
                                      dependency_walk_stats * = nullptr) {
    return {};
}

} // namespace ctypes::detail

#endif
