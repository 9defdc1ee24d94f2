// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_LIBRARY_MESSAGES_HPP
#define CTYPES_DETAIL_LIBRARY_MESSAGES_HPP

// The words of every load, lookup and unload failure basic_library reports, each built in one
// place (the tests compare them exactly). `where` is what a lookup names: `symbol 'f' in 'lib'`
// or `ordinal 7 in 'lib'` (symbol_in); `os_text` is the loader's own text, which ends a message.
// Only failure paths call these: nothing here runs on a successful load or lookup.

#include <cstddef>
#include <string>

#include "symbol_kind.hpp"

namespace ctypes::detail {

// A library or symbol name with a NUL byte inside: C strings end at the first NUL, so the loader
// would silently use a shorter name than the one given.
inline std::string embedded_nul_text(const std::string &attempted, std::size_t at) {
    return "ctypes: cannot " + attempted + ": the name has an embedded NUL at byte " +
           std::to_string(at) + ", where a C string ends; pass the name without it";
}

inline std::string empty_library_name_text(bool null_pointer) {
    return std::string("ctypes: cannot load a library from ") +
           (null_pointer ? "a null name" : "an empty name") +
           ": use self() for the running program";
}

// `what`: the name as given, or empty for the running program; `hint` is load_failure_hint's.
inline std::string load_failure_text(const std::string &what, bool is_self, const std::string &hint,
                                     const std::string &os_text) {
    return "ctypes: cannot load '" + (is_self ? std::string("the running program") : what) +
           "': " + hint + os_text;
}

inline std::string symbol_in(const std::string &quoted, bool by_ordinal,
                             const std::string &library) {
    return (by_ordinal ? "" : "symbol ") + quoted + " in '" + library + "'";
}

inline std::string no_library_text(const std::string &quoted) {
    return "ctypes: cannot look up " + quoted + ": no library is loaded (moved from or unloaded)";
}

inline std::string null_symbol_name_text(const std::string &library) {
    return "ctypes: cannot look up a null symbol name in '" + library + "'";
}

inline std::string bad_ordinal_text(const std::string &where) {
    return "ctypes: cannot find " + where + ": export ordinals are 1 to 65535";
}

// `declared` and `exported` are bytes of arguments (see stdcall_names.hpp).
inline std::string argument_size_text(std::size_t declared, std::size_t exported) {
    return "declared " + std::to_string(declared) + " bytes of arguments, the library exports " +
           std::to_string(exported);
}

inline std::string decorated_mismatch_text(const std::string &where, const std::string &export_name,
                                           std::size_t declared, std::size_t exported) {
    return "ctypes: " + where + " is exported as '" + export_name +
           "': " + argument_size_text(declared, exported);
}

inline std::string null_address_text(const std::string &where, const std::string &os_text) {
    return "ctypes: " + where + " resolves to NULL: " + os_text;
}

// `hint`: symbol_hint's " (did you mean ...)" or empty.
inline std::string missing_symbol_text(const std::string &where, const std::string &hint,
                                       const std::string &os_text) {
    return "ctypes: cannot find " + where + hint + ": " + os_text;
}

inline std::string data_kind_text(symbol_kind kind) {
    return kind == symbol_kind::tls ? "a thread-local variable" : "a data object";
}

inline std::string not_a_function_text(const std::string &where, const symbol_facts &facts) {
    return "ctypes: " + where + " is " + data_kind_text(facts.kind) + " of " +
           std::to_string(facts.size) + " bytes, not a function; use var<T>()";
}

inline std::string not_an_object_text(const std::string &where) {
    return "ctypes: " + where + " is a function, not a data object; use get<Sig>()";
}

// `declared`: sizeof(T) of var<T>(), in bytes.
inline std::string size_mismatch_text(const std::string &where, const symbol_facts &facts,
                                      std::size_t declared) {
    return "ctypes: " + where + " is " +
           (facts.kind == symbol_kind::tls ? data_kind_text(facts.kind) : "an object") + " of " +
           std::to_string(facts.size) + " bytes, but var<T>() declares " +
           std::to_string(declared) + " (sizeof(T))";
}

inline std::string no_names_text() {
    return "ctypes: get_first<Sig>() needs at least one name to look up";
}

// `names`: the quoted names joined by ", "; `hint` as for missing_symbol_text; `os_text` may be
// empty (the last name was null).
inline std::string none_found_text(const std::string &names, const std::string &library,
                                   const std::string &hint, const std::string &os_text) {
    const std::string text = "ctypes: cannot find any of " + names + " in '" + library + "'" + hint;
    return os_text.empty() ? text : text + ": " + os_text;
}

inline std::string unload_empty_text() {
    return "ctypes: cannot unload: no library is loaded (moved from or already unloaded)";
}

inline std::string in_use_text(const std::string &library, long users) {
    return "ctypes: cannot unload '" + library + "': " + std::to_string(users) +
           (users == 1 ? " function, variable or owned pointer still uses it"
                       : " functions, variables or owned pointers still use it");
}

inline std::string list_symbols_empty_text() {
    return "ctypes: cannot list symbols: no library is loaded (moved from or unloaded)";
}

} // namespace ctypes::detail

#endif
