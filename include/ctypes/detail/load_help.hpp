// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_LOAD_HELP_HPP
#define CTYPES_DETAIL_LOAD_HELP_HPP

// The slow paths of loading and lookup that explain themselves: trying decorated names
// (try_decorated), naming the dependency that made a load fail, and suggesting the closest
// exported names for a missing symbol. Only ever called after the loader has said no.

#include <string>
#include <string_view>
#include <vector>

#include "find_library.hpp"
#include "inspect.hpp"
#include "loader.hpp"
#include "suggest.hpp"

namespace ctypes::detail {

// Loads the first decorated form of `name` that the loader accepts; `tried` receives the forms.
// On failure returns null: the caller reports the loader's text for the name as given.
inline native_loader::handle_type open_decorated(const std::string &name, load_flags flags,
                                                 std::vector<std::string> &tried) {
    tried = decorated_forms(name);
    for (const std::string &form : tried) {
        os_error ignored;
        const auto native = native_loader::native_path(form);
        if (auto handle = native_loader::open(&native, flags, ignored))
            return handle;
    }
    return native_loader::handle_type{};
}

// The part of a load error between the name and the loader's text `loader_text`: forms tried,
// and the dependency that is missing when the library itself exists. Empty, or ends with ": ".
inline std::string load_failure_hint(const std::string &name, const std::vector<std::string> &tried,
                                     const std::string &loader_text) {
    std::string hint;
    if (!tried.empty()) {
        hint = "also tried ";
        for (std::size_t i = 0; i < tried.size(); ++i)
            hint += (i ? ", '" : "'") + tried[i] + "'";
        hint += ": ";
    }
    try {
        const std::string missing = missing_dependency(name, loader_text);
        if (!missing.empty())
            hint += missing + ": ";
    } catch (...) { // out of memory while explaining: the loader's text alone still says a lot
    }
    return hint;
}

// " (did you mean 'crc32_z'?)" from the library's own exports, or nothing.
inline std::string symbol_hint(native_loader::handle_type handle, const char *name) {
    try {
        const std::vector<symbol_info> symbols = image_symbols(handle);
        std::vector<std::string_view> names;
        names.reserve(symbols.size());
        for (const symbol_info &s : symbols)
            names.emplace_back(s.name);
        return did_you_mean(names, name);
    } catch (...) {
        return {};
    }
}

} // namespace ctypes::detail

#endif
