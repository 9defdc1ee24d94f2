// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SYMBOL_KIND_HPP
#define CTYPES_DETAIL_SYMBOL_KIND_HPP

#include <cstddef>

namespace ctypes::detail {

// What the image's own symbol table says about an export, where the format records it (ELF
// does; PE exports carry no type or size).
struct symbol_facts {
    enum kind_type { unknown, function, object, tls } kind = unknown;
    std::size_t size = 0; // bytes; meaningful for objects only
};

} // namespace ctypes::detail

#endif
