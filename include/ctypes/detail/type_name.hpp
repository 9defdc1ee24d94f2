// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_TYPE_NAME_HPP
#define CTYPES_DETAIL_TYPE_NAME_HPP

// A type as the compiler spells it, for the error messages that name a signature.

#include <cstddef>
#include <string>

namespace ctypes::detail {

template <class T>
const char *raw_type_name() noexcept {
#if defined(_MSC_VER) && !defined(__clang__)
    return __FUNCSIG__;
#else
    return __PRETTY_FUNCTION__;
#endif
}

// The signature as the compiler spells it, for error messages only.
template <class T>
std::string type_name() {
    const std::string s = raw_type_name<T>();
#if defined(_MSC_VER) && !defined(__clang__)
    const std::string open = "raw_type_name<";
    const std::size_t b = s.find(open);
    const std::size_t e = s.rfind(">(void)");
#else
    const std::string open = "T = ";
    const std::size_t b = s.find(open);
    const std::size_t e = b == std::string::npos ? b : s.find_first_of(";]", b);
#endif
    if (b == std::string::npos || e == std::string::npos || e <= b + open.size())
        return "this signature";
    return s.substr(b + open.size(), e - b - open.size());
}

} // namespace ctypes::detail

#endif
