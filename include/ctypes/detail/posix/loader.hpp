// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_LOADER_HPP
#define CTYPES_DETAIL_POSIX_LOADER_HPP

// The POSIX loader: dlopen, dlsym, dlclose, plus glibc's dlinfo and dladdr1 where present.
// Same members as windows/loader.hpp; loader.hpp picks one.
// See https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlopen.html

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <string>
#include <system_error>
#include <unistd.h>

#include "../config.hpp"
#include "../errc.hpp"
#include "../flag_bits.hpp"
#include "../os_error.hpp"
#include "../stdcall_names.hpp"
#include "../symbol_kind.hpp"
#include "../unicode.hpp"
#include "elf_file.hpp"

#ifdef CTYPES_DETAIL_HAS_LINK_MAP
#include "elf.hpp"
#endif

namespace ctypes::detail {

// The running program's file, which the loader records with an empty name (Linux /proc); empty
// where there is no such link.
inline std::string running_program_path() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// The file mapped at `address` as the kernel records it (Linux /proc/self/maps): an absolute
// path whatever name the file was opened by, and whatever the working directory is now. Empty
// where there is no such record.
inline std::string mapped_file_at(const void *address) {
    std::string maps;
    const int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    char chunk[4096];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0 && maps.size() < (16u << 20);)
        maps.append(chunk, static_cast<std::size_t>(n));
    ::close(fd);
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    for (std::size_t line = 0; line < maps.size();) {
        std::size_t end = maps.find('\n', line);
        if (end == std::string::npos)
            end = maps.size();
        // start-end perms offset dev inode path
        char *rest = nullptr;
        const char *text = maps.c_str() + line;
        const unsigned long long start = std::strtoull(text, &rest, 16);
        if (rest && *rest == '-') {
            const unsigned long long stop = std::strtoull(rest + 1, nullptr, 16);
            if (at >= start && at < stop) {
                const std::size_t slash = maps.find('/', line);
                if (slash < end)
                    return maps.substr(slash, end - slash);
                return {};
            }
        }
        line = end + 1;
    }
    return {};
}

// The file of an image the loader recorded as `recorded` (its link-map name) and that maps
// `inside`: the name when it is absolute or has no directory (the vDSO); for a relative path (a
// library loaded as `./libfoo.so`), the file the loader opened, which a chdir does not change.
inline std::string resolved_image_path(const char *recorded, const void *inside) {
    if (!recorded || recorded[0] == '/' || !std::strchr(recorded, '/'))
        return recorded ? recorded : "";
    std::string file = mapped_file_at(inside);
    if (!file.empty())
        return file;
    if (char *resolved = ::realpath(recorded, nullptr)) {
        file = resolved;
        std::free(resolved);
        return file;
    }
    return recorded;
}

struct native_loader {
    using handle_type = void *;
    using path_string = std::string;

    static path_string native_path(const std::string &utf8) { return utf8; }
    static path_string native_path(const std::wstring &wide) { return to_utf8(wide); }

    static int mode_of(load_flags f) noexcept {
        int mode = has_flags(f, load_flags::rtld_lazy) ? RTLD_LAZY : RTLD_NOW;
        mode |= has_flags(f, load_flags::rtld_global) ? RTLD_GLOBAL : RTLD_LOCAL;
#ifdef RTLD_NODELETE
        if (has_flags(f, load_flags::rtld_nodelete))
            mode |= RTLD_NODELETE;
#endif
#ifdef RTLD_NOLOAD
        if (has_flags(f, load_flags::rtld_noload))
            mode |= RTLD_NOLOAD;
#endif
#ifdef RTLD_DEEPBIND
        if (has_flags(f, load_flags::rtld_deepbind))
            mode |= RTLD_DEEPBIND;
#endif
        return mode;
    }

    static std::string last_dlerror(const char *fallback) {
        const char *text = ::dlerror();
        return text ? text : fallback;
    }

    // Whether an image in the process was recorded by the loader under exactly this name, which
    // dlopen then reuses without opening the file again.
    static bool is_recorded_as(const std::string &path) noexcept {
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
        auto visit = [](struct dl_phdr_info *info, std::size_t, void *data) -> int {
            return info->dlpi_name && *static_cast<const std::string *>(data) == info->dlpi_name;
        };
        return ::dl_iterate_phdr(visit, const_cast<std::string *>(&path)) != 0;
#else
        (void)path;
        return false;
#endif
    }

    // path: nullptr for the running program. A path with a directory that no loaded image was
    // recorded under is checked first (see elf_file::load_problem): a FIFO would block dlopen
    // and a truncated file crash it. dlopen then opens the file again by its path (it takes no
    // descriptor, and /proc/self/fd/N would become the recorded name, $ORIGIN included): a file
    // replaced in between is not covered, as SECURITY.md says. The check is for accidents.
    static handle_type open(const path_string *path, load_flags flags, os_error &err) {
        if (path && !has_flags(flags, load_flags::rtld_noload) &&
            path->find('/') != std::string::npos && !is_recorded_as(*path)) {
            std::string problem = elf_file::load_problem(*path);
            if (!problem.empty()) {
                err.code = errc::load_failed;
                err.text = std::move(problem);
                return nullptr;
            }
        }
        ::dlerror();
        handle_type h = ::dlopen(path ? path->c_str() : nullptr, mode_of(flags));
        if (!h) {
            err.code = errc::load_failed;
            err.text = has_flags(flags, load_flags::rtld_noload) && path
                           ? *path + ": not loaded in this process (rtld_noload)"
                           : last_dlerror("dlopen failed");
        }
        return h;
    }

    static bool self_is_owned() noexcept {
        return true;
    }

    static void *symbol(handle_type h, const char *name, os_error &err) {
        ::dlerror();
        void *p = ::dlsym(h, name);
        if (!p) {
            const char *text = ::dlerror();
            err.code = text ? errc::symbol_not_found : errc::null_symbol;
            err.text = text ? text : std::string("the symbol's value is NULL");
        }
        return p;
    }

    // The definition of `name` that the library `h`'s own code pairs with, when it is not the
    // one dlsym(h, name) gives; null otherwise. Under ELF's default binding the library's own
    // references go to the global scope first (symbol interposition: a sanitizer's or an
    // LD_PRELOADed malloc/free), so the global definition is the right one when the library
    // imports the name (undefined in its own .dynsym) or refers to its own definition through a
    // relocation. A library that defines the name and never refers to it that way (a plugin's
    // own allocator pair, -Bsymbolic-functions) pairs with its own definition, whatever another
    // library loaded rtld_global exports.
    static void *global_symbol(handle_type h, const char *name) noexcept {
#if defined(__ELF__) && defined(RTLD_DEFAULT)
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
        struct link_map *own = nullptr;
        if (h && ::dlinfo(h, RTLD_DI_LINKMAP, &own) == 0 && own) {
            const elf::own_binding binding = elf::binding_of(own, name);
            if (binding.defines && !binding.relocates)
                return nullptr;
        }
#else
        (void)h;
#endif
        return ::dlsym(RTLD_DEFAULT, name);
#else
        (void)h;
        (void)name;
        return nullptr;
#endif
    }

    // ELF and Mach-O exports are never decorated: a lookup that missed the plain name has no
    // other name to try (see windows/loader.hpp).
    static decorated_match decorated_symbol(handle_type, const char *, decoration) {
        return {};
    }

    // dlsym's failures are errc values already (symbol() above): none is a platform code.
    static bool is_missing_export(const std::error_code &) noexcept {
        return false;
    }

    // Export ordinals are a PE notion: ELF and Mach-O export names only. Never reached, since
    // a lookup by ordinal does not compile outside Windows (see library.hpp's symbol_name).
    static void *symbol_at(handle_type, unsigned short, os_error &err) {
        err.code = errc::symbol_not_found;
        err.text = "shared libraries export symbols by name only on this platform";
        return nullptr;
    }

    static bool close(handle_type h, os_error &err) {
        if (::dlclose(h) == 0)
            return true;
        err.code = errc::load_failed;
        err.text = last_dlerror("dlclose failed");
        return false;
    }

    // The file the loader mapped, as it recorded it (glibc: link_map::l_name).
    static std::string file_of(handle_type h, const std::string &fallback) {
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
        struct link_map *map = nullptr;
        if (::dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map) {
            if (map->l_name && map->l_name[0])
                return resolved_image_path(map->l_name, map->l_ld);
            std::string program = running_program_path(); // recorded with an empty name
            if (!program.empty())
                return program;
        }
#else
        (void)h;
#endif
        return fallback;
    }

    // Whether an image with this file name is still mapped, without loading it.
    static bool is_in_process(const std::string &file) {
#ifdef RTLD_NOLOAD
        if (file.empty())
            return false;
        handle_type h = ::dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
        if (h)
            ::dlclose(h);
        return h != nullptr;
#else
        (void)file;
        return false;
#endif
    }

    // The running program's own definition of the object `name` when it is an object of `size`
    // bytes and `h` is not the program: the program's copy of a library's object (a copy
    // relocation, as executables make of `environ` or `stdout`), which the library's own code
    // then uses instead of its original. Null when there is none.
    static void *program_copy(handle_type h, const char *name, std::size_t size) noexcept {
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
        void *program = ::dlopen(nullptr, RTLD_LAZY);
        if (!program)
            return nullptr;
        struct link_map *main_map = nullptr, *own = nullptr;
        void *copy = nullptr;
        if (::dlinfo(program, RTLD_DI_LINKMAP, &main_map) == 0 && main_map &&
            ::dlinfo(h, RTLD_DI_LINKMAP, &own) == 0 && own != main_map)
            copy = elf::object_named(main_map, name, size);
        ::dlclose(program);
        return copy;
#else
        (void)h;
        (void)name;
        (void)size;
        return nullptr;
#endif
    }

    // What the defining image's symbol table says about the symbol `name` that dlsym(h, name)
    // resolved to `address`. Most symbols are defined by the library itself: its own .dynsym is
    // asked first, a hash lookup. A thread-local export, the library's own or one it reaches
    // through a dependency, resolves to the calling thread's instance, which lies in no image:
    // it is found through the TLS blocks of the loaded images (elf::lookup_tls_in_loaded, a
    // range check per image with TLS, then one hash lookup). Only another symbol from a
    // dependency (or an IFUNC) goes to dladdr1, which glibc answers by scanning the defining
    // image's whole symbol table: microseconds for a library the size of libc (bench/README.md,
    // lookup_hit_libc).
    static symbol_facts facts_of(handle_type h, const void *address, const char *name) noexcept {
#ifdef CTYPES_DETAIL_HAS_LINK_MAP
        struct link_map *own = nullptr;
        symbol_facts facts;
        if (h && ::dlinfo(h, RTLD_DI_LINKMAP, &own) == 0 && own &&
            elf::lookup_exact(own, name, address, facts))
            return facts;
        if (elf::lookup_tls_in_loaded(name, address, facts))
            return facts;
        Dl_info info;
        struct link_map *map = nullptr;
        if (::dladdr1(address, &info, reinterpret_cast<void **>(&map), RTLD_DL_LINKMAP) && map)
            return elf::lookup(map, name, address);
#else
        (void)h;
        (void)address;
        (void)name;
#endif
        return {};
    }
};

} // namespace ctypes::detail

#endif
