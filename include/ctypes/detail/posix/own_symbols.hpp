// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_OWN_SYMBOLS_HPP
#define CTYPES_DETAIL_POSIX_OWN_SYMBOLS_HPP

// The symbols a loaded library defines itself, looked up in its own hash table: one lookup
// gives the address dlsym(handle, name) would give together with the kind and size the
// symbol table records (bench/README.md, lookup_hit). The tables are read once, when the
// library is loaded, and stay valid while the library's state holds it mapped.
//
// The choice among entries follows glibc's check_match and do_lookup_x for a dlsym() without a
// version: entries with no value (outside SHN_ABS) and types other than NOTYPE, OBJECT, FUNC,
// COMMON, TLS and GNU_IFUNC are passed over; an unversioned or base-version entry wins at once;
// otherwise the single non-hidden versioned entry (the default version, `name@@VERSION`) does.
// Only global and weak definitions answer here. Everything else goes to dlsym: names the library
// does not define itself (its dependencies, or undefined entries), GNU_IFUNC symbols (dlsym runs
// the resolver), TLS symbols (dlsym gives the calling thread's block), STB_GNU_UNIQUE symbols
// (the process-wide unique copy may live in another object) and entries whose address is null.
// glibc only: other loaders' version rules differ, and there everything goes to dlsym.

#include <cstdint>
#include <dlfcn.h>

#include "../symbol_kind.hpp"
#include "elf.hpp"

namespace ctypes::detail {

class own_symbols {
public:
    // The tables of the library `handle` refers to; none (every lookup goes to dlsym) when the
    // loader does not say, or the tables are unusable.
    static own_symbols of(void *handle) noexcept {
        own_symbols out;
#if defined(__GLIBC__)
        struct link_map *map = nullptr;
        if (handle && ::dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map)
            out.tables_ = elf::read_tables(map);
#else
        (void)handle;
#endif
        return out;
    }

    // Whether the library itself defines `name` the way dlsym would pick it, with an address
    // that needs no further work (see above); if so, the address, the symbol table's facts and
    // the entry's index in the table (one per name and library: what record_table keys on).
    bool find(const char *name, void *&address, symbol_facts &facts,
              std::uint32_t &index) const noexcept {
        if (!tables_.usable() || !name)
            return false;
        constexpr unsigned allowed = (1u << STT_NOTYPE) | (1u << STT_OBJECT) | (1u << STT_FUNC) |
                                     (1u << STT_COMMON) | (1u << STT_TLS) | (1u << STT_GNU_IFUNC);
        const ElfW(Sym) *chosen = nullptr;
        const ElfW(Sym) *versioned = nullptr;
        unsigned versions = 0;
        elf::for_each_named(tables_, name, [&](const ElfW(Sym) & s) {
            const unsigned type = ELF64_ST_TYPE(s.st_info);
            if (s.st_value == 0 && s.st_shndx != SHN_ABS && type != STT_TLS)
                return false;
            if (((1u << type) & allowed) == 0)
                return false;
            if (tables_.versym) {
                const ElfW(Half) version = tables_.versym[&s - tables_.symtab];
                if ((version & 0x7fff) >= 2) {
                    if ((version & 0x8000) == 0 && versions++ == 0)
                        versioned = &s;
                    return false;
                }
            }
            chosen = &s;
            return true;
        });
        if (!chosen && versions == 1)
            chosen = versioned;
        if (!chosen)
            return false;
        const unsigned type = ELF64_ST_TYPE(chosen->st_info);
        const unsigned bind = ELF64_ST_BIND(chosen->st_info);
        if ((bind != STB_GLOBAL && bind != STB_WEAK) || type == STT_TLS || type == STT_GNU_IFUNC)
            return false;
        const ElfW(Addr) value =
            (chosen->st_shndx == SHN_ABS ? 0 : tables_.base) + chosen->st_value;
        if (value == 0)
            return false;
        address = reinterpret_cast<void *>(value);
        facts = elf::facts_of(*chosen);
        index = static_cast<std::uint32_t>(chosen - tables_.symtab);
        return true;
    }

private:
    elf::dynamic_tables tables_;
};

} // namespace ctypes::detail

#endif
