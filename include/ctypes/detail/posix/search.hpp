// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_SEARCH_HPP
#define CTYPES_DETAIL_POSIX_SEARCH_HPP

// The ELF loader's search, re-done on disk for find_library() and for explaining failed loads:
// DT_RPATH (without DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, the default
// directories. Empty entries of LD_LIBRARY_PATH (which glibc takes as the current directory)
// are skipped on purpose: nothing here ever looks in the current directory.
// See https://man7.org/linux/man-pages/man8/ld.so.8.html

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif
#include <unistd.h>

#include "../ld_cache.hpp"
#include "../path.hpp"
#include "elf_file.hpp"

namespace ctypes::detail::search {

// The whole of a small file (the loader cache), or empty when it cannot be read. Files over
// 64 MiB are refused: no loader cache is that big.
inline std::string read_small_file(const char *path) {
    std::string bytes;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bytes;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < (64 << 20)) {
        bytes.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        bytes.resize(got);
    }
    ::close(fd);
    return bytes;
}

inline const char *cache_file() noexcept {
    return "/etc/ld.so.cache";
}

// LD_LIBRARY_PATH and DT_RPATH/DT_RUNPATH separate entries with colons (and, for glibc, also
// semicolons).
inline constexpr const char *list_separators = ":;";

// The directories the loader falls back to after the cache (glibc's system directories,
// with Debian's multiarch directories first).
inline std::vector<std::string> default_dirs() {
    std::vector<std::string> dirs;
#if defined(__x86_64__) && defined(__ILP32__)
    dirs = {"/lib/x86_64-linux-gnux32", "/usr/lib/x86_64-linux-gnux32", "/libx32", "/usr/libx32"};
#elif defined(__x86_64__)
    dirs = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"};
#elif defined(__i386__)
    dirs = {"/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu", "/lib32", "/usr/lib32"};
#elif defined(__aarch64__)
    dirs = {"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64"};
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
    dirs = {"/lib/arm-linux-gnueabihf", "/usr/lib/arm-linux-gnueabihf"};
#endif
    dirs.emplace_back("/lib");
    dirs.emplace_back("/usr/lib");
    return dirs;
}

inline bool is_regular_file(const std::string &path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// What $LIB expands to: the loader's own library directory below the root, which on Debian is
// the multiarch one ("lib/x86_64-linux-gnu"), the first default directory.
inline std::string lib_token() {
    return default_dirs().front().substr(1);
}

// What $PLATFORM expands to: the kernel's AT_PLATFORM string ("x86_64"), empty where unknown.
inline std::string platform_token() {
#if defined(__linux__)
    const auto *platform = reinterpret_cast<const char *>(::getauxval(AT_PLATFORM));
    return platform ? platform : "";
#else
    return {};
#endif
}

// Expands $ORIGIN (the directory of the object that names the path), $LIB and $PLATFORM, bare or
// in braces, as the loader does in DT_RPATH, DT_RUNPATH and DT_NEEDED; false when the text has
// another `$` token, which the loader would not accept either.
inline bool expand_tokens(std::string &text, const std::string &origin) {
    if (text.find('$') == std::string::npos)
        return true;
    const std::string lib = lib_token(), platform = platform_token();
    const std::pair<const char *, const std::string *> tokens[] = {
        {"${ORIGIN}", &origin}, {"$ORIGIN", &origin},       {"${LIB}", &lib},
        {"$LIB", &lib},         {"${PLATFORM}", &platform}, {"$PLATFORM", &platform}};
    for (const auto &[token, value] : tokens) {
        if (value->empty())
            continue;
        for (std::size_t at = 0; (at = text.find(token, at)) != std::string::npos;) {
            text.replace(at, std::char_traits<char>::length(token), *value);
            at += value->size();
        }
    }
    return text.find('$') == std::string::npos;
}

// A search list with its tokens expanded; an entry with an unknown token is dropped.
inline std::vector<std::string> expand_dirs(const std::string &list, const std::string &origin) {
    std::vector<std::string> out;
    for (std::string dir : detail::path::split_list(list.c_str(), list_separators))
        if (expand_tokens(dir, origin))
            out.push_back(std::move(dir));
    return out;
}

// A path's directory, "." for a bare file name (where $ORIGIN then points).
inline std::string directory_of(const std::string &file) {
    return detail::path::directory_of(file, detail::path::posix_separators, ".");
}

// Whether `file` is an ELF of the same class and machine as `like` (0 fields: anything).
inline bool compatible(const std::string &file, unsigned char elf_class, std::uint16_t machine) {
    const elf_file::dynamic_info info = elf_file::read_dynamic_file(file);
    if (!info.ok)
        return false;
    return (elf_class == 0 || info.elf_class == elf_class) &&
           (machine == 0 || info.machine == machine);
}

// The running program's ELF class and e_machine, which every library it loads must share.
inline constexpr unsigned char host_class() noexcept {
    return sizeof(void *) == 8 ? 2 : 1;
}
inline constexpr std::uint16_t host_machine() noexcept {
#if defined(__x86_64__)
    return 62;
#elif defined(__i386__)
    return 3;
#elif defined(__aarch64__)
    return 183;
#elif defined(__arm__)
    return 40;
#elif defined(__powerpc64__)
    return 21;
#elif defined(__powerpc__)
    return 20;
#elif defined(__s390__)
    return 22;
#elif defined(__riscv)
    return 243;
#elif defined(__mips__)
    return 8;
#elif defined(__loongarch__)
    return 258;
#else
    return 0; // unknown: accept any machine
#endif
}

// A bound on the file-system probes of one search walk: each candidate file costs one, and a
// walk that runs out stops with no answer rather than take minutes on a hostile graph.
struct probe_budget {
    std::size_t left = 16384;
    std::size_t used = 0;
    bool take() noexcept {
        if (left == 0)
            return false;
        --left;
        ++used;
        return true;
    }
};

// Where the loader would find the DT_NEEDED name `name` (tokens already expanded) of an object
// whose search lists are given, expanded: `rpath` (its DT_RPATH, then those its loaders pass
// down; empty when it has a DT_RUNPATH) and `runpath`. Empty when it would not find it, or the
// budget ran out. `cache` is the loader cache's bytes.
inline std::string resolve(const std::string &name, const std::vector<std::string> &rpath,
                           const std::vector<std::string> &runpath, const std::string &cache,
                           unsigned char elf_class, std::uint16_t machine, probe_budget &budget) {
    if (name.find('/') != std::string::npos)
        return budget.take() && is_regular_file(name) ? name : std::string();
    const auto try_dirs = [&](const std::vector<std::string> &dirs) -> std::string {
        for (const std::string &dir : dirs) {
            if (!budget.take())
                return {};
            std::string file = dir + "/" + name;
            if (is_regular_file(file) && compatible(file, elf_class, machine))
                return file;
        }
        return {};
    };
    std::string found;
    if (!(found = try_dirs(rpath)).empty())
        return found;
    if (!(found =
              try_dirs(detail::path::split_list(std::getenv("LD_LIBRARY_PATH"), list_separators)))
             .empty())
        return found;
    if (!(found = try_dirs(runpath)).empty())
        return found;
    std::string cached;
    if (ld_cache::lookup(reinterpret_cast<const unsigned char *>(cache.data()), cache.size(), name,
                         cached) &&
        budget.take() && is_regular_file(cached))
        return cached;
    return try_dirs(default_dirs());
}

} // namespace ctypes::detail::search

#endif
