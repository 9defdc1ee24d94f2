// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_LOADER_HPP
#define CTYPES_DETAIL_LOADER_HPP

// Picks the platform loader (one struct, the same members on every platform) and defines the
// shared state that keeps a library mapped while anything handed out still points into it.

#if defined(_WIN32)
#include "windows/loader.hpp"
#else
#include "posix/loader.hpp"
#endif
#include "counted.hpp"
#include "own_symbols.hpp"
#include "record_table.hpp"

#include <string>

namespace ctypes::detail {

// One open reference to a library. Library objects, functions, variables and owned pointers
// share it (each holds one count, which basic_library::use_count() reports); the last one to go
// gives the reference back to the loader. Nothing observes a state without owning a count, so
// no weak reference is needed.
struct library_state : counted_base {
    native_loader::handle_type handle = nullptr;
    bool owned = true;
    bool is_self = false; // the running program, which never leaves the process
    load_flags flags = load_flags::none;
    std::string name; // as the user gave it, UTF-8
    std::string path; // the file the loader mapped, UTF-8
    // Its own definitions, for lookups without the loader.
    own_symbols symbols;
    // The records of plain lookups its own table answered, shared per symbol.
    record_table records;

    library_state() = default;
    library_state(const library_state &) = delete;
    library_state &operator=(const library_state &) = delete;
    ~library_state() {
        if (handle && owned) {
            os_error ignored; // nothing to report to from a destructor
            native_loader::close(handle, ignored);
        }
    }
};

using state_ptr = counted_ptr<const library_state>;

} // namespace ctypes::detail

#endif
