// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_ELF_HPP
#define CTYPES_DETAIL_POSIX_ELF_HPP

// Reads a loaded ELF image's dynamic symbol table (.dynsym) through its dynamic section, the
// same tables the loader itself uses: DT_SYMTAB, DT_STRTAB and the DT_GNU_HASH or DT_HASH table.
// Only built where the loader exposes link maps (glibc, the BSDs).
// See the System V gABI, "Dynamic Section" and "Hash Table", and the GNU hash section layout.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <link.h>

#include "../symbol_kind.hpp"

namespace ctypes::detail::elf {

struct dynamic_tables {
    const ElfW(Sym) *symtab = nullptr;
    const char *strtab = nullptr;
    const std::uint32_t *gnu_hash = nullptr;
    const std::uint32_t *sysv_hash = nullptr;
    const ElfW(Half) *versym = nullptr; // DT_VERSYM: one version index per .dynsym entry
    ElfW(Addr) base = 0;
    bool usable() const noexcept { return symtab && strtab && (gnu_hash || sysv_hash); }
};

// The tables of the image loaded at `base` whose dynamic section (PT_DYNAMIC) is at `dynamic`.
inline dynamic_tables read_tables(ElfW(Addr) base, const ElfW(Dyn) * dynamic) noexcept {
    dynamic_tables t;
    if (!dynamic)
        return t;
    t.base = base;
    // glibc rewrites these entries to absolute addresses when the dynamic section is writable;
    // other loaders leave them relative to the load base. An address below the base is relative.
    const auto absolute = [&](ElfW(Addr) p) { return p < t.base ? p + t.base : p; };
    for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; ++d) {
        switch (d->d_tag) {
        case DT_SYMTAB:
            t.symtab = reinterpret_cast<const ElfW(Sym) *>(absolute(d->d_un.d_ptr));
            break;
        case DT_STRTAB:
            t.strtab = reinterpret_cast<const char *>(absolute(d->d_un.d_ptr));
            break;
        case DT_GNU_HASH:
            t.gnu_hash = reinterpret_cast<const std::uint32_t *>(absolute(d->d_un.d_ptr));
            break;
        case DT_HASH:
            t.sysv_hash = reinterpret_cast<const std::uint32_t *>(absolute(d->d_un.d_ptr));
            break;
        case DT_VERSYM:
            t.versym = reinterpret_cast<const ElfW(Half) *>(absolute(d->d_un.d_ptr));
            break;
        default:
            break;
        }
    }
    return t;
}

inline dynamic_tables read_tables(const struct link_map *map) noexcept {
    return map ? read_tables(map->l_addr, map->l_ld) : dynamic_tables{};
}

inline std::uint32_t gnu_hash_of(const char *name) noexcept {
    std::uint32_t h = 5381;
    for (auto p = reinterpret_cast<const unsigned char *>(name); *p; ++p)
        h = h * 33 + *p;
    return h;
}

inline std::uint32_t sysv_hash_of(const char *name) noexcept {
    std::uint32_t h = 0;
    for (auto p = reinterpret_cast<const unsigned char *>(name); *p; ++p) {
        h = (h << 4) + *p;
        const std::uint32_t g = h & 0xF0000000u;
        if (g)
            h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

inline symbol_facts facts_of(const ElfW(Sym) & s) noexcept {
    symbol_facts f;
    switch (ELF64_ST_TYPE(s.st_info)) {
    case STT_FUNC:
    case STT_GNU_IFUNC:
        f.kind = symbol_kind::function;
        break;
    case STT_OBJECT:
    case STT_COMMON:
        f.kind = symbol_kind::object;
        break;
    case STT_TLS:
        f.kind = symbol_kind::tls;
        break;
    default:
        f.kind = symbol_kind::other;
        break;
    }
    f.size = static_cast<std::size_t>(s.st_size);
    return f;
}

// Calls visit(sym) for every defined symbol named `name` (several with symbol versioning)
// until it returns true. Returns whether a visit returned true.
template <class Visit>
bool for_each_named(const dynamic_tables &t, const char *name, Visit visit) noexcept {
    const auto matches = [&](const ElfW(Sym) & s) {
        return s.st_shndx != SHN_UNDEF && std::strcmp(t.strtab + s.st_name, name) == 0;
    };
    if (t.gnu_hash) {
        const std::uint32_t nbuckets = t.gnu_hash[0], symoffset = t.gnu_hash[1];
        const std::uint32_t bloom_words = t.gnu_hash[2];
        const auto *buckets = reinterpret_cast<const std::uint32_t *>(
            reinterpret_cast<const ElfW(Addr) *>(t.gnu_hash + 4) + bloom_words);
        const std::uint32_t *chain = buckets + nbuckets;
        if (nbuckets == 0)
            return false;
        const std::uint32_t h = gnu_hash_of(name);
        using word = ElfW(Addr);
        constexpr std::uint32_t bits = sizeof(word) * 8;
        if (bloom_words != 0 && t.gnu_hash[3] < bits) { // the Bloom filter turns most misses away
            const word w =
                reinterpret_cast<const word *>(t.gnu_hash + 4)[(h / bits) & (bloom_words - 1)];
            const word mask = (word{1} << (h % bits)) | (word{1} << ((h >> t.gnu_hash[3]) % bits));
            if ((w & mask) != mask)
                return false;
        }
        for (std::uint32_t i = buckets[h % nbuckets]; i >= symoffset; ++i) {
            const std::uint32_t h2 = chain[i - symoffset];
            if ((h | 1) == (h2 | 1) && matches(t.symtab[i]) && visit(t.symtab[i]))
                return true;
            if (h2 & 1)
                break;
        }
        return false;
    }
    const std::uint32_t nbucket = t.sysv_hash[0];
    const std::uint32_t *bucket = t.sysv_hash + 2, *chain = bucket + nbucket;
    if (nbucket == 0)
        return false;
    for (std::uint32_t i = bucket[sysv_hash_of(name) % nbucket]; i != STN_UNDEF; i = chain[i])
        if (matches(t.symtab[i]) && visit(t.symtab[i]))
            return true;
    return false;
}

// Whether `map`'s own .dynsym defines `name` at exactly `address`; if so, its facts in `out`.
inline bool lookup_exact(const struct link_map *map, const char *name, const void *address,
                         symbol_facts &out) noexcept {
    const dynamic_tables t = read_tables(map);
    if (!t.usable())
        return false;
    return for_each_named(t, name, [&](const ElfW(Sym) & s) {
        if (reinterpret_cast<const void *>(t.base + s.st_value) != address)
            return false;
        out = facts_of(s);
        return true;
    });
}

// Whether some loaded image defines `name` as a thread-local variable (STT_TLS) whose calling
// thread's instance is at `address`; if so, its facts in `out`. dlsym resolves a TLS export, the
// library's own or one it reaches through a dependency, to that instance, which lies in the
// defining image's TLS block for this thread (dl_iterate_phdr's dlpi_tls_data, the block glibc's
// RTLD_DI_TLS_DATA gives): part of no image, so dladdr cannot name the definer. The block must
// hold `address`, and the image's .dynsym must have `name` as STT_TLS at that offset (a TLS
// symbol's value is its offset in the block).
inline bool lookup_tls_in_loaded(const char *name, const void *address,
                                 symbol_facts &out) noexcept {
    struct query {
        const char *name;
        std::uintptr_t address;
        symbol_facts *out;
    } q{name, reinterpret_cast<std::uintptr_t>(address), &out};
    const auto visit = [](struct dl_phdr_info *info, std::size_t size, void *data) -> int {
        const query &q = *static_cast<const query *>(data);
        // dlpi_tls_data: null when the image has no TLS or none yet in this thread (and absent
        // from an older loader's shorter record).
        if (size < offsetof(struct dl_phdr_info, dlpi_tls_data) + sizeof(void *) ||
            !info->dlpi_tls_data)
            return 0;
        const ElfW(Dyn) *dynamic = nullptr;
        ElfW(Xword) tls_bytes = 0;
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr) &ph = info->dlpi_phdr[i];
            if (ph.p_type == PT_DYNAMIC)
                dynamic = reinterpret_cast<const ElfW(Dyn) *>(info->dlpi_addr + ph.p_vaddr);
            else if (ph.p_type == PT_TLS)
                tls_bytes = ph.p_memsz;
        }
        const auto block = reinterpret_cast<std::uintptr_t>(info->dlpi_tls_data);
        if (!dynamic || q.address < block || q.address - block >= tls_bytes)
            return 0;
        const dynamic_tables t = read_tables(info->dlpi_addr, dynamic);
        return t.usable() && for_each_named(t, q.name, [&](const ElfW(Sym) & s) {
                   if (ELF64_ST_TYPE(s.st_info) != STT_TLS || s.st_value != q.address - block)
                       return false;
                   *q.out = facts_of(s);
                   return true;
               });
    };
    return ::dl_iterate_phdr(visit, &q) != 0;
}

// The address of `map`'s own definition of `name` as a data object (STT_OBJECT) of `size`
// bytes, or null.
inline void *object_named(const struct link_map *map, const char *name, std::size_t size) noexcept {
    const dynamic_tables t = read_tables(map);
    void *found = nullptr;
    if (t.usable())
        for_each_named(t, name, [&](const ElfW(Sym) & s) {
            if (ELF64_ST_TYPE(s.st_info) != STT_OBJECT || s.st_size != size)
                return false;
            found = reinterpret_cast<void *>(t.base + s.st_value);
            return true;
        });
    return found;
}

// How many entries .dynsym has. The dynamic section does not record it: DT_HASH's nchain is the
// count; with DT_GNU_HASH only, it is one past the last chain entry reached from the highest
// bucket (every symbol at or above symoffset is in exactly one chain).
inline std::uint32_t symbol_count(const dynamic_tables &t) noexcept {
    if (t.sysv_hash)
        return t.sysv_hash[1];
    if (!t.gnu_hash)
        return 0;
    const std::uint32_t nbuckets = t.gnu_hash[0], symoffset = t.gnu_hash[1];
    const std::uint32_t bloom_words = t.gnu_hash[2];
    const auto *buckets = reinterpret_cast<const std::uint32_t *>(
        reinterpret_cast<const ElfW(Addr) *>(t.gnu_hash + 4) + bloom_words);
    const std::uint32_t *chain = buckets + nbuckets;
    std::uint32_t last = 0;
    for (std::uint32_t b = 0; b < nbuckets; ++b)
        if (buckets[b] > last)
            last = buckets[b];
    if (last < symoffset)
        return symoffset;
    while ((chain[last - symoffset] & 1) == 0)
        ++last;
    return last + 1;
}

// Calls visit(sym) for every defined, non-local, named entry of .dynsym, in table order.
template <class Visit>
void for_each_symbol(const dynamic_tables &t, Visit visit) {
    if (!t.usable())
        return;
    const std::uint32_t n = symbol_count(t);
    for (std::uint32_t i = 1; i < n; ++i) { // entry 0 is always the null symbol
        const ElfW(Sym) &s = t.symtab[i];
        const unsigned type = ELF64_ST_TYPE(s.st_info), bind = ELF64_ST_BIND(s.st_info);
        if (s.st_shndx == SHN_UNDEF || bind == STB_LOCAL || type == STT_SECTION ||
            type == STT_FILE || t.strtab[s.st_name] == '\0')
            continue;
        visit(s, t.strtab + s.st_name);
    }
}

// Whether `map` defines `name` itself and, if so, whether its own code refers to that name
// through a relocation (a PLT slot or a GOT entry), which the loader binds in the global scope
// first: a library linked with -Bsymbolic-functions, or one that never calls its own export,
// has no such relocation and its code pairs with its own definition.
struct own_binding {
    bool defines = false;
    bool relocates = false;
};

inline own_binding binding_of(const struct link_map *map, const char *name) noexcept {
    own_binding out;
    const dynamic_tables t = read_tables(map);
    if (!t.usable())
        return out;
    std::uint32_t indices[8];
    std::size_t found = 0;
    for_each_named(t, name, [&](const ElfW(Sym) & s) {
        indices[found++] = static_cast<std::uint32_t>(&s - t.symtab);
        return found == sizeof indices / sizeof indices[0];
    });
    out.defines = found != 0;
    if (!out.defines)
        return out;
    // The relocation tables: DT_RELA/DT_REL and the PLT's DT_JMPREL, addressed like the others.
    ElfW(Addr) table[3] = {0, 0, 0};
    ElfW(Xword) bytes[3] = {0, 0, 0};
    bool plt_is_rela = true;
    const auto absolute = [&](ElfW(Addr) p) { return p < t.base ? p + t.base : p; };
    for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; ++d) {
        switch (d->d_tag) {
        case DT_RELA:
            table[0] = absolute(d->d_un.d_ptr);
            break;
        case DT_RELASZ:
            bytes[0] = d->d_un.d_val;
            break;
        case DT_REL:
            table[1] = absolute(d->d_un.d_ptr);
            break;
        case DT_RELSZ:
            bytes[1] = d->d_un.d_val;
            break;
        case DT_JMPREL:
            table[2] = absolute(d->d_un.d_ptr);
            break;
        case DT_PLTRELSZ:
            bytes[2] = d->d_un.d_val;
            break;
        case DT_PLTREL:
            plt_is_rela = d->d_un.d_val == DT_RELA;
            break;
        default:
            break;
        }
    }
    const auto refers = [&](ElfW(Xword) info) {
#if __ELF_NATIVE_CLASS == 64
        const auto index = static_cast<std::uint32_t>(ELF64_R_SYM(info));
#else
        const auto index = static_cast<std::uint32_t>(ELF32_R_SYM(info));
#endif
        for (std::size_t i = 0; i < found; ++i)
            if (indices[i] == index)
                return true;
        return false;
    };
    const auto scan = [&](ElfW(Addr) at, ElfW(Xword) size, bool rela) {
        if (!at)
            return false;
        if (rela) {
            const auto *r = reinterpret_cast<const ElfW(Rela) *>(at);
            for (std::size_t i = 0; i < size / sizeof *r; ++i)
                if (refers(r[i].r_info))
                    return true;
        } else {
            const auto *r = reinterpret_cast<const ElfW(Rel) *>(at);
            for (std::size_t i = 0; i < size / sizeof *r; ++i)
                if (refers(r[i].r_info))
                    return true;
        }
        return false;
    };
    out.relocates = scan(table[0], bytes[0], true) || scan(table[1], bytes[1], false) ||
                    scan(table[2], bytes[2], plt_is_rela);
    return out;
}

// What the defining image's .dynsym says about `name` resolved at `address`. With several
// versions of one name, the one at that address wins; an IFUNC's entry holds its resolver's
// address, so without an exact match the first defined entry is used.
inline symbol_facts lookup(const struct link_map *map, const char *name,
                           const void *address) noexcept {
    const dynamic_tables t = read_tables(map);
    if (!t.usable())
        return {};
    const ElfW(Sym) *first = nullptr;
    const ElfW(Sym) *exact = nullptr;
    for_each_named(t, name, [&](const ElfW(Sym) & s) {
        if (!first)
            first = &s;
        if (reinterpret_cast<const void *>(t.base + s.st_value) == address) {
            exact = &s;
            return true;
        }
        return false;
    });
    const ElfW(Sym) *s = exact ? exact : first;
    return s ? facts_of(*s) : symbol_facts{};
}

} // namespace ctypes::detail::elf

#endif
