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
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ld_cache.hpp"
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

// A colon- (or semicolon-) separated list, without empty entries.
inline std::vector<std::string> split_dirs(const char *list) {
    std::vector<std::string> dirs;
    if (!list)
        return dirs;
    std::string cur;
    for (const char *p = list;; ++p) {
        if (*p == ':' || *p == ';' || *p == '\0') {
            if (!cur.empty())
                dirs.push_back(cur);
            cur.clear();
            if (*p == '\0')
                break;
        } else {
            cur += *p;
        }
    }
    return dirs;
}

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

// $ORIGIN, ${ORIGIN} (the directory of the object that names the path), $LIB and $PLATFORM are
// expanded as the loader does; a path with an unknown token is dropped.
inline std::vector<std::string> expand_dirs(const std::string &list, const std::string &origin) {
    std::vector<std::string> out;
    for (std::string dir : split_dirs(list.c_str())) {
        for (const char *token : {"${ORIGIN}", "$ORIGIN"}) {
            for (std::size_t at; (at = dir.find(token)) != std::string::npos;)
                dir.replace(at, std::char_traits<char>::length(token), origin);
        }
        if (dir.find('$') == std::string::npos)
            out.push_back(dir);
    }
    return out;
}

inline std::string file_name_of(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

inline std::string directory_of(const std::string &path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
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

// Where the loader would find the DT_NEEDED name `name` of an object whose DT_RPATH and
// DT_RUNPATH are given and that lives in `origin`; empty when it would not. `cache` is the
// loader cache's bytes.
inline std::string resolve(const std::string &name, const std::string &rpath,
                           const std::string &runpath, const std::string &origin,
                           const std::string &cache, unsigned char elf_class,
                           std::uint16_t machine) {
    if (name.find('/') != std::string::npos)
        return is_regular_file(name) ? name : std::string();
    const auto try_dirs = [&](const std::vector<std::string> &dirs) -> std::string {
        for (const std::string &dir : dirs) {
            std::string file = dir + "/" + name;
            if (is_regular_file(file) && compatible(file, elf_class, machine))
                return file;
        }
        return {};
    };
    std::string found;
    if (runpath.empty() && !(found = try_dirs(expand_dirs(rpath, origin))).empty())
        return found;
    if (!(found = try_dirs(split_dirs(std::getenv("LD_LIBRARY_PATH")))).empty())
        return found;
    if (!(found = try_dirs(expand_dirs(runpath, origin))).empty())
        return found;
    std::string cached;
    if (ld_cache::lookup(reinterpret_cast<const unsigned char *>(cache.data()), cache.size(), name,
                         cached) &&
        is_regular_file(cached))
        return cached;
    return try_dirs(default_dirs());
}

} // namespace ctypes::detail::search

#endif
