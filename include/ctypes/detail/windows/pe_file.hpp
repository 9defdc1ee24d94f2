// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_PE_FILE_HPP
#define CTYPES_DETAIL_WINDOWS_PE_FILE_HPP

// The PE readers behind Windows inspection: a file's import directory (which DLLs it needs, read
// from disk when a load failed) and an image's export directory (its exported names). Both take
// untrusted bytes: every read is bounds-checked, counts are capped, and anything that does not
// add up ends the walk. Plain C++ without Windows headers, so that every platform compiles them
// and libFuzzer runs them (test/fuzz/pe_fuzz.cpp).
// See https://learn.microsoft.com/en-us/windows/win32/debug/pe-format

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "../bytes.hpp"

namespace ctypes::detail::pe {

inline std::uint32_t u32(const unsigned char *p) noexcept {
    return load_unaligned<std::uint32_t>(p);
}
inline std::uint16_t u16(const unsigned char *p) noexcept {
    return load_unaligned<std::uint16_t>(p);
}
inline constexpr std::uint32_t scn_mem_execute = 0x20000000u;
// The PE specification's limits: at most 96 sections; a DLL name no longer than MAX_PATH.
inline constexpr std::uint32_t max_sections = 96;
inline constexpr std::size_t max_name = 260;
// Import descriptors read at most (real DLLs import from a few dozen DLLs).
inline constexpr int max_imports = 4096;

// The DLL names a PE file imports at load time (its import directory; delay-loaded imports are
// not needed to load). `read(std::uint64_t offset, std::size_t n, void *out) -> bool` reads n
// bytes of the file, false when they are not all there. Returns false when the file is not a PE
// image or its import directory is unreadable; the names read so far stay in `out`.
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
        for (std::uint16_t i = 0; i < sections && i < max_sections; ++i) {
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
    for (int i = 0; i < max_imports; ++i, at += 20) {
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
        while (name.size() < max_name && read(name_at + name.size(), 1, &c) && c != '\0')
            name += c;
        if (!name.empty() && c == '\0')
            out.push_back(name);
    }
    return true;
}

// read_imports() over a file's bytes in memory.
inline bool read_imports(const unsigned char *data, std::size_t size,
                         std::vector<std::string> &out) {
    return read_imports(
        [&](std::uint64_t at, std::size_t n, void *dst) {
            if (!data || at > size || n > size - at)
                return false;
            std::memcpy(dst, data + at, n);
            return true;
        },
        out);
}

// One named export of an image.
struct export_entry {
    enum class kind {
        code,      // an RVA in an executable section
        data,      // an RVA elsewhere in the image
        forwarder, // an RVA inside the export directory: "OTHERDLL.name", not in this image
        none       // RVA 0 or outside the image
    };
    std::string_view name; // inside the image, and NUL-terminated there
    kind what = kind::none;
    std::uint32_t rva = 0;
};

// The size the image at `image` declares (SizeOfImage), reading the headers only: 0 when they
// are not a PE image's. For an image the loader mapped, whose headers it validated.
inline std::uint32_t mapped_size(const unsigned char *image) noexcept {
    if (!image || image[0] != 'M' || image[1] != 'Z')
        return 0;
    const unsigned char *nt = image + u32(image + 0x3c);
    if (std::memcmp(nt, "PE\0\0", 4) != 0)
        return 0;
    return u32(nt + 24 + 56);
}

// Calls `visit(const export_entry &) -> bool` for each named export of the image at `image`,
// `size` bytes laid out as the loader maps it (an RVA is an offset from `image`), until it
// returns true. Returns false when the image is not a PE image or its export directory does not
// fit in it. Every read stays in [image, image + size), whatever the bytes say.
template <class Visit>
bool for_each_export(const unsigned char *image, std::size_t size, Visit visit) {
    const auto fits = [&](std::uint64_t at, std::uint64_t n) {
        return at <= size && n <= size - at;
    };
    if (!image || !fits(0, 0x40) || image[0] != 'M' || image[1] != 'Z')
        return false;
    const std::uint64_t nt = u32(image + 0x3c);
    if (!fits(nt, 24) || std::memcmp(image + nt, "PE\0\0", 4) != 0)
        return false;
    const std::uint32_t sections = u16(image + nt + 6);
    const std::uint64_t opt = nt + 24;
    const std::uint64_t table = opt + u16(image + nt + 20);
    if (!fits(opt, 2))
        return false;
    const bool plus = u16(image + opt) == 0x20b;
    const std::uint64_t ndirs_at = opt + (plus ? 108 : 92), dirs = opt + (plus ? 112 : 96);
    if (!fits(ndirs_at, 4) || u32(image + ndirs_at) < 1 || !fits(dirs, 8))
        return false;
    const std::uint32_t export_rva = u32(image + dirs), export_size = u32(image + dirs + 4);
    if (export_rva == 0)
        return true; // exports nothing
    if (!fits(export_rva, 40))
        return false;
    const auto executable = [&](std::uint32_t rva) {
        for (std::uint32_t i = 0; i < sections && i < max_sections; ++i) {
            const std::uint64_t s = table + std::uint64_t{i} * 40;
            if (!fits(s, 40))
                return false;
            const std::uint32_t va = u32(image + s + 12), vsize = u32(image + s + 8);
            if (rva >= va && rva - va < vsize)
                return (u32(image + s + 36) & scn_mem_execute) != 0;
        }
        return false;
    };
    const unsigned char *dir = image + export_rva;
    const std::uint32_t nfunctions = u32(dir + 20), nnames = u32(dir + 24);
    const std::uint32_t functions = u32(dir + 28), names = u32(dir + 32), ordinals = u32(dir + 36);
    // The three arrays lie wholly inside the image: this also bounds the walk by its size.
    if (!fits(functions, std::uint64_t{nfunctions} * 4) ||
        !fits(names, std::uint64_t{nnames} * 4) || !fits(ordinals, std::uint64_t{nnames} * 2))
        return false;
    for (std::uint32_t i = 0; i < nnames; ++i) {
        const std::uint32_t name_rva = u32(image + names + std::size_t{i} * 4);
        const std::uint16_t ordinal = u16(image + ordinals + std::size_t{i} * 2);
        if (name_rva >= size || ordinal >= nfunctions)
            continue;
        export_entry e;
        const auto *name = reinterpret_cast<const char *>(image + name_rva);
        const void *nul = std::memchr(name, '\0', size - name_rva);
        if (!nul)
            continue; // a name that runs off the end of the image is no name
        e.name =
            std::string_view(name, static_cast<std::size_t>(static_cast<const char *>(nul) - name));
        e.rva = u32(image + functions + std::size_t{ordinal} * 4);
        if (e.rva >= export_rva && e.rva - export_rva < export_size)
            e.what = export_entry::kind::forwarder;
        else if (e.rva != 0 && e.rva < size)
            e.what = executable(e.rva) ? export_entry::kind::code : export_entry::kind::data;
        if (visit(e))
            break;
    }
    return true;
}

} // namespace ctypes::detail::pe

#endif
