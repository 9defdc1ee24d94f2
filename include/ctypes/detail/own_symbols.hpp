// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_OWN_SYMBOLS_HPP
#define CTYPES_DETAIL_OWN_SYMBOLS_HPP

// A library's own symbol table, kept in its state for lookups that need no call into the
// loader.

#include "config.hpp"

#if defined(CTYPES_DETAIL_HAS_LINK_MAP)
#include "posix/own_symbols.hpp"
#else
#include <cstdint>

#include "symbol_kind.hpp"

namespace ctypes::detail {

// Where the loader's tables are not reachable, every lookup goes to the loader.
class own_symbols {
public:
    template <class Handle>
    static own_symbols of(Handle) noexcept {
        return {};
    }
    bool find(const char *, void *&, symbol_facts &, std::uint32_t &) const noexcept {
        return false;
    }
};

} // namespace ctypes::detail
#endif

#endif
