// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_WIN32_HPP
#define CTYPES_DETAIL_WINDOWS_WIN32_HPP

// The few Win32 functions ctypes-cpp calls, declared with exactly the types <windows.h> gives
// them, so that this header and <windows.h> can be included in either order while ours defines
// no macro at all: no min/max, no near/far, no UNICODE switches leak into the user's code.

#include <cstdarg>
#include <cstdint>

struct HINSTANCE__; // the type behind HMODULE with STRICT, which <windows.h> defines by default

#define CTYPES_DETAIL_WINAPI __stdcall
#define CTYPES_DETAIL_IMPORT __declspec(dllimport)

namespace ctypes::detail::win32 {
// FARPROC. Spelled inline in GetProcAddress's declarator, the inner __stdcall is taken by
// GetProcAddress itself on 32-bit x86 and it is left cdecl: the alias keeps both right.
using farproc = std::intptr_t(CTYPES_DETAIL_WINAPI *)();
// SIZE_T (ULONG_PTR): unsigned __int64 on 64-bit Windows, unsigned long on 32-bit, which is not
// std::size_t (unsigned int) there.
#if defined(_WIN64)
using size_t_ = unsigned long long;
#else
using size_t_ = unsigned long;
#endif
// PFLS_CALLBACK_FUNCTION.
using fls_callback = void(CTYPES_DETAIL_WINAPI *)(void *);
} // namespace ctypes::detail::win32

extern "C" {
CTYPES_DETAIL_IMPORT HINSTANCE__ *CTYPES_DETAIL_WINAPI LoadLibraryExW(const wchar_t *, void *,
                                                                      unsigned long);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI FreeLibrary(HINSTANCE__ *);
CTYPES_DETAIL_IMPORT ctypes::detail::win32::farproc CTYPES_DETAIL_WINAPI
GetProcAddress(HINSTANCE__ *, const char *);
CTYPES_DETAIL_IMPORT HINSTANCE__ *CTYPES_DETAIL_WINAPI GetModuleHandleW(const wchar_t *);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI GetModuleHandleExW(unsigned long, const wchar_t *,
                                                                 HINSTANCE__ **);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI GetModuleFileNameW(HINSTANCE__ *, wchar_t *,
                                                                           unsigned long);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI GetFullPathNameW(const wchar_t *,
                                                                         unsigned long, wchar_t *,
                                                                         wchar_t **);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI GetLastError(void);
CTYPES_DETAIL_IMPORT void CTYPES_DETAIL_WINAPI SetLastError(unsigned long);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI FormatMessageW(unsigned long, const void *,
                                                                       unsigned long, unsigned long,
                                                                       wchar_t *, unsigned long,
                                                                       va_list *);
CTYPES_DETAIL_IMPORT void *CTYPES_DETAIL_WINAPI LocalFree(void *);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI SetThreadErrorMode(unsigned long, unsigned long *);
CTYPES_DETAIL_IMPORT void *CTYPES_DETAIL_WINAPI GetCurrentProcess(void);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI K32EnumProcessModules(void *, HINSTANCE__ **,
                                                                    unsigned long, unsigned long *);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI GetFileAttributesW(const wchar_t *);
CTYPES_DETAIL_IMPORT unsigned int CTYPES_DETAIL_WINAPI GetSystemDirectoryW(wchar_t *, unsigned int);
CTYPES_DETAIL_IMPORT unsigned long CTYPES_DETAIL_WINAPI GetEnvironmentVariableW(const wchar_t *,
                                                                                wchar_t *,
                                                                                unsigned long);
CTYPES_DETAIL_IMPORT void *CTYPES_DETAIL_WINAPI VirtualAlloc(void *, ctypes::detail::win32::size_t_,
                                                             unsigned long, unsigned long);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI VirtualProtect(void *, ctypes::detail::win32::size_t_,
                                                             unsigned long, unsigned long *);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI VirtualFree(void *, ctypes::detail::win32::size_t_,
                                                          unsigned long);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI FlushInstructionCache(void *, const void *,
                                                                    ctypes::detail::win32::size_t_);
CTYPES_DETAIL_IMPORT unsigned long
    CTYPES_DETAIL_WINAPI FlsAlloc(ctypes::detail::win32::fls_callback);
CTYPES_DETAIL_IMPORT void *CTYPES_DETAIL_WINAPI FlsGetValue(unsigned long);
CTYPES_DETAIL_IMPORT int CTYPES_DETAIL_WINAPI FlsSetValue(unsigned long, void *);
}

#undef CTYPES_DETAIL_WINAPI
#undef CTYPES_DETAIL_IMPORT

namespace ctypes::detail::win32 {
// Constants from <winbase.h> and <libloaderapi.h>, under our own names.
inline constexpr unsigned long load_library_search_dll_load_dir = 0x00000100;
inline constexpr unsigned long load_library_search_default_dirs = 0x00001000;
inline constexpr unsigned long get_module_handle_ex_flag_pin = 0x00000001;
inline constexpr unsigned long get_module_handle_ex_flag_unchanged_refcount = 0x00000002;
inline constexpr unsigned long get_module_handle_ex_flag_from_address = 0x00000004;
inline constexpr unsigned long format_message_allocate_buffer = 0x00000100;
inline constexpr unsigned long format_message_ignore_inserts = 0x00000200;
inline constexpr unsigned long format_message_from_system = 0x00001000;
inline constexpr unsigned long sem_failcriticalerrors = 0x0001;
inline constexpr unsigned long sem_noopenfileerrorbox = 0x8000;
inline constexpr unsigned long error_insufficient_buffer = 122;
inline constexpr unsigned long invalid_file_attributes = 0xFFFFFFFFul;
inline constexpr unsigned long file_attribute_directory = 0x10;
// <winnt.h>: VirtualAlloc / VirtualProtect / VirtualFree.
inline constexpr unsigned long mem_commit = 0x00001000;
inline constexpr unsigned long mem_reserve = 0x00002000;
inline constexpr unsigned long mem_release = 0x00008000;
inline constexpr unsigned long page_readwrite = 0x04;
inline constexpr unsigned long page_execute_read = 0x20;
// <winbase.h>: FlsAlloc's failure.
inline constexpr unsigned long fls_out_of_indexes = 0xFFFFFFFFul;
} // namespace ctypes::detail::win32

#endif
