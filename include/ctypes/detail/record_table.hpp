// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_RECORD_TABLE_HPP
#define CTYPES_DETAIL_RECORD_TABLE_HPP

// The records of a library's plain lookups, one per symbol. A function or variable that the
// library's own symbol table answers for, without errno or last-error capture, shares its record
// (the name its messages give) with every other such lookup of that symbol: the first lookup
// makes it, the later ones allocate nothing (bench/README.md, lookups). Keyed by the symbol's
// index in the library's table, which names exactly one entry. A record lives as long as the
// library's state, or longer while a handle holds it. Lookups answered by the loader (names of
// dependencies, ordinals, IFUNCs) and capturing functions keep a record of their own.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "counted.hpp"
#include "lock.hpp"
#include "symbol_record.hpp"

namespace ctypes::detail {

// A symbol the loader found rather than the library's own table: no shared record.
inline constexpr std::uint32_t no_symbol_index = 0xffffffffu;

class record_table {
public:
    record_table() = default;
    record_table(const record_table &) = delete;
    record_table &operator=(const record_table &) = delete;

    // The shared record of symbol `index` (not no_symbol_index); on its first lookup made with
    // the name `label()` returns. Safe from any thread. Throws std::bad_alloc only, and then
    // adds nothing.
    template <class Label>
    record_ptr find_or_add(std::uint32_t index, const Label &label) const {
        lock_hold hold(lock_);
        std::size_t low = 0;
        std::size_t high = entries_.size();
        while (low < high) { // the first entry whose index is not below `index`
            const std::size_t middle = low + (high - low) / 2;
            if (entries_[middle].index < index)
                low = middle + 1;
            else
                high = middle;
        }
        if (low < entries_.size() && entries_[low].index == index)
            return entries_[low].record;
        record_ptr made(std::make_unique<symbol_record>(label(), 0));
        entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(low), entry{index, made});
        return made;
    }

private:
    struct entry {
        std::uint32_t index;
        record_ptr record;
    };
    mutable plain_mutex lock_;
    mutable std::vector<entry> entries_; // sorted by index, each holding one reference
};

} // namespace ctypes::detail

#endif
