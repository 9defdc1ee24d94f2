// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_RESOLVE_HPP
#define CTYPES_DETAIL_RESOLVE_HPP

// What basic_library does with the loader, apart from the API: opening a library into a
// library_state, resolving a name in it (the kind and size checks where the format records them,
// the decorated-name fallback through native_loader::decorated_symbol), and giving it back. Each
// reports failure as an error_code plus, when `message` is not null, the whole text the
// exception carries (library_messages.hpp). Messages are built only on failure, and only when
// wanted: a successful load or lookup allocates nothing here beyond the state itself
// (bench/README.md, lookups).
//
// Path is ctypes::path_arg and Name ctypes::symbol_name (names.hpp): public types a detail
// header cannot include, so the functions that take them are templates over them.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "errc.hpp"
#include "flag_bits.hpp"
#include "library_messages.hpp"
#include "load_help.hpp"
#include "loader.hpp"
#include "os_error.hpp"
#include "record_table.hpp"
#include "stdcall_names.hpp"
#include "symbol_kind.hpp"

namespace ctypes::detail {

// A lookup that failed only because the library has no such export (or it is NULL): what
// try_get() and optional imports treat as absent rather than as an error.
inline bool is_missing_symbol(const std::error_code &ec) noexcept {
    return native_loader::is_missing_export(ec) || ec == errc::symbol_not_found ||
           ec == errc::null_symbol;
}

// What a lookup asks for: a function (get) or a data object (var).
enum class wanted { function, object };

// The library as messages name it.
inline std::string display_name(const library_state *state) {
    if (!state)
        return "(no library)";
    if (!state->name.empty())
        return state->name;
    return "the running program";
}

// Loads `path` (or the running program): the new state, or null with `ec` (and `*message`) set.
template <class Path>
state_ptr open_library(const Path &path, load_flags flags, std::error_code &ec,
                       std::string *message) {
    ec.clear();
    if (!path.is_self() && path.utf8().empty()) {
        ec = std::make_error_code(std::errc::invalid_argument);
        if (message)
            *message = empty_library_name_text(path.is_null());
        return nullptr;
    }
    if (path.nul_at() != std::string::npos) {
        ec = errc::load_failed;
        if (message)
            *message = embedded_nul_text("load '" + path.utf8().substr(0, path.nul_at()) + "'",
                                         path.nul_at());
        return nullptr;
    }
    os_error err;
    const auto native = native_loader::native_path(path.utf8());
    auto handle = native_loader::open(path.is_self() ? nullptr : &native, flags, err);
    std::vector<std::string> tried;
    if (!handle && !path.is_self() && has_flags(flags, load_flags::try_decorated))
        handle = open_decorated(path.utf8(), flags, tried);
    if (!handle) {
        ec = err.code;
        if (message)
            *message = load_failure_text(
                path.utf8(), path.is_self(),
                path.is_self() ? std::string() : load_failure_hint(path.utf8(), tried, err.text),
                err.text);
        return nullptr;
    }
    auto state = std::make_unique<library_state>();
    state->handle = handle;
    state->owned = !path.is_self() || native_loader::self_is_owned();
    state->is_self = path.is_self();
    state->flags = flags;
    state->name = path.utf8();
    state->path = native_loader::file_of(handle, path.utf8());
    state->symbols = own_symbols::of(handle);
    return state;
}

// The state of a handle opened elsewhere (basic_library::adopt), given back like one loaded here.
inline state_ptr adopt_library(native_loader::handle_type handle, load_flags flags) {
    auto state = std::make_unique<library_state>();
    state->handle = handle;
    state->flags = flags;
    state->path = native_loader::file_of(handle, std::string());
    state->name = state->path;
    return state;
}

// The loader's answer for `name` alone, without checks.
template <class Name>
void *lookup(const library_state &state, const Name &name, os_error &err) {
    if (name.by_ordinal)
        return native_loader::symbol_at(state.handle, name.ordinal, err);
    return native_loader::symbol(state.handle, name.value, err);
}

// Resolves `name` in `state` (null: no library) as `kind`: checks the symbol table's kind and,
// for an object, that its size is `size` where the format records them. `decoration` is how a
// function lookup may decorate its name (none for anything else); the loader uses it when the
// plain name is not exported (32-bit Windows only). When `own_index` is given it receives the
// symbol's index in the library's own table, or no_symbol_index when the loader answered.
template <class Name>
void *resolve(const library_state *state, const Name &name, wanted kind, std::size_t size,
              std::error_code &ec, std::string *message, decoration decoration = {},
              std::uint32_t *own_index = nullptr) {
    ec.clear();
    std::uint32_t index = no_symbol_index;
    if (own_index)
        *own_index = no_symbol_index;
    const auto fail = [&](std::error_code code, const auto &text) -> void * {
        ec = code;
        if (message)
            *message = text();
        return nullptr;
    };
    if (!state)
        return fail(errc::not_loaded, [&] { return no_library_text(name.quoted()); });
    if (!name.by_ordinal && !name.value)
        return fail(errc::symbol_not_found,
                    [&] { return null_symbol_name_text(display_name(state)); });
    if (name.has_nul())
        return fail(errc::symbol_not_found, [&] {
            return embedded_nul_text("look up symbol " + name.quoted() + " in '" +
                                         display_name(state) + "'",
                                     name.nul_at);
        });
    const auto where = [&] {
        return symbol_in(name.quoted(), name.by_ordinal, display_name(state));
    };
    if (name.by_ordinal && name.ordinal == 0)
        return fail(errc::symbol_not_found, [&] { return bad_ordinal_text(where()); });
    os_error err;
    void *p = nullptr;
    symbol_facts facts;
    // One hash lookup when the library defines the name itself; the loader otherwise.
    const bool own = !name.by_ordinal && state->symbols.find(name.value, p, facts, index);
    if (!own)
        p = lookup(*state, name, err);
    if (!p && !name.by_ordinal && decoration.argument_bytes != no_decoration) {
        const decorated_match match =
            native_loader::decorated_symbol(state->handle, name.value, decoration);
        if (match.what == decorated_match::kind::found)
            p = native_loader::symbol(state->handle, match.name.c_str(), err);
        else if (match.what == decorated_match::kind::mismatch)
            return fail(errc::argument_size_mismatch, [&] {
                return decorated_mismatch_text(where(), match.name, decoration.argument_bytes,
                                               match.exported_bytes);
            });
    }
    if (!p)
        return fail(err.code, [&] {
            if (err.code == errc::null_symbol)
                return null_address_text(where(), err.text);
            const std::string hint =
                name.by_ordinal ? std::string() : symbol_hint(state->handle, name.value);
            return missing_symbol_text(where(), hint, err.text);
        });
    if (!own)
        facts = native_loader::facts_of(state->handle, p, name.value ? name.value : "");
    const bool data = facts.kind == symbol_kind::object || facts.kind == symbol_kind::tls;
    if (kind == wanted::function && data)
        return fail(errc::not_a_function, [&] { return not_a_function_text(where(), facts); });
    if (kind == wanted::object && facts.kind == symbol_kind::function)
        return fail(errc::not_an_object, [&] { return not_an_object_text(where()); });
    if (kind == wanted::object && data && facts.size != 0 && facts.size != size)
        return fail(errc::size_mismatch, [&] { return size_mismatch_text(where(), facts, size); });
    if (own_index && own)
        *own_index = index;
    return p;
}

// The message of a get_first() that found none of `names` (at least one): every name tried,
// "did you mean" for the first, the loader's text for the last.
template <class Name>
std::string none_found_message(const library_state &state, std::initializer_list<Name> names) {
    std::string list;
    for (const Name &name : names)
        list += (&name == names.begin() ? "" : ", ") + name.quoted();
    const Name &first = *names.begin();
    const std::string hint =
        !first.by_ordinal && first.value ? symbol_hint(state.handle, first.value) : std::string();
    const Name &last = *(names.end() - 1);
    os_error err;
    if (!last.is_null())
        lookup(state, last, err);
    return none_found_text(list, display_name(&state), hint, err.text);
}

// Gives back `state`'s reference unless something obtained from it still holds one: whether the
// image left the process. Throws nothing (out of memory while building a message is
// std::errc::not_enough_memory).
inline bool release(state_ptr &state, std::error_code &ec, std::string *message) noexcept {
    ec.clear();
    try {
        if (!state) {
            ec = errc::not_loaded;
            if (message)
                *message = unload_empty_text();
            return false;
        }
        const long users = state.use_count() - 1;
        if (users > 0) {
            ec = errc::in_use;
            if (message)
                *message = in_use_text(display_name(state.get()), users);
            return false;
        }
        const std::string file = state->path;
        const bool is_self = state->is_self;
        state.reset(); // the last reference: the loader's reference is given back here
        return !is_self && !native_loader::is_in_process(file);
    } catch (...) { // std::bad_alloc while building a message
        ec = std::make_error_code(std::errc::not_enough_memory);
        return false;
    }
}

} // namespace ctypes::detail

#endif
