// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_CODE_MEMORY_HPP
#define CTYPES_DETAIL_WINDOWS_CODE_MEMORY_HPP

// Memory for the thunks made at run time, W^X: committed read-write, filled, then made
// execute-read with VirtualProtect, never writable and executable at once. The same interface as
// posix/code_memory.hpp; code_memory.hpp picks one.

#include <cstddef>
#include <string>

#include "system_message.hpp"
#include "win32.hpp"

namespace ctypes::detail::code_memory {

inline std::size_t page_size() noexcept {
    return 4096; // every Windows on x86 and x64; VirtualAlloc rounds the region up to it
}

inline std::string last_error(const char *call) {
    return std::string(call) + ": " + win32::system_message(::GetLastError());
}

inline void *map_writable(std::size_t bytes, std::string &why) {
    void *p = ::VirtualAlloc(nullptr, bytes, win32::mem_commit | win32::mem_reserve,
                             win32::page_readwrite);
    if (!p)
        why = last_error("VirtualAlloc");
    return p;
}

// False with the reason when the process may not make code (Arbitrary Code Guard, for one).
inline bool make_executable(void *p, std::size_t bytes, std::string &why) {
    unsigned long old = 0;
    if (!::VirtualProtect(p, bytes, win32::page_execute_read, &old)) {
        why = last_error("VirtualProtect");
        return false;
    }
    ::FlushInstructionCache(::GetCurrentProcess(), p, bytes);
    return true;
}

inline void unmap(void *p, std::size_t) noexcept {
    ::VirtualFree(p, 0, win32::mem_release);
}

} // namespace ctypes::detail::code_memory

#endif
