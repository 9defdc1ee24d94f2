// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_INSPECT_HPP
#define CTYPES_DETAIL_POSIX_INSPECT_HPP

// Inspection on POSIX systems: a loaded library's exports from its .dynsym (through the link
// map, where the loader exposes one), the images in the process (dl_iterate_phdr, or dyld's
// image list on macOS), and why a library that exists on disk failed to load (a DT_NEEDED entry
// that resolves nowhere). Same functions as windows/inspect.hpp.

#include <cstdlib>
#include <algorithm>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <unistd.h>

#include "../../inspect.hpp"
#include "loader.hpp"
#include "search.hpp"

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#else
#include <link.h>
#endif

namespace ctypes::detail {

inline std::vector<symbol_info> image_symbols(void *handle) {
    std::vector<symbol_info> out;
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
    struct link_map *map = nullptr;
    if (!handle || ::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map)
        return out;
    const elf::dynamic_tables t = elf::read_tables(map);
    elf::for_each_symbol(t, [&](const ElfW(Sym) & s, const char *name) {
        symbol_info info;
        info.name = name;
        const symbol_facts facts = elf::facts_of(s);
        switch (facts.kind) {
        case symbol_facts::function:
            info.kind = symbol_kind::function;
            break;
        case symbol_facts::object:
            info.kind = symbol_kind::object;
            break;
        case symbol_facts::tls:
            info.kind = symbol_kind::tls;
            break;
        default:
            info.kind = symbol_kind::other;
            break;
        }
        info.size = static_cast<std::size_t>(s.st_size);
        if (info.kind != symbol_kind::tls && s.st_shndx != SHN_ABS)
            info.address = reinterpret_cast<const void *>(t.base + s.st_value);
        out.push_back(std::move(info));
    });
#else
    (void)handle; // no link map to read the symbol table through (macOS, musl)
#endif
    return out;
}

inline std::vector<loaded_image> loaded_images() {
    std::vector<loaded_image> out;
#if defined(__APPLE__)
    const std::uint32_t n = ::_dyld_image_count();
    for (std::uint32_t i = 0; i < n; ++i) {
        const char *name = ::_dyld_get_image_name(i);
        if (name)
            out.push_back({name, ::_dyld_get_image_header(i)});
    }
#else
    ::dl_iterate_phdr(
        [](struct dl_phdr_info *info, std::size_t, void *data) -> int {
            auto &list = *static_cast<std::vector<loaded_image> *>(data);
            try {
                std::string name = info->dlpi_name && info->dlpi_name[0]
                                       ? resolved_image_path(info->dlpi_name, info->dlpi_phdr)
                                       : std::string();
                if (name.empty() && list.empty())
                    name = running_program_path(); // the program itself comes first, without a name
                if (!name.empty())
                    list.push_back({name, reinterpret_cast<const void *>(info->dlpi_addr)});
            } catch (...) {
                return 1; // out of memory: stop, never unwind through the loader
            }
            return 0;
        },
        &out);
#endif
    return out;
}

inline std::string canonical_or_same(const std::string &path) {
    char *resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved)
        return path;
    std::string out = resolved;
    std::free(resolved);
    return out;
}

inline bool image_is_loaded(const std::string &path) {
    if (path.empty())
        return false;
    const std::vector<loaded_image> images = loaded_images();
    if (path.find('/') == std::string::npos) {
        for (const loaded_image &image : images)
            if (search::file_name_of(image.path) == path)
                return true;
        return false;
    }
    const std::string wanted = canonical_or_same(path);
    for (const loaded_image &image : images)
        if (image.path == path || canonical_or_same(image.path) == wanted)
            return true;
    return false;
}

// Why `name` (as given to the loader) failed to load, when the reason is a missing dependency:
// "dependency 'libb.so.1' (needed by '/x/liba.so') was not found", or empty when the library
// itself cannot be found or every dependency resolves. Depth-first through the dependencies,
// as the loader goes.
inline std::string missing_dependency(const std::string &name) {
#if defined(__APPLE__)
    (void)name; // Mach-O load commands are not read; dyld's own message names the dependency
    return {};
#else
    if (name.empty())
        return {};
    const std::string cache = search::read_small_file(search::cache_file());
    const std::string file =
        search::resolve(name, "", "", ".", cache, search::host_class(), search::host_machine());
    if (file.empty())
        return {};
    std::vector<std::string> seen; // a handful of files: a vector beats <set>
    std::string missing;
    const auto visit = [&](const auto &self, const std::string &object, int depth) -> bool {
        if (depth > 16 || std::find(seen.begin(), seen.end(), object) != seen.end())
            return false;
        seen.push_back(object);
        const elf_file::dynamic_info info = elf_file::read_dynamic_file(object);
        if (!info.ok)
            return false;
        const std::string origin = search::directory_of(canonical_or_same(object));
        for (const std::string &needed : info.needed) {
            if (void *h = ::dlopen(needed.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
                ::dlclose(h); // already in the process: the loader reuses it
                continue;
            }
            const std::string dep = search::resolve(needed, info.rpath, info.runpath, origin, cache,
                                                    info.elf_class, info.machine);
            if (dep.empty()) {
                missing = "dependency '" + needed + "' (needed by '" + object + "') was not found";
                return true;
            }
            if (self(self, dep, depth + 1))
                return true;
        }
        return false;
    };
    visit(visit, file, 0);
    return missing;
#endif
}

} // namespace ctypes::detail

#endif
