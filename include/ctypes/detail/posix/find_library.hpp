// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_FIND_LIBRARY_HPP
#define CTYPES_DETAIL_POSIX_FIND_LIBRARY_HPP

// find_library() for ELF systems, without a subprocess. ctypes.util.find_library on Linux runs
// `ldconfig -p` and takes the first `lib<name>.*` entry of the running ABI; failing that it
// links a dummy program with gcc and then with `ld -t -L$LD_LIBRARY_PATH` and reads the SONAME
// of the `lib<name>.so` the linker picked. Here: the loader cache is read directly (the same
// entries `ldconfig -p` prints, in the same order), then `lib<name>.so` is looked for in the
// LD_LIBRARY_PATH directories and the default directories, and its DT_SONAME is returned.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../path.hpp"
#include "ld_cache_file.hpp"
#include "search.hpp"

namespace ctypes::detail {

inline std::string find_library_in_cache(std::string_view name) {
    return search::system_ld_cache().find(name);
}

inline std::string find_library_impl(std::string_view name) {
    if (name.empty() || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos)
        return {};
    std::string found = find_library_in_cache(name);
    if (!found.empty())
        return found;
    std::vector<std::string> dirs =
        detail::path::split_list(std::getenv("LD_LIBRARY_PATH"), search::list_separators);
    for (std::string &dir : search::default_dirs())
        dirs.push_back(std::move(dir));
    const std::string file_name = "lib" + std::string(name) + ".so";
    for (const std::string &dir : dirs) {
        const std::string file = dir + "/" + file_name;
        if (!search::is_regular_file(file))
            continue;
        const elf_file::dynamic_info info = elf_file::read_dynamic_file(file);
        if (!info.ok || info.elf_class != search::host_class() ||
            (search::host_machine() != 0 && info.machine != search::host_machine()))
            continue;       // a linker script or another ABI's library, as the linker would skip
        return info.soname; // none without a DT_SONAME, as in ctypes
    }
    return {};
}

inline std::string library_file_name(std::string_view name) {
    return "lib" + std::string(name) + ".so";
}

// The forms try_decorated loads after a bare name: lib<name>.so, then the soname find_library()
// gives when it differs.
inline std::vector<std::string> platform_decorated_forms(const std::string &name) {
    std::vector<std::string> forms{library_file_name(name)};
    std::string soname = find_library_impl(name);
    if (!soname.empty() && soname != forms.front())
        forms.push_back(std::move(soname));
    return forms;
}

} // namespace ctypes::detail

#endif
