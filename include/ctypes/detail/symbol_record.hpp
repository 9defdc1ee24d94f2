// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SYMBOL_RECORD_HPP
#define CTYPES_DETAIL_SYMBOL_RECORD_HPP

// What a function or variable handle needs besides its address and its library: the name its
// messages give and, for a function, its errno / last-error capture bits (and, in a derived
// record, its swap thunk). Made once per lookup and shared by the handle's copies, so a handle
// is three pointers: the address, the library's state and this record.

#include <string>
#include <utility>

#include "counted.hpp"

namespace ctypes::detail {

struct symbol_record : counted_base {
    std::string name;
    unsigned char capture = 0; // capture_bits

    symbol_record(std::string symbol, unsigned char bits) noexcept
        : name(std::move(symbol)), capture(bits) {}
    symbol_record(const symbol_record &) = delete;
    symbol_record &operator=(const symbol_record &) = delete;
    virtual ~symbol_record() = default;
};

using record_ptr = counted_ptr<const symbol_record>;

// The name of a handle without a record (empty, or moved from).
inline const std::string &no_name() noexcept {
    static const std::string empty;
    return empty;
}

} // namespace ctypes::detail

#endif
