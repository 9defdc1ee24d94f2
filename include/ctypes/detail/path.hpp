// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_PATH_HPP
#define CTYPES_DETAIL_PATH_HPP

// The few path operations the loaders, the searches and the inspection need, on plain strings
// (no <filesystem>: it costs every includer, and the loaders want their own separators):
// splitting a path at its last separator and splitting a search list. The separators are the
// caller's: "/" for POSIX paths, "/\\" for Windows paths (wide or UTF-8).

#include <string>
#include <vector>

namespace ctypes::detail::path {

inline constexpr const char *posix_separators = "/";
inline constexpr const char *windows_separators = "/\\";
inline constexpr const wchar_t *windows_wide_separators = L"/\\";

// The part after the last separator: the whole path when it has none.
template <class Char>
std::basic_string<Char> file_name_of(const std::basic_string<Char> &path, const Char *separators) {
    const auto at = path.find_last_of(separators);
    return at == std::basic_string<Char>::npos ? path : path.substr(at + 1);
}

// The part before the last separator (the separator itself for a file in the root), or
// `no_directory` when the path has none.
template <class Char>
std::basic_string<Char> directory_of(const std::basic_string<Char> &path, const Char *separators,
                                     const Char *no_directory) {
    const auto at = path.find_last_of(separators);
    if (at == std::basic_string<Char>::npos)
        return no_directory;
    return path.substr(0, at == 0 ? 1 : at);
}

// The entries of a search list (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH) separated by any of
// `separators`, in order, without empty entries; none for a null list.
inline std::vector<std::string> split_list(const char *list, const char *separators) {
    std::vector<std::string> entries;
    if (!list)
        return entries;
    const std::string all = list;
    std::string::size_type from = 0;
    while (from <= all.size()) {
        auto to = all.find_first_of(separators, from);
        if (to == std::string::npos)
            to = all.size();
        if (to > from)
            entries.push_back(all.substr(from, to - from));
        from = to + 1;
    }
    return entries;
}

} // namespace ctypes::detail::path

#endif
