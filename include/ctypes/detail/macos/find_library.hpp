// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_MACOS_FIND_LIBRARY_HPP
#define CTYPES_DETAIL_MACOS_FIND_LIBRARY_HPP

// find_library() on macOS, as ctypes.util.find_library does it there (through
// ctypes.macholib.dyld.dyld_find): for each of `lib<name>.dylib`, `<name>.dylib` and
// `<name>.framework/<name>`, search
//   1. DYLD_FRAMEWORK_PATH (framework names) and DYLD_LIBRARY_PATH (by file name),
//   2. the name as given,
//   3. DYLD_FALLBACK_FRAMEWORK_PATH, or ~/Library/Frameworks, /Library/Frameworks,
//      /Network/Library/Frameworks, /System/Library/Frameworks (framework names);
//      DYLD_FALLBACK_LIBRARY_PATH, or ~/lib, /usr/local/lib, /lib, /usr/lib,
// trying each candidate first with DYLD_IMAGE_SUFFIX inserted, and accepting a regular file or
// a path in dyld's shared cache (macOS 11 and later keep system libraries only there; asked
// with _dyld_shared_cache_contains_path). Returns the full path, as ctypes does. Relative
// search entries (which would name the current directory) are skipped.
// Written against dyld(1) and CPython's Lib/ctypes/macholib/dyld.py; no CI runs it.

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <dlfcn.h>
#include <sys/stat.h>

#include "../path.hpp"

namespace ctypes::detail {

namespace dyld {

// A DYLD_* list's absolute entries: dyld separates them with colons.
inline std::vector<std::string> env_dirs(const char *variable) {
    std::vector<std::string> dirs;
    for (std::string &dir : detail::path::split_list(std::getenv(variable), ":"))
        if (dir[0] == '/')
            dirs.push_back(std::move(dir));
    return dirs;
}

inline bool exists(const std::string &path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        return true;
    using contains_fn = bool (*)(const char *);
    static const auto contains =
        reinterpret_cast<contains_fn>(::dlsym(RTLD_DEFAULT, "_dyld_shared_cache_contains_path"));
    return contains && contains(path.c_str());
}

inline bool is_framework(const std::string &name) {
    return name.find(".framework/") != std::string::npos;
}

inline std::string base_name(const std::string &file) {
    return detail::path::file_name_of(file, detail::path::posix_separators);
}

inline std::vector<std::string> candidates(const std::string &name) {
    std::vector<std::string> out;
    const bool framework = is_framework(name);
    if (framework)
        for (const std::string &dir : env_dirs("DYLD_FRAMEWORK_PATH"))
            out.push_back(dir + "/" + name);
    for (const std::string &dir : env_dirs("DYLD_LIBRARY_PATH"))
        out.push_back(dir + "/" + base_name(name));
    if (!name.empty() && name[0] == '/')
        out.push_back(name);
    if (framework) {
        std::vector<std::string> dirs = env_dirs("DYLD_FALLBACK_FRAMEWORK_PATH");
        if (dirs.empty()) {
            if (const char *home = std::getenv("HOME"); home && home[0] == '/')
                dirs.push_back(std::string(home) + "/Library/Frameworks");
            for (const char *d : {"/Library/Frameworks", "/Network/Library/Frameworks",
                                  "/System/Library/Frameworks"})
                dirs.emplace_back(d);
        }
        for (const std::string &dir : dirs)
            out.push_back(dir + "/" + name);
    }
    std::vector<std::string> dirs = env_dirs("DYLD_FALLBACK_LIBRARY_PATH");
    if (dirs.empty()) {
        if (const char *home = std::getenv("HOME"); home && home[0] == '/')
            dirs.push_back(std::string(home) + "/lib");
        for (const char *d : {"/usr/local/lib", "/lib", "/usr/lib"})
            dirs.emplace_back(d);
    }
    for (const std::string &dir : dirs)
        out.push_back(dir + "/" + base_name(name));
    return out;
}

inline std::string with_suffix(const std::string &path, const std::string &suffix) {
    if (path.size() > 6 && path.compare(path.size() - 6, 6, ".dylib") == 0)
        return path.substr(0, path.size() - 6) + suffix + ".dylib";
    return path + suffix;
}

} // namespace dyld

inline std::string find_library_impl(std::string_view name) {
    if (name.empty())
        return {};
    const std::string n(name);
    const char *suffix = std::getenv("DYLD_IMAGE_SUFFIX");
    for (const std::string &form : {"lib" + n + ".dylib", n + ".dylib", n + ".framework/" + n}) {
        for (const std::string &path : dyld::candidates(form)) {
            if (suffix && *suffix && dyld::exists(dyld::with_suffix(path, suffix)))
                return dyld::with_suffix(path, suffix);
            if (dyld::exists(path))
                return path;
        }
    }
    return {};
}

inline std::string library_file_name(std::string_view name) {
    return "lib" + std::string(name) + ".dylib";
}

// The forms try_decorated loads after a bare name, in dyld's order.
inline std::vector<std::string> platform_decorated_forms(const std::string &name) {
    return {library_file_name(name), name + ".dylib", name + ".framework/" + name};
}

} // namespace ctypes::detail

#endif
