// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_LD_CACHE_HPP
#define CTYPES_DETAIL_LD_CACHE_HPP

// A reader for glibc's loader cache (/etc/ld.so.cache), in portable C++ so that tests and the
// fuzzer can feed it any bytes. The file is untrusted input: every offset and count is checked
// against the buffer before it is used, and anything that does not fit yields no entries.
//
// Layouts, as glibc's sysdeps/generic/dl-cache.h defines them and elf/cache.c writes them:
//   old:  "ld.so-1.7.0" (11 bytes), pad to 12, uint32 nlibs, then nlibs entries of
//         {int32 flags, uint32 key, uint32 value} (12 bytes); string offsets are relative to
//         the end of the entries.
//   new:  "glibc-ld.so.cache" "1.1" (20 bytes), uint32 nlibs, uint32 len_strings, uint8
//         flags (endianness), 3 pad, uint32 extension_offset, 3 x uint32 unused (48 bytes), then
//         nlibs entries of {int32 flags, uint32 key, uint32 value, uint32 osversion, uint64
//         hwcap} (24 bytes); string offsets are relative to the new header.
//   compat: an old cache followed, at the next multiple of the new header's alignment, by a
//         complete new cache; the loader prefers the new one.
// Entry flags: the low byte is the type (3 = ELF for glibc), the next byte the ABI.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "bytes.hpp"

namespace ctypes::detail::ld_cache {

inline constexpr std::int32_t flag_type_mask = 0x00ff;
inline constexpr std::int32_t flag_elf_libc6 = 0x0003;
inline constexpr std::int32_t flag_required_mask = 0xff00;
inline constexpr std::int32_t flag_sparc_lib64 = 0x0100;
inline constexpr std::int32_t flag_ia64_lib64 = 0x0200;
inline constexpr std::int32_t flag_x8664_lib64 = 0x0300;
inline constexpr std::int32_t flag_s390_lib64 = 0x0400;
inline constexpr std::int32_t flag_powerpc_lib64 = 0x0500;
inline constexpr std::int32_t flag_mips64_libn32 = 0x0600;
inline constexpr std::int32_t flag_mips64_libn64 = 0x0700;
inline constexpr std::int32_t flag_x8664_libx32 = 0x0800;
inline constexpr std::int32_t flag_arm_libhf = 0x0900;
inline constexpr std::int32_t flag_aarch64_lib64 = 0x0a00;
inline constexpr std::int32_t flag_arm_libsf = 0x0b00;
inline constexpr std::int32_t flag_mips_lib32_nan2008 = 0x0c00;
inline constexpr std::int32_t flag_mips64_libn32_nan2008 = 0x0d00;
inline constexpr std::int32_t flag_mips64_libn64_nan2008 = 0x0e00;
inline constexpr std::int32_t flag_riscv_float_abi_soft = 0x0f00;
inline constexpr std::int32_t flag_riscv_float_abi_double = 0x1000;
inline constexpr std::int32_t flag_larch_float_abi_soft = 0x1100;
inline constexpr std::int32_t flag_larch_float_abi_double = 0x1200;

// The flags of the entries the running process's loader accepts: glibc's _DL_CACHE_DEFAULT_ID
// for the ABI this code is compiled for (x86-64, x32 and i386 differ, as do ARM float ABIs).
constexpr std::int32_t running_abi() noexcept {
#if defined(__x86_64__) && defined(__ILP32__)
    return flag_elf_libc6 | flag_x8664_libx32;
#elif defined(__x86_64__)
    return flag_elf_libc6 | flag_x8664_lib64;
#elif defined(__aarch64__)
    return flag_elf_libc6 | flag_aarch64_lib64;
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
    return flag_elf_libc6 | flag_arm_libhf;
#elif defined(__arm__)
    return flag_elf_libc6 | flag_arm_libsf;
#elif defined(__powerpc64__)
    return flag_elf_libc6 | flag_powerpc_lib64;
#elif defined(__s390x__)
    return flag_elf_libc6 | flag_s390_lib64;
#elif defined(__sparc__) && defined(__arch64__)
    return flag_elf_libc6 | flag_sparc_lib64;
#elif defined(__ia64__)
    return flag_elf_libc6 | flag_ia64_lib64;
#elif defined(__mips__) && defined(_ABIN32) && defined(__mips_nan2008)
    return flag_elf_libc6 | flag_mips64_libn32_nan2008;
#elif defined(__mips__) && defined(_ABIN32)
    return flag_elf_libc6 | flag_mips64_libn32;
#elif defined(__mips__) && defined(_ABI64) && defined(__mips_nan2008)
    return flag_elf_libc6 | flag_mips64_libn64_nan2008;
#elif defined(__mips__) && defined(_ABI64)
    return flag_elf_libc6 | flag_mips64_libn64;
#elif defined(__mips__) && defined(__mips_nan2008)
    return flag_elf_libc6 | flag_mips_lib32_nan2008;
#elif defined(__riscv) && defined(__riscv_float_abi_double)
    return flag_elf_libc6 | flag_riscv_float_abi_double;
#elif defined(__riscv)
    return flag_elf_libc6 | flag_riscv_float_abi_soft;
#elif defined(__loongarch__) && defined(__loongarch_double_float)
    return flag_elf_libc6 | flag_larch_float_abi_double;
#elif defined(__loongarch__)
    return flag_elf_libc6 | flag_larch_float_abi_soft;
#else
    return flag_elf_libc6; // i386, 32-bit PowerPC, m68k, ...
#endif
}

// One entry: the soname the loader matches (`key`) and the file it maps (`value`). The views
// point into the caller's buffer.
struct entry {
    std::int32_t flags = 0;
    std::string_view key;
    std::string_view value;
    std::uint64_t hwcap = 0; // 0 in the old format
};

inline constexpr char old_magic[] = "ld.so-1.7.0"; // without its NUL: 11 bytes
inline constexpr char new_magic[] = "glibc-ld.so.cache"
                                    "1.1"; // without its NUL: 20 bytes
inline constexpr std::size_t old_header_size = 16;
inline constexpr std::size_t old_entry_size = 12;
inline constexpr std::size_t new_header_size = 48;
inline constexpr std::size_t new_entry_size = 24;

// The cache is written in the host's byte order.
inline std::uint32_t load_u32(const unsigned char *p) noexcept {
    return load_unaligned<std::uint32_t>(p);
}
inline std::uint64_t load_u64(const unsigned char *p) noexcept {
    return load_unaligned<std::uint64_t>(p);
}

// A NUL-terminated string at `offset` inside [base, base + size), or an empty view when the
// offset is outside or no NUL follows before the end.
inline std::string_view string_at(const unsigned char *base, std::size_t size,
                                  std::uint32_t offset) noexcept {
    if (offset >= size)
        return {};
    const auto *start = reinterpret_cast<const char *>(base + offset);
    const void *nul = std::memchr(start, '\0', size - offset);
    if (!nul)
        return {};
    return std::string_view(start,
                            static_cast<std::size_t>(static_cast<const char *>(nul) - start));
}

// The byte order recorded in a new header: 0 unset (accepted, as glibc does), 2 little, 3 big.
inline bool endian_matches(unsigned char flags) noexcept {
    const unsigned v = flags & 3u;
    if (v == 0)
        return true;
    const std::uint16_t probe = 1;
    unsigned char first;
    std::memcpy(&first, &probe, 1);
    return v == (first == 1 ? 2u : 3u);
}

// Calls visit(entry) for every entry, in file order, until visit returns true. Returns false,
// visiting nothing, when the buffer is not a complete cache this reader understands: a wrong
// magic, counts or a string table larger than the buffer (truncated), or any entry whose key or
// value is not a non-empty NUL-terminated string inside it (corrupt). A cache is used whole or
// not at all.
template <class Visit>
bool for_each_entry(const unsigned char *data, std::size_t size, Visit visit) {
    if (!data)
        return false;
    const auto visit_new = [&](std::size_t at) {
        // [at, size) holds a new cache; its strings are relative to `at`.
        const unsigned char *base = data + at;
        const std::size_t avail = size - at;
        if (avail < new_header_size || !endian_matches(base[28]))
            return false;
        const std::uint32_t nlibs = load_u32(base + 20);
        const std::uint32_t len_strings = load_u32(base + 24);
        if ((avail - new_header_size) / new_entry_size < nlibs ||
            avail - new_header_size - std::size_t{nlibs} * new_entry_size < len_strings)
            return false; // the declared entries and strings are not all there: truncated
        for (std::uint32_t i = 0; i < nlibs; ++i) {
            const unsigned char *e = base + new_header_size + std::size_t{i} * new_entry_size;
            if (string_at(base, avail, load_u32(e + 4)).empty() ||
                string_at(base, avail, load_u32(e + 8)).empty())
                return false; // a string outside the file: corrupt, so trust none of it
        }
        for (std::uint32_t i = 0; i < nlibs; ++i) {
            const unsigned char *e = base + new_header_size + std::size_t{i} * new_entry_size;
            entry out;
            out.flags = static_cast<std::int32_t>(load_u32(e));
            out.key = string_at(base, avail, load_u32(e + 4));
            out.value = string_at(base, avail, load_u32(e + 8));
            out.hwcap = load_u64(e + 16);
            if (visit(out))
                break;
        }
        return true;
    };
    constexpr std::size_t new_magic_size = sizeof new_magic - 1;
    constexpr std::size_t old_magic_size = sizeof old_magic - 1;
    if (size >= new_header_size && std::memcmp(data, new_magic, new_magic_size) == 0)
        return visit_new(0);
    if (size < old_header_size || std::memcmp(data, old_magic, old_magic_size) != 0)
        return false;
    const std::uint32_t nlibs = load_u32(data + 12);
    if ((size - old_header_size) / old_entry_size < nlibs)
        return false;
    const std::size_t entries_end = old_header_size + std::size_t{nlibs} * old_entry_size;
    // A new cache embedded after the old one wins, as in the loader. glibc aligns it to the new
    // header's alignment, which is 8 where uint64_t is 8-aligned in structs and 4 on i386.
    for (std::size_t align : {std::size_t{8}, std::size_t{4}}) {
        const std::size_t at = (entries_end + align - 1) / align * align;
        if (at <= size && size - at >= new_header_size &&
            std::memcmp(data + at, new_magic, new_magic_size) == 0)
            return visit_new(at);
    }
    const unsigned char *strings = data + entries_end;
    const std::size_t strings_size = size - entries_end;
    for (std::uint32_t i = 0; i < nlibs; ++i) {
        const unsigned char *e = data + old_header_size + std::size_t{i} * old_entry_size;
        if (string_at(strings, strings_size, load_u32(e + 4)).empty() ||
            string_at(strings, strings_size, load_u32(e + 8)).empty())
            return false;
    }
    for (std::uint32_t i = 0; i < nlibs; ++i) {
        const unsigned char *e = data + old_header_size + std::size_t{i} * old_entry_size;
        entry out;
        out.flags = static_cast<std::int32_t>(load_u32(e));
        out.key = string_at(strings, strings_size, load_u32(e + 4));
        out.value = string_at(strings, strings_size, load_u32(e + 8));
        if (visit(out))
            break;
    }
    return true;
}

// glibc's _dl_cache_libcmp: runs of digits compare as numbers, so "libfoo.so.10" sorts above
// "libfoo.so.9". Numbers saturate instead of overflowing (the input is untrusted).
inline int compare_names(std::string_view a, std::string_view b) noexcept {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0, j = 0;
    while (i < a.size()) {
        if (digit(a[i])) {
            if (j >= b.size() || !digit(b[j]))
                return 1;
            std::uint64_t va = 0, vb = 0;
            constexpr std::uint64_t cap = 1000000000000000000ull;
            for (; i < a.size() && digit(a[i]); ++i)
                va = va >= cap ? cap : va * 10 + static_cast<unsigned>(a[i] - '0');
            for (; j < b.size() && digit(b[j]); ++j)
                vb = vb >= cap ? cap : vb * 10 + static_cast<unsigned>(b[j] - '0');
            if (va != vb)
                return va < vb ? -1 : 1;
        } else if (j < b.size() && digit(b[j])) {
            return -1;
        } else if (j >= b.size() || a[i] != b[j]) {
            const int cb = j < b.size() ? static_cast<unsigned char>(b[j]) : 0;
            return static_cast<unsigned char>(a[i]) - cb;
        } else {
            ++i;
            ++j;
        }
    }
    return j < b.size() ? -static_cast<unsigned char>(b[j]) : 0;
}

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whether `key` is a name ctypes.util.find_library(name) accepts: "lib" + name + "." followed by
// at least one more character, and no white space (ctypes matches `lib<name>\.[^\s]+` in the
// output of `ldconfig -p`).
inline bool key_matches(std::string_view key, std::string_view name) noexcept {
    if (key.size() < 3 + name.size() + 2 || key.compare(0, 3, "lib") != 0 ||
        key.compare(3, name.size(), name) != 0 || key[3 + name.size()] != '.')
        return false;
    for (char c : key)
        if (is_space(c))
            return false;
    return true;
}

// The soname ctypes.util.find_library(name) picks from the cache: among the entries for `abi`
// whose key is `lib<name>.<something>`, the newest by the loader's own ordering (the cache is
// sorted newest first, so on a cache ldconfig wrote this is the first match, which is what
// ctypes returns). Empty when nothing matches or the buffer is not a cache.
inline std::string find(const unsigned char *data, std::size_t size, std::string_view name,
                        std::int32_t abi = running_abi()) {
    std::string_view best;
    if (name.empty())
        return {};
    for_each_entry(data, size, [&](const entry &e) {
        if (e.flags == abi && key_matches(e.key, name) &&
            (best.empty() || compare_names(e.key, best) > 0))
            best = e.key;
        return false;
    });
    return std::string(best);
}

// Whether the cache has an entry for exactly this soname and ABI; its file in `file`.
inline bool lookup(const unsigned char *data, std::size_t size, std::string_view soname,
                   std::string &file, std::int32_t abi = running_abi()) {
    bool found = false;
    for_each_entry(data, size, [&](const entry &e) {
        if (e.flags == abi && e.key == soname) {
            file = std::string(e.value);
            found = true;
        }
        return found;
    });
    return found;
}

} // namespace ctypes::detail::ld_cache

#endif
