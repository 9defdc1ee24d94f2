// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_CODE_MEMORY_HPP
#define CTYPES_DETAIL_POSIX_CODE_MEMORY_HPP

// Memory for the thunks made at run time, W^X: mapped read-write, filled, then made read-execute,
// never writable and executable at once. The same interface as windows/code_memory.hpp;
// code_memory.hpp picks one.

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <system_error>

namespace ctypes::detail::code_memory {

#if defined(MAP_ANONYMOUS)
inline constexpr int map_anonymous = MAP_ANONYMOUS;
#else
inline constexpr int map_anonymous = MAP_ANON; // older BSDs and macOS spell it so
#endif

inline std::size_t page_size() noexcept {
    const long n = ::sysconf(_SC_PAGESIZE);
    return n > 0 ? static_cast<std::size_t>(n) : 4096;
}

inline std::string last_error(const char *call) {
    return std::string(call) + ": " + std::generic_category().message(errno);
}

// Read-write pages, or null with the reason in `why`.
inline void *map_writable(std::size_t bytes, std::string &why) {
    void *p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | map_anonymous, -1, 0);
    if (p == MAP_FAILED) {
        why = last_error("mmap");
        return nullptr;
    }
    return p;
}

// Makes written pages read-execute; false with the reason when the system refuses run-time code
// (SELinux deny_execmem, PaX MPROTECT, a seccomp policy, a hardened runtime).
inline bool make_executable(void *p, std::size_t bytes, std::string &why) {
    if (::mprotect(p, bytes, PROT_READ | PROT_EXEC) != 0) {
        why = last_error("mprotect");
        return false;
    }
    return true; // x86 keeps instruction fetches coherent with stores: nothing to flush
}

inline void unmap(void *p, std::size_t bytes) noexcept {
    ::munmap(p, bytes);
}

} // namespace ctypes::detail::code_memory

#endif
