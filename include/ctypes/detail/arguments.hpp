// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_ARGUMENTS_HPP
#define CTYPES_DETAIL_ARGUMENTS_HPP

// How a call's arguments become the C parameters, one trait per parameter type:
// arg_converter<Param>::type is what function::operator() accepts in that position, and
// arg_converter<Param>::convert() turns it into the Param handed to C. Every parameter type not
// specialised below is accepted as itself and converted by identity, so the plain call path is
// the exact code it was before, and every implicit C++ conversion (int to long, derived to base
// pointer, nullptr to pointer, braced initialisation of a struct) keeps working: the operator's
// parameters are not deduced.

#include <string>
#include <string_view>
#include <type_traits>

#include "../types.hpp"

namespace ctypes {

template <class CharT>
class basic_string_buffer;

namespace detail {

template <class Param>
struct arg_converter {
    using type = Param;
    static constexpr type &convert(type &value) noexcept { return value; }
};

template <class T>
inline constexpr bool is_string_buffer_v = false;
template <class CharT>
inline constexpr bool is_string_buffer_v<basic_string_buffer<CharT>> = true;

template <class T>
inline constexpr bool is_std_string_v = false;
template <class C, class Tr, class A>
inline constexpr bool is_std_string_v<std::basic_string<C, Tr, A>> = true;

// A `const CharT*` parameter: a C string, a std::basic_string (its c_str(), valid until the end
// of the full expression that makes the call, which outlives the call), a string buffer, or
// anything that converts to `const CharT*`. A std::basic_string_view is refused: it does not
// promise the NUL that C reads up to.
template <class CharT>
class c_string_arg {
public:
    c_string_arg(const CharT *s) noexcept : value_(s) {}
    template <class Tr, class A>
    c_string_arg(const std::basic_string<CharT, Tr, A> &s) noexcept : value_(s.c_str()) {}
    c_string_arg(const basic_string_buffer<CharT> &b) noexcept : value_(b.data()) {}
    template <class T, std::enable_if_t<std::is_convertible_v<T &&, const CharT *> &&
                                            !std::is_same_v<std::decay_t<T>, const CharT *> &&
                                            !is_string_view<std::decay_t<T>>::value,
                                        int> = 0>
    c_string_arg(T &&s) noexcept : value_(static_cast<const CharT *>(std::forward<T>(s))) {}
    template <class Tr>
    c_string_arg(std::basic_string_view<CharT, Tr>) noexcept {
        static_assert(dependent_false<Tr>,
                      "ctypes: a std::string_view cannot be passed where the C function takes a "
                      "C string (const char*): it is not NUL-terminated; pass a std::string, or "
                      "std::string(view) to make one");
    }

    const CharT *get() const noexcept { return value_; }

private:
    const CharT *value_ = nullptr;
};

// A `CharT*` parameter: a pointer, a string buffer (ctypes create_string_buffer), or anything
// that converts to `CharT*`.
template <class CharT>
class c_mutable_string_arg {
public:
    c_mutable_string_arg(CharT *s) noexcept : value_(s) {}
    c_mutable_string_arg(basic_string_buffer<CharT> &b) noexcept : value_(b.data()) {}
    template <class T, std::enable_if_t<std::is_convertible_v<T &&, CharT *> &&
                                            !std::is_same_v<std::decay_t<T>, CharT *>,
                                        int> = 0>
    c_mutable_string_arg(T &&s) noexcept : value_(static_cast<CharT *>(std::forward<T>(s))) {}

    CharT *get() const noexcept { return value_; }

private:
    CharT *value_ = nullptr;
};

template <class CharT>
struct c_string_converter {
    using type = c_string_arg<CharT>;
    static constexpr const CharT *convert(const type &value) noexcept { return value.get(); }
};
template <class CharT>
struct c_mutable_string_converter {
    using type = c_mutable_string_arg<CharT>;
    static constexpr CharT *convert(const type &value) noexcept { return value.get(); }
};

template <>
struct arg_converter<const char *> : c_string_converter<char> {};
template <>
struct arg_converter<const wchar_t *> : c_string_converter<wchar_t> {};
template <>
struct arg_converter<char *> : c_mutable_string_converter<char> {};
template <>
struct arg_converter<wchar_t *> : c_mutable_string_converter<wchar_t> {};

template <class Param>
using arg_t = typename arg_converter<Param>::type;

} // namespace detail
} // namespace ctypes

#endif
