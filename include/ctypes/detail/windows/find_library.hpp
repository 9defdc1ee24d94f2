// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_FIND_LIBRARY_HPP
#define CTYPES_DETAIL_WINDOWS_FIND_LIBRARY_HPP

// find_library() on Windows, as ctypes.util.find_library does it there: each PATH directory in
// turn, first `dir\name`, then (unless the name already ends in ".dll") `dir\name.dll`; the full
// path of the first regular file found. Unlike ctypes, empty PATH entries are skipped, since
// they would mean the current directory. Checked under Wine by a [windows] test.

#include <string>
#include <string_view>
#include <vector>

#include "../unicode.hpp"
#include "win32.hpp"

namespace ctypes::detail {

inline bool is_file_w(const std::wstring &path) {
    const unsigned long a = GetFileAttributesW(path.c_str());
    return a != win32::invalid_file_attributes && (a & win32::file_attribute_directory) == 0;
}

inline std::string find_library_impl(std::string_view name) {
    if (name.empty())
        return {};
    std::wstring path_list(32767, L'\0');
    const unsigned long n = GetEnvironmentVariableW(L"PATH", &path_list[0],
                                                    static_cast<unsigned long>(path_list.size()));
    if (n == 0 || n >= path_list.size())
        return {};
    path_list.resize(n);
    const std::wstring wide = to_wide(std::string(name));
    const bool has_dll = wide.size() >= 4 && (wide.compare(wide.size() - 4, 4, L".dll") == 0 ||
                                              wide.compare(wide.size() - 4, 4, L".DLL") == 0);
    std::size_t start = 0;
    while (start <= path_list.size()) {
        std::size_t end = path_list.find(L';', start);
        if (end == std::wstring::npos)
            end = path_list.size();
        std::wstring dir = path_list.substr(start, end - start);
        start = end + 1;
        if (dir.empty())
            continue;
        if (dir.back() != L'\\' && dir.back() != L'/')
            dir += L'\\';
        if (is_file_w(dir + wide))
            return to_utf8(dir + wide);
        if (!has_dll && is_file_w(dir + wide + L".dll"))
            return to_utf8(dir + wide + L".dll");
    }
    return {};
}

inline std::string library_file_name(std::string_view name) {
    return std::string(name) + ".dll";
}

// The one form try_decorated loads after a bare name.
inline std::vector<std::string> platform_decorated_forms(const std::string &name) {
    return {library_file_name(name)};
}

} // namespace ctypes::detail

#endif
