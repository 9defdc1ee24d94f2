// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_INSPECT_HPP
#define CTYPES_DETAIL_POSIX_INSPECT_HPP

// Inspection on ELF systems: a loaded library's exports from its .dynsym (through the link map,
// where the loader exposes one), the images in the process (dl_iterate_phdr), and why a library
// that exists on disk failed to load (a DT_NEEDED entry that resolves nowhere). Same functions
// as windows/inspect.hpp and macos/inspect.hpp.

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config.hpp"
#include "../symbol_kind.hpp"
#include "images.hpp"
#include "loader.hpp"
#include "search.hpp"

#include <link.h>

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
        info.kind = elf::facts_of(s).kind;
        info.size = static_cast<std::size_t>(s.st_size);
        if (info.kind != symbol_kind::tls && s.st_shndx != SHN_ABS)
            info.address = reinterpret_cast<const void *>(t.base + s.st_value);
        out.push_back(std::move(info));
    });
#else
    (void)handle; // no link map to read the symbol table through (musl)
#endif
    return out;
}

inline std::vector<loaded_image> loaded_images() {
    std::vector<loaded_image> out;
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
    return out;
}

inline bool image_is_loaded(const std::string &path) {
    return image_in(loaded_images(), path);
}

// What a dependency walk cost: file-system probes and objects read (for the tests' bounds).
struct dependency_walk_stats {
    std::size_t probes = 0;
    std::size_t objects = 0;
};

// Why `name` (as given to the loader) failed to load, when the loader's own message
// `loader_text` says a shared object could not be opened and that object is not `name` itself:
// "dependency 'libb.so.1' (needed by '/x/liba.so') was not found", the dependency being the one
// the loader named, and the object needing it found by walking the dependency graph on disk as
// the loader goes (DT_NEEDED with $ORIGIN, $LIB and $PLATFORM expanded; DT_RPATH passed down the
// chain of loading objects that have no DT_RUNPATH; each name resolved once, as the loader
// reuses an object already found by that name). The walk is bounded: each file is visited once
// (by device and inode, whatever path or symlink reaches it), at most 256 objects and a
// probe_budget of file-system probes; past that the needing object is not named. Empty when
// the loader's message is about something else.
inline std::string missing_dependency(const std::string &name, const std::string &loader_text,
                                      dependency_walk_stats *stats = nullptr) {
    static const std::string marker = ": cannot open shared object file";
    const std::size_t at = loader_text.find(marker);
    if (name.empty() || at == std::string::npos || at == 0)
        return {};
    const std::string named = loader_text.substr(0, at);
    if (named == name)
        return {}; // the library itself
    const std::string cache = search::read_small_file(search::cache_file());
    search::probe_budget budget;
    // The caller's search lists: the running program's DT_RPATH (without a DT_RUNPATH) and
    // DT_RUNPATH, which dlopen searches for a bare name.
    std::vector<std::string> inherited, program_runpath;
    const std::string program = running_program_path();
    if (!program.empty()) {
        const elf_file::dynamic_info info = elf_file::read_dynamic_file(program);
        const std::string origin = search::directory_of(program);
        if (info.ok && info.runpath.empty())
            inherited = search::expand_dirs(info.rpath, origin);
        if (info.ok)
            program_runpath = search::expand_dirs(info.runpath, origin);
    }
    const std::string file = search::resolve(name, inherited, program_runpath, cache,
                                             search::host_class(), search::host_machine(), budget);
    std::vector<std::pair<dev_t, ino_t>> seen;
    std::vector<std::pair<std::string, std::string>> resolved; // name, file ("" if nowhere)
    std::string needed_by;
    std::size_t objects = 0;
    const auto visit = [&](const auto &self, const std::string &object,
                           const std::vector<std::string> &passed_down, int depth) -> bool {
        struct stat st;
        if (depth > 16 || objects >= 256 || ::stat(object.c_str(), &st) != 0)
            return false;
        const std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
        for (const auto &visited : seen)
            if (visited == id)
                return false;
        seen.push_back(id);
        ++objects;
        const elf_file::dynamic_info info = elf_file::read_dynamic_file(object);
        if (!info.ok)
            return false;
        const std::string origin = search::directory_of(canonical_or_same(object));
        std::vector<std::string> names;
        for (std::string needed : info.needed) {
            if (!search::expand_tokens(needed, origin))
                continue;
            if (needed == named) {
                needed_by = object;
                return true;
            }
            names.push_back(std::move(needed));
        }
        // An object with a DT_RUNPATH searches only that, and its DT_RPATH counts for nothing;
        // one without searches its DT_RPATH and then those of the objects that loaded it.
        std::vector<std::string> chain;
        if (info.runpath.empty())
            chain = search::expand_dirs(info.rpath, origin);
        chain.insert(chain.end(), passed_down.begin(), passed_down.end());
        const std::vector<std::string> rpath =
            info.runpath.empty() ? chain : std::vector<std::string>();
        const std::vector<std::string> runpath = search::expand_dirs(info.runpath, origin);
        for (const std::string &needed : names) {
            if (needed.find('/') == std::string::npos) {
                if (void *h = ::dlopen(needed.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
                    ::dlclose(h); // already in the process: the loader reuses it
                    continue;
                }
            }
            bool memo = false;
            for (const auto &entry : resolved)
                memo = memo || entry.first == needed;
            if (memo)
                continue; // resolved (and walked) once already, as the loader reuses it
            resolved.emplace_back(needed, search::resolve(needed, rpath, runpath, cache,
                                                          info.elf_class, info.machine, budget));
            const std::string &dep = resolved.back().second;
            if (!dep.empty() && self(self, std::string(dep), chain, depth + 1))
                return true;
        }
        return false;
    };
    if (!file.empty())
        visit(visit, file, inherited, 0);
    if (stats) {
        stats->probes = budget.used;
        stats->objects = objects;
    }
    if (needed_by.empty())
        return "dependency '" + named + "' was not found";
    return "dependency '" + named + "' (needed by '" + needed_by + "') was not found";
}

} // namespace ctypes::detail

#endif
