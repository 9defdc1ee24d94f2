// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_INSPECT_HPP
#define CTYPES_DETAIL_WINDOWS_INSPECT_HPP

// Inspection on Windows: a loaded module's exports from its PE export directory, the modules in
// the process (K32EnumProcessModules), whether one is loaded, which imported DLL is missing when
// a load fails. Same functions as posix/inspect.hpp. Written to the PE/COFF specification and
// the documented Win32 API; the [windows] tests check it under Wine.
// See https://learn.microsoft.com/en-us/windows/win32/debug/pe-format#the-edata-section-image-only

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../path.hpp"
#include "../symbol_kind.hpp"
#include "find_library.hpp"
#include "loader.hpp"
#include "pe_file.hpp"
#include "win32.hpp"

namespace ctypes::detail {

// The module is mapped by the loader, which has validated its headers; the export directory is
// read within the image's declared size (pe::for_each_export).
inline std::vector<symbol_info> image_symbols(HINSTANCE__ *handle) {
    std::vector<symbol_info> out;
    const auto *base = reinterpret_cast<const unsigned char *>(handle);
    pe::for_each_export(base, pe::mapped_size(base), [&](const pe::export_entry &e) {
        symbol_info info;
        info.name = std::string(e.name);
        using k = pe::export_entry::kind;
        if (e.what == k::forwarder) {
            info.kind = symbol_kind::other; // a forwarder ("OTHERDLL.name"), not code here
        } else if (e.what != k::none) {
            info.kind = e.what == k::code ? symbol_kind::function : symbol_kind::object;
            info.address = base + e.rva;
        }
        out.push_back(std::move(info));
        return false;
    });
    return out;
}

inline std::string module_file(HINSTANCE__ *module) {
    std::wstring buffer(260, L'\0');
    for (;;) {
        const unsigned long n =
            GetModuleFileNameW(module, &buffer[0], static_cast<unsigned long>(buffer.size()));
        if (n == 0)
            return {};
        if (n < buffer.size()) {
            buffer.resize(n);
            return to_utf8(buffer);
        }
        buffer.resize(buffer.size() * 2);
    }
}

inline std::vector<loaded_image> loaded_images() {
    std::vector<loaded_image> out;
    std::vector<HINSTANCE__ *> modules(256);
    for (;;) {
        unsigned long needed = 0;
        const auto bytes = static_cast<unsigned long>(modules.size() * sizeof(HINSTANCE__ *));
        if (!K32EnumProcessModules(GetCurrentProcess(), modules.data(), bytes, &needed))
            return out;
        if (needed <= bytes) {
            modules.resize(needed / sizeof(HINSTANCE__ *));
            break;
        }
        modules.resize(needed / sizeof(HINSTANCE__ *) + 16);
    }
    for (HINSTANCE__ *m : modules)
        out.push_back({module_file(m), m});
    return out;
}

inline std::string lower_ascii(std::string s) {
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// File names compare without regard to ASCII case, as NTFS does by default; a path is made
// absolute with GetFullPathNameW first.
inline bool image_is_loaded(const std::string &path) {
    if (path.empty())
        return false;
    const bool bare = path.find_first_of("/\\") == std::string::npos;
    std::string wanted = lower_ascii(path);
    if (!bare) {
        const std::wstring wide = to_wide(path);
        std::wstring full(1024, L'\0');
        const unsigned long n = GetFullPathNameW(wide.c_str(), 1024, &full[0], nullptr);
        if (n > 0 && n < 1024) {
            full.resize(n);
            wanted = lower_ascii(to_utf8(full));
        }
    }
    for (const loaded_image &image : loaded_images()) {
        const std::string have = lower_ascii(
            bare ? detail::path::file_name_of(image.path, detail::path::windows_separators)
                 : image.path);
        if (have == wanted)
            return true;
    }
    return false;
}

namespace pe {

inline bool read_imports_file(const std::wstring &path, std::vector<std::string> &out) {
    std::FILE *f = _wfopen(path.c_str(), L"rb");
    if (!f)
        return false;
    const bool ok = read_imports(
        [&](std::uint64_t at, std::size_t n, void *dst) {
            return at < (std::uint64_t{1} << 40) &&
                   _fseeki64(f, static_cast<long long>(at), SEEK_SET) == 0 &&
                   std::fread(dst, 1, n, f) == n;
        },
        out);
    std::fclose(f);
    return ok;
}

} // namespace pe

// Why `name` failed to load when the reason is a missing dependency: each DLL in the import
// directory is looked for as LoadLibraryExW(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS |
// LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR) would: already loaded, the library's own directory, the
// application directory, System32. API sets (api-ms-*, ext-ms-*) are virtual and skipped.
// Directories added with AddDllDirectory are not known here, so a dependency found only there
// could be misreported; the loader's own text follows in the message either way.
inline std::string missing_dependency(const std::string &name) {
    const std::wstring wide = to_wide(name);
    const bool has_dir = wide.find_first_of(L"\\/") != std::wstring::npos;
    std::vector<std::wstring> dirs;
    dirs.push_back(detail::path::directory_of(to_wide(module_file(nullptr)),
                                              detail::path::windows_wide_separators, L""));
    std::wstring system(260, L'\0');
    const unsigned int n = GetSystemDirectoryW(&system[0], 260);
    if (n > 0 && n < 260) {
        system.resize(n);
        dirs.push_back(system);
    }
    std::wstring file;
    if (has_dir) {
        std::wstring full(1024, L'\0');
        const unsigned long m = GetFullPathNameW(wide.c_str(), 1024, &full[0], nullptr);
        if (m == 0 || m >= 1024)
            return {};
        full.resize(m);
        file = full;
    } else {
        for (const std::wstring &dir : dirs) {
            for (const std::wstring &candidate : {wide, wide + L".dll"})
                if (file.empty() && is_file_w(dir + L"\\" + candidate))
                    file = dir + L"\\" + candidate;
        }
    }
    if (file.empty() || !is_file_w(file))
        return {};
    std::vector<std::wstring> seen;
    std::string missing;
    const auto visit = [&](const auto &self, const std::wstring &object, int depth) -> bool {
        if (depth > 8 || std::find(seen.begin(), seen.end(), object) != seen.end())
            return false;
        seen.push_back(object);
        std::vector<std::string> imports;
        if (!pe::read_imports_file(object, imports))
            return false;
        for (const std::string &dll : imports) {
            const std::string lower = lower_ascii(dll);
            if (lower.compare(0, 7, "api-ms-") == 0 || lower.compare(0, 7, "ext-ms-") == 0)
                continue;
            const std::wstring wdll = to_wide(dll);
            if (GetModuleHandleW(wdll.c_str()))
                continue;
            std::wstring found;
            std::vector<std::wstring> where = dirs;
            where.insert(where.begin(), detail::path::directory_of(
                                            object, detail::path::windows_wide_separators, L""));
            for (const std::wstring &dir : where)
                if (found.empty() && !dir.empty() && is_file_w(dir + L"\\" + wdll))
                    found = dir + L"\\" + wdll;
            if (found.empty()) {
                missing =
                    "dependency '" + dll + "' (needed by '" + to_utf8(object) + "') was not found";
                return true;
            }
            if (self(self, found, depth + 1))
                return true;
        }
        return false;
    };
    visit(visit, file, 0);
    return missing;
}

// The same; the loader's text ("The specified module could not be found") is the same whether
// the library or one of its DLLs is missing, so it cannot narrow the search as on ELF.
inline std::string missing_dependency(const std::string &name, const std::string &) {
    return missing_dependency(name);
}

} // namespace ctypes::detail

#endif
