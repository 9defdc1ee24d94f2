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

#include "../bytes.hpp"

#include "../../inspect.hpp"
#include "find_library.hpp"
#include "loader.hpp"
#include "win32.hpp"

namespace ctypes::detail {

namespace pe {
inline std::uint32_t u32(const unsigned char *p) noexcept {
    return load_unaligned<std::uint32_t>(p);
}
inline std::uint16_t u16(const unsigned char *p) noexcept {
    return load_unaligned<std::uint16_t>(p);
}
inline constexpr std::uint32_t scn_mem_execute = 0x20000000u;
} // namespace pe

// The module is mapped by the loader, which has validated its headers; the reads below still
// stay inside the image's declared size.
inline std::vector<symbol_info> image_symbols(HINSTANCE__ *handle) {
    std::vector<symbol_info> out;
    if (!handle)
        return out;
    const auto *base = reinterpret_cast<const unsigned char *>(handle);
    if (base[0] != 'M' || base[1] != 'Z')
        return out;
    const unsigned char *nt = base + pe::u32(base + 0x3c);
    if (std::memcmp(nt, "PE\0\0", 4) != 0)
        return out;
    const std::uint16_t sections = pe::u16(nt + 6);
    const std::uint16_t optional_size = pe::u16(nt + 20);
    const unsigned char *opt = nt + 24;
    const std::uint16_t magic = pe::u16(opt);
    const unsigned char *dirs = opt + (magic == 0x20b ? 112 : 96);
    const std::uint32_t size_of_image = pe::u32(opt + 56);
    const std::uint32_t export_rva = pe::u32(dirs), export_size = pe::u32(dirs + 4);
    if (export_rva == 0 || export_rva >= size_of_image || export_size < 40)
        return out;
    const unsigned char *section_table = opt + optional_size;
    const auto executable = [&](std::uint32_t rva) {
        for (std::uint16_t i = 0; i < sections; ++i) {
            const unsigned char *s = section_table + std::size_t{i} * 40;
            const std::uint32_t va = pe::u32(s + 12), vsize = pe::u32(s + 8);
            if (rva >= va && rva - va < vsize)
                return (pe::u32(s + 36) & pe::scn_mem_execute) != 0;
        }
        return false;
    };
    const unsigned char *dir = base + export_rva;
    const std::uint32_t nfunctions = pe::u32(dir + 20), nnames = pe::u32(dir + 24);
    const std::uint32_t functions = pe::u32(dir + 28), names = pe::u32(dir + 32),
                        ordinals = pe::u32(dir + 36);
    if (functions >= size_of_image || names >= size_of_image || ordinals >= size_of_image)
        return out;
    for (std::uint32_t i = 0; i < nnames; ++i) {
        const std::uint32_t name_rva = pe::u32(base + names + std::size_t{i} * 4);
        const std::uint16_t ordinal = pe::u16(base + ordinals + std::size_t{i} * 2);
        if (name_rva >= size_of_image || ordinal >= nfunctions)
            continue;
        const std::uint32_t rva = pe::u32(base + functions + std::size_t{ordinal} * 4);
        symbol_info info;
        const auto *name = reinterpret_cast<const char *>(base + name_rva);
        info.name.assign(name, strnlen(name, size_of_image - name_rva));
        if (rva >= export_rva && rva - export_rva < export_size) {
            info.kind = symbol_kind::other; // a forwarder ("OTHERDLL.name"), not code here
        } else if (rva != 0 && rva < size_of_image) {
            info.kind = executable(rva) ? symbol_kind::function : symbol_kind::object;
            info.address = base + rva;
        }
        out.push_back(std::move(info));
    }
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

inline std::string file_name_of(const std::string &path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
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
        const std::string have = lower_ascii(bare ? file_name_of(image.path) : image.path);
        if (have == wanted)
            return true;
    }
    return false;
}

namespace pe {

// The DLL names a PE file imports at load time (its import directory; delay-loaded imports are
// not needed to load). The file is untrusted: every read is bounds-checked by read(), and
// counts and string lengths are capped. Returns false when the file is not a PE image.
template <class Read>
bool read_imports(Read read, std::vector<std::string> &out) {
    std::uint32_t e_lfanew = 0;
    unsigned char mz[2];
    if (!read(0, 2, mz) || mz[0] != 'M' || mz[1] != 'Z' || !read(0x3c, 4, &e_lfanew))
        return false;
    unsigned char sig[4];
    if (!read(e_lfanew, 4, sig) || std::memcmp(sig, "PE\0\0", 4) != 0)
        return false;
    std::uint16_t sections = 0, optional_size = 0, magic = 0;
    const std::uint64_t opt = std::uint64_t{e_lfanew} + 24;
    if (!read(std::uint64_t{e_lfanew} + 6, 2, &sections) ||
        !read(std::uint64_t{e_lfanew} + 20, 2, &optional_size) || !read(opt, 2, &magic))
        return false;
    const bool plus = magic == 0x20b;
    std::uint32_t ndirs = 0, import_rva = 0;
    if (!read(opt + (plus ? 108 : 92), 4, &ndirs) || ndirs < 2 ||
        !read(opt + (plus ? 112 : 96) + 8, 4, &import_rva))
        return false;
    if (import_rva == 0)
        return true; // imports nothing
    const std::uint64_t table = opt + optional_size;
    const auto offset_of = [&](std::uint32_t rva, std::uint64_t &off) {
        for (std::uint16_t i = 0; i < sections && i < 96; ++i) {
            std::uint32_t va = 0, raw_size = 0, raw_ptr = 0;
            const std::uint64_t s = table + std::uint64_t{i} * 40;
            if (!read(s + 12, 4, &va) || !read(s + 16, 4, &raw_size) || !read(s + 20, 4, &raw_ptr))
                return false;
            if (rva >= va && rva - va < raw_size) {
                off = std::uint64_t{raw_ptr} + (rva - va);
                return true;
            }
        }
        return false;
    };
    std::uint64_t at = 0;
    if (!offset_of(import_rva, at))
        return false;
    for (int i = 0; i < 4096; ++i, at += 20) {
        unsigned char d[20];
        if (!read(at, 20, d))
            return false;
        bool zero = true;
        for (unsigned char c : d)
            zero = zero && c == 0;
        if (zero)
            break;
        std::uint64_t name_at = 0;
        if (!offset_of(u32(d + 12), name_at))
            continue;
        std::string name;
        char c = 0;
        while (name.size() < 260 && read(name_at + name.size(), 1, &c) && c != '\0')
            name += c;
        if (!name.empty() && c == '\0')
            out.push_back(name);
    }
    return true;
}

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

inline std::wstring directory_of(const std::wstring &path) {
    const auto slash = path.find_last_of(L"\\/");
    return slash == std::wstring::npos ? std::wstring() : path.substr(0, slash);
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
    dirs.push_back(pe::directory_of(to_wide(module_file(nullptr))));
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
            where.insert(where.begin(), pe::directory_of(object));
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
