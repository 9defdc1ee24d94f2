// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_ELF_FILE_HPP
#define CTYPES_DETAIL_POSIX_ELF_FILE_HPP

// Reads the dynamic section of an ELF file on disk (one that is not loaded, typically because
// loading it failed): its DT_NEEDED, DT_SONAME, DT_RPATH and DT_RUNPATH strings. The file is
// untrusted: every read is bounds-checked through read_at(), counts are capped, and anything
// that does not add up gives `ok == false`.
// See the System V gABI, "ELF Header", "Program Header" and "Dynamic Section".

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ctypes::detail::elf_file {

struct dynamic_info {
    bool ok = false;
    unsigned char elf_class = 0; // 1: ELF32, 2: ELF64
    std::uint16_t machine = 0;
    std::vector<std::string> needed;
    std::string soname;
    std::string rpath;
    std::string runpath;
};

// ELF constants from the gABI, under our own names (so that no system header is needed).
inline constexpr std::uint32_t pt_load = 1, pt_dynamic = 2;
inline constexpr std::int64_t dt_null = 0, dt_needed = 1, dt_strtab = 5, dt_strsz = 10,
                              dt_soname = 14, dt_rpath = 15, dt_runpath = 29;

struct segment {
    std::uint64_t offset, vaddr, filesz;
};

// What the ELF header and the program headers say. `load_end` is the largest end (offset +
// file size) of a loadable segment: the file must be at least that long, or the loader's
// mappings reach past its end.
struct program_headers {
    bool ok = false;
    bool is64 = false;
    unsigned char elf_class = 0; // 1: ELF32, 2: ELF64
    std::uint16_t machine = 0;
    std::vector<segment> loads; // the first 64 PT_LOAD entries
    segment dynamic{0, 0, 0};
    bool has_dynamic = false;
    std::uint64_t load_end = 0;
    bool load_end_overflows = false;
};

// One address-sized field (4 or 8 bytes) at `at`, widened.
template <class Read>
bool read_word(Read &read, bool is64, std::uint64_t at, std::uint64_t &v) {
    if (is64)
        return read(at, 8, &v);
    std::uint32_t w;
    if (!read(at, 4, &w))
        return false;
    v = w;
    return true;
}

// `read(offset, size, destination)` copies bytes of the file, returning false when they are not
// all there. Works on 32- and 64-bit files of the host's byte order.
template <class Read>
program_headers read_program_headers(Read read) {
    program_headers out;
    unsigned char ident[16];
    if (!read(0, sizeof ident, ident) || std::memcmp(ident,
                                                     "\x7f"
                                                     "ELF",
                                                     4) != 0)
        return out;
    const std::uint16_t probe = 1;
    unsigned char first;
    std::memcpy(&first, &probe, 1);
    if (ident[5] != (first == 1 ? 1 : 2)) // EI_DATA: 1 little, 2 big
        return out;
    const bool is64 = ident[4] == 2;
    if (ident[4] != 1 && !is64)
        return out;
    out.is64 = is64;
    out.elf_class = ident[4];

    const auto u16 = [&](std::uint64_t at, std::uint16_t &v) { return read(at, 2, &v); };
    const auto u32 = [&](std::uint64_t at, std::uint32_t &v) { return read(at, 4, &v); };
    const auto word = [&](std::uint64_t at, std::uint64_t &v) {
        return read_word(read, is64, at, v);
    };

    std::uint64_t phoff = 0;
    std::uint16_t phentsize = 0, phnum = 0;
    if (!u16(18, out.machine) || !word(is64 ? 32 : 28, phoff) || !u16(is64 ? 54 : 42, phentsize) ||
        !u16(is64 ? 56 : 44, phnum))
        return out;
    if (phentsize < (is64 ? 56 : 32) || phnum == 0)
        return out;

    for (std::uint16_t i = 0; i < phnum; ++i) {
        const std::uint64_t at = phoff + std::uint64_t{i} * phentsize;
        if (at < phoff) // overflow
            return out;
        std::uint32_t type = 0;
        segment s{0, 0, 0};
        const bool fine =
            u32(at, type) &&
            (is64 ? word(at + 8, s.offset) && word(at + 16, s.vaddr) && word(at + 32, s.filesz)
                  : word(at + 4, s.offset) && word(at + 8, s.vaddr) && word(at + 16, s.filesz));
        if (!fine)
            return out;
        if (type == pt_load) {
            if (s.offset + s.filesz < s.offset)
                out.load_end_overflows = true;
            else if (s.offset + s.filesz > out.load_end)
                out.load_end = s.offset + s.filesz;
            if (out.loads.size() < 64)
                out.loads.push_back(s);
        }
        if (type == pt_dynamic && !out.has_dynamic) {
            out.dynamic = s;
            out.has_dynamic = true;
        }
    }
    out.ok = true;
    return out;
}

// The dynamic section's strings, through the same `read`.
template <class Read>
dynamic_info read_dynamic(Read read) {
    dynamic_info info;
    const program_headers headers = read_program_headers(read);
    info.elf_class = headers.elf_class;
    info.machine = headers.machine;
    if (!headers.ok || !headers.has_dynamic)
        return info;
    const bool is64 = headers.is64;
    const std::vector<segment> &loads = headers.loads;
    const segment &dynamic = headers.dynamic;
    const auto word = [&](std::uint64_t at, std::uint64_t &v) {
        return read_word(read, is64, at, v);
    };

    // Dynamic entries: {tag, value}, each a word.
    const std::uint64_t entry_size = is64 ? 16 : 8;
    std::uint64_t strtab = 0, strsz = 0;
    bool has_strtab = false;
    std::vector<std::uint64_t> needed_offsets;
    std::uint64_t soname = ~0ull, rpath = ~0ull, runpath = ~0ull;
    const std::uint64_t count = dynamic.filesz / entry_size;
    for (std::uint64_t i = 0; i < count && i < 4096; ++i) {
        std::uint64_t tag = 0, value = 0;
        if (!word(dynamic.offset + i * entry_size, tag) ||
            !word(dynamic.offset + i * entry_size + entry_size / 2, value))
            return info;
        const auto stag = static_cast<std::int64_t>(is64 ? tag : static_cast<std::int32_t>(tag));
        if (stag == dt_null)
            break;
        switch (stag) {
        case dt_needed:
            if (needed_offsets.size() < 1024)
                needed_offsets.push_back(value);
            break;
        case dt_strtab:
            strtab = value;
            has_strtab = true;
            break;
        case dt_strsz:
            strsz = value;
            break;
        case dt_soname:
            soname = value;
            break;
        case dt_rpath:
            rpath = value;
            break;
        case dt_runpath:
            runpath = value;
            break;
        default:
            break;
        }
    }
    if (!has_strtab)
        return info;
    // DT_STRTAB is a virtual address: find the loadable segment holding it.
    std::uint64_t strtab_offset = 0;
    bool mapped = false;
    for (const segment &s : loads) {
        if (strtab >= s.vaddr && strtab - s.vaddr < s.filesz) {
            strtab_offset = s.offset + (strtab - s.vaddr);
            const std::uint64_t room = s.filesz - (strtab - s.vaddr);
            if (strsz == 0 || strsz > room)
                strsz = room;
            mapped = true;
            break;
        }
    }
    if (!mapped)
        return info;
    const auto string_at = [&](std::uint64_t offset, std::string &out) {
        out.clear();
        if (offset >= strsz)
            return false;
        char chunk[64];
        for (std::uint64_t at = offset; at < strsz && out.size() < 4096;) {
            const std::uint64_t n = strsz - at < sizeof chunk ? strsz - at : sizeof chunk;
            if (!read(strtab_offset + at, static_cast<std::size_t>(n), chunk))
                return false;
            const void *nul = std::memchr(chunk, '\0', static_cast<std::size_t>(n));
            if (nul) {
                out.append(chunk, static_cast<std::size_t>(static_cast<const char *>(nul) - chunk));
                return true;
            }
            out.append(chunk, static_cast<std::size_t>(n));
            at += n;
        }
        return false;
    };
    std::string s;
    for (std::uint64_t off : needed_offsets)
        if (string_at(off, s) && !s.empty())
            info.needed.push_back(s);
    if (soname != ~0ull && string_at(soname, s))
        info.soname = s;
    if (rpath != ~0ull && string_at(rpath, s))
        info.rpath = s;
    if (runpath != ~0ull && string_at(runpath, s))
        info.runpath = s;
    info.ok = true;
    return info;
}

// The same, over bytes in memory.
inline dynamic_info read_dynamic(const unsigned char *data, std::size_t size) {
    return read_dynamic([&](std::uint64_t at, std::size_t n, void *out) {
        if (!data || at > size || n > size - at)
            return false;
        std::memcpy(out, data + at, n);
        return true;
    });
}

// The same, over a file on disk, read with pread (only the headers, the dynamic section and the
// strings it names are read).
inline dynamic_info read_dynamic_file(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC); // a FIFO never blocks
    if (fd < 0)
        return {};
    struct stat st;
    dynamic_info info;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        const auto size = static_cast<std::uint64_t>(st.st_size);
        info = read_dynamic([&](std::uint64_t at, std::size_t n, void *out) {
            if (at > size || n > size - at)
                return false;
            return ::pread(fd, out, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
        });
    }
    ::close(fd);
    return info;
}

// Why the loader must not be given the file at `path`, or empty when it may: a file that is not
// a regular one (a FIFO, on which the loader's read blocks forever; a device), or an ELF file
// shorter than its loadable segments, whose mapping would fault (SIGBUS) when the loader touches
// the missing pages. A file that cannot be opened or is not ELF is left to the loader, whose own
// message says why. Reads only the ELF and program headers.
inline std::string load_problem(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::string problem;
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        // left to the loader
    } else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) ||
               S_ISBLK(st.st_mode)) {
        problem = path + ": not a regular file but a " +
                  (S_ISFIFO(st.st_mode)   ? "FIFO"
                   : S_ISSOCK(st.st_mode) ? "socket"
                                          : "device") +
                  "; a shared library must be a regular file";
    } else if (S_ISREG(st.st_mode)) {
        const auto size = static_cast<std::uint64_t>(st.st_size);
        // One read of the file's start serves the headers of any ordinary library.
        unsigned char head[2048];
        const ssize_t got = ::pread(fd, head, sizeof head, 0);
        const std::uint64_t have = got > 0 ? static_cast<std::uint64_t>(got) : 0;
        bool short_read = false;
        const program_headers headers =
            read_program_headers([&](std::uint64_t at, std::size_t n, void *out) {
                if (at > size || n > size - at) {
                    short_read = at != 0; // the identification bytes: not ELF, the loader says so
                    return false;
                }
                if (at + n <= have) {
                    std::memcpy(out, head + at, n);
                    return true;
                }
                return ::pread(fd, out, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
            });
        if (short_read && !headers.ok)
            problem = path + ": truncated: its ELF headers end past the file's " +
                      std::to_string(size) + " bytes";
        else if (headers.ok && (headers.load_end_overflows || headers.load_end > size))
            problem = path + ": truncated: its loadable segments end at byte " +
                      std::to_string(headers.load_end) + " but the file has " +
                      std::to_string(size) + " bytes";
    }
    ::close(fd);
    return problem;
}

} // namespace ctypes::detail::elf_file

#endif
