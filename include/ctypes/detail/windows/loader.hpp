// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_LOADER_HPP
#define CTYPES_DETAIL_WINDOWS_LOADER_HPP

// The Windows loader: LoadLibraryExW, GetProcAddress, FreeLibrary. Same members as
// posix/loader.hpp; loader.hpp picks one. Never includes <windows.h> (see win32.hpp).
// See
// https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/nf-libloaderapi-loadlibraryexw

#include <cstdint>
#include <string>
#include <system_error>

#include "../config.hpp"
#include "../errc.hpp"
#include "../flag_bits.hpp"
#include "../os_error.hpp"
#include "../stdcall_names.hpp"
#include "../symbol_kind.hpp"
#include "../unicode.hpp"
#include "system_message.hpp"
#include "win32.hpp"

namespace ctypes::detail {

struct native_loader {
    using handle_type = HINSTANCE__ *;
    using path_string = std::wstring;

    static path_string native_path(const std::string &utf8) { return to_wide(utf8); }
    static path_string native_path(const std::wstring &wide) { return wide; }

    // The system's text for a Win32 error, or its number where the system has no text.
    static std::string system_text(unsigned long code) {
        std::string text = win32::system_message(code);
        return text.empty() ? "Windows error " + std::to_string(code) : text;
    }

    static void fail(os_error &err) {
        const unsigned long code = GetLastError();
        err.code = std::error_code(static_cast<int>(code), std::system_category());
        err.text = system_text(code);
    }

    static bool has_directory(const path_string &p) noexcept {
        return p.find_first_of(L"\\/") != path_string::npos;
    }

    // An absolute path with backslashes, as LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR requires; the path
    // as it is if Windows cannot make it one (the load then reports why).
    static path_string full_path(const path_string &p) {
        std::wstring buffer(32768, L'\0'); // the longest path Windows accepts
        const unsigned long n = GetFullPathNameW(
            p.c_str(), static_cast<unsigned long>(buffer.size()), &buffer[0], nullptr);
        if (n == 0 || n >= buffer.size())
            return p;
        buffer.resize(n);
        return buffer;
    }

    // path: nullptr for the running program.
    static handle_type open(const path_string *path, load_flags flags, os_error &err) {
        if (!path) {
            handle_type self = GetModuleHandleW(nullptr);
            if (!self)
                fail(err);
            return self;
        }
        // A path with a directory loads its dependencies from that directory; a bare name is
        // searched in the safe default directories only (the application's directory,
        // System32, AddDllDirectory's), never the current directory.
        const bool directory = has_directory(*path);
        const path_string file = directory ? full_path(*path) : *path;
        handle_type h = nullptr;
        if (has_flags(flags, load_flags::rtld_noload)) {
            if (!GetModuleHandleExW(0, file.c_str(), &h)) // takes a reference, as a load does
                fail(err);
            return h;
        }
        unsigned long search = win32::load_library_search_default_dirs;
        if (directory)
            search |= win32::load_library_search_dll_load_dir;
        // No "cannot find the file" or "insert a disk" dialog may stop a load: this thread
        // fails silently while the loader runs, then gets its own mode back.
        unsigned long old_mode = 0;
        const bool mode_set = SetThreadErrorMode(
            win32::sem_failcriticalerrors | win32::sem_noopenfileerrorbox, &old_mode);
        h = LoadLibraryExW(file.c_str(), nullptr, search);
        if (!h)
            fail(err);
        if (mode_set)
            SetThreadErrorMode(old_mode, nullptr);
        if (h && has_flags(flags, load_flags::rtld_nodelete)) {
            handle_type pinned = nullptr;
            GetModuleHandleExW(win32::get_module_handle_ex_flag_pin |
                                   win32::get_module_handle_ex_flag_from_address,
                               reinterpret_cast<const wchar_t *>(h), &pinned);
        }
        return h;
    }

    // GetModuleHandleW(NULL) takes no reference, so there is none to give back.
    static bool self_is_owned() noexcept { return false; }

    // PE imports name their DLL: there is no interposition, a library's calls reach its own.
    static void *global_symbol(handle_type, const char *) noexcept { return nullptr; }

    static void *symbol(handle_type h, const char *name, os_error &err) {
        void *p = reinterpret_cast<void *>(GetProcAddress(h, name));
        if (!p)
            fail(err);
        return p;
    }

    // 32-bit x86 exports stdcall functions as `_name@N` (MSVC) or `name@N` (MinGW), or as a user
    // convention's rule makes them (stdcall_names.hpp): after GetProcAddress missed the plain
    // name, which decorated export a lookup of `name` with `d` (never no_decoration) should use,
    // found or a mismatch of another N. Other targets never decorate.
    static decorated_match decorated_symbol(handle_type h, const char *name, decoration d) {
#if CTYPES_DETAIL_X86_32
        return find_decorated(
            name, d.argument_bytes,
            [&](const std::string &n) { return GetProcAddress(h, n.c_str()) != nullptr; }, d.rule);
#else
        (void)h;
        (void)name;
        (void)d;
        return {};
#endif
    }

    // GetProcAddress's "no such export": ERROR_PROC_NOT_FOUND, a system_category() code.
    static bool is_missing_export(const std::error_code &ec) noexcept {
        return ec.category() == std::system_category() && ec.value() == 127;
    }

    // By export ordinal: GetProcAddress takes the number in the low word of the name pointer
    // (MAKEINTRESOURCEA).
    static void *symbol_at(handle_type h, unsigned short ordinal, os_error &err) {
        const auto as_name = reinterpret_cast<const char *>(static_cast<std::uintptr_t>(ordinal));
        void *p = reinterpret_cast<void *>(GetProcAddress(h, as_name));
        if (!p)
            fail(err);
        return p;
    }

    static bool close(handle_type h, os_error &err) {
        if (FreeLibrary(h))
            return true;
        fail(err);
        return false;
    }

    static std::string file_of(handle_type h, const std::string &fallback) {
        std::wstring buffer(260, L'\0');
        for (;;) {
            const unsigned long n =
                GetModuleFileNameW(h, &buffer[0], static_cast<unsigned long>(buffer.size()));
            if (n == 0)
                return fallback;
            if (n < buffer.size())
                return to_utf8(buffer.data(), n);
            buffer.resize(buffer.size() * 2);
        }
    }

    static bool is_in_process(const std::string &file) {
        handle_type h = nullptr;
        return !file.empty() &&
               GetModuleHandleExW(win32::get_module_handle_ex_flag_unchanged_refcount,
                                  to_wide(file).c_str(), &h) != 0;
    }

    // PE exports record neither a kind nor a size.
    static symbol_facts facts_of(handle_type, const void *, const char *) noexcept {
        return {};
    }

    // PE has no copy relocations: an exported object lives in its DLL only.
    static void *program_copy(handle_type, const char *, std::size_t) noexcept {
        return nullptr;
    }
};

} // namespace ctypes::detail

#endif
