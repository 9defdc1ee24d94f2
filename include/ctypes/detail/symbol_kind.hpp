// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SYMBOL_KIND_HPP
#define CTYPES_DETAIL_SYMBOL_KIND_HPP

// What the loaders and image readers report about exports and mapped images: the public
// records of inspect.hpp (declared here, in namespace ctypes, so the platform code fills them
// without including a public header) and symbol_facts, what a lookup learns about one export.
// One enum, symbol_kind, says what an export is everywhere.

#include <cstddef>
#include <string>

namespace ctypes {

/// What an exported symbol is, as the image's own symbol table records it.
enum class symbol_kind {
    function, ///< code (ELF `STT_FUNC`, `STT_GNU_IFUNC`; a PE export inside an executable section)
    object,   ///< data (ELF `STT_OBJECT`, `STT_COMMON`; a PE export inside a data section)
    tls,      ///< a thread-local variable (ELF `STT_TLS`); `address` is null
    other,    ///< anything else (ELF `STT_NOTYPE`, version names; PE forwarders)
};

/// One exported dynamic symbol (see basic_library::symbols()).
/// \see https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.symtab.html
struct symbol_info {
    std::string name;                      ///< the exported name, without any version suffix
    symbol_kind kind = symbol_kind::other; ///< what the symbol table says it is
    std::size_t size = 0; ///< bytes, from ELF `st_size`; 0 where unknown (always on Windows)
    const void *address = nullptr; ///< where it is in this process; null for TLS and absolute
                                   ///< symbols; valid while the library stays loaded
};

/// One image mapped into the process (see loaded_libraries()).
/// \see https://man7.org/linux/man-pages/man3/dl_iterate_phdr.3.html
struct loaded_image {
    std::string path;           ///< the file, as the loader recorded it, UTF-8
    const void *base = nullptr; ///< the load address (ELF `dlpi_addr`, the `HMODULE`)
};

namespace detail {

// What the image's own symbol table says about one export, where the format records it (ELF
// does; PE exports carry no type or size, so they stay symbol_kind::other: nothing to check).
struct symbol_facts {
    symbol_kind kind = symbol_kind::other;
    std::size_t size = 0; // bytes; meaningful for objects only
};

} // namespace detail
} // namespace ctypes

#endif
