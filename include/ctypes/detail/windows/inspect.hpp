// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_INSPECT_HPP
#define CTYPES_DETAIL_WINDOWS_INSPECT_HPP

// Inspection on Windows: a loaded module's exports from its PE export directory, the modules in
// the process (K32EnumProcessModules), whether one is loaded. Same functions as
// posix/inspect.hpp. Written to the PE/COFF specification and the documented Win32 API; the
// [windows] test checks it under Wine.
// See https://learn.microsoft.com/en-us/windows/win32/debug/pe-format#the-edata-section-image-only

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../../inspect.hpp"
#include "loader.hpp"
#include "win32.hpp"

namespace ctypes::detail {

namespace pe {
inline std::uint32_t u32(const unsigned char *p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline std::uint16_t u16(const unsigned char *p) noexcept {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
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

// Not implemented for PE: the import directory is not read yet, so a missing dependency is
// reported with the loader's own text only.
inline std::string missing_dependency(const std::string &) {
    return {};
}

} // namespace ctypes::detail

#endif
