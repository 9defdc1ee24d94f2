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

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "signature.hpp"

namespace ctypes {

template <class CharT>
class basic_string_buffer;

namespace detail {

// The SFINAE of every typed call operator, `template <class... X, extra_arguments_t<Variadic,
// X...> = 0>`: arguments after the declared ones exist for a variadic signature only.
template <bool Variadic, class... X>
using extra_arguments_t = std::enable_if_t<Variadic || sizeof...(X) == 0, int>;

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

// The element types whose arrays are bytes to C.
template <class T>
inline constexpr bool is_byte_v = std::is_same_v<T, char> || std::is_same_v<T, signed char> ||
                                  std::is_same_v<T, unsigned char> || std::is_same_v<T, std::byte>;

// A contiguous container of bytes with data() and size() (std::string, std::vector<unsigned
// char>, std::array<std::byte, N>, std::string_view), other than a string buffer.
template <class C, class = void>
inline constexpr bool is_byte_container_v = false;
template <class C>
inline constexpr bool is_byte_container_v<C,
                                          std::void_t<decltype(std::declval<const C &>().data()),
                                                      decltype(std::declval<const C &>().size())>> =
    !is_string_buffer_v<C> && std::is_pointer_v<decltype(std::declval<const C &>().data())> &&
    is_byte_v<std::remove_cv_t<std::remove_pointer_t<decltype(std::declval<const C &>().data())>>>;

// A pointer parameter to bytes, `B*` with B (possibly const) unsigned char (std::uint8_t),
// std::byte or void: a pointer, a string buffer (any buffer for void), or anything that converts
// to `B*`; for a const B also a contiguous container of bytes, whose data() is passed (no NUL is
// needed or added: C takes a length beside it), valid until the end of the full expression, and
// a pointer to other const bytes (a string literal for a `const unsigned char*`).
template <class B>
class byte_pointer_arg {
    using void_type = std::conditional_t<std::is_const_v<B>, const void, void>;
    static B *cast(void_type *p) noexcept { return static_cast<B *>(p); }

public:
    byte_pointer_arg(B *p) noexcept : value_(p) {}
    template <class CharT,
              std::enable_if_t<std::is_void_v<B> || std::is_same_v<CharT, char>, int> = 0>
    byte_pointer_arg(basic_string_buffer<CharT> &b) noexcept : value_(cast(b.data())) {}
    template <class CharT, bool C = std::is_const_v<B>,
              std::enable_if_t<C && (std::is_void_v<B> || std::is_same_v<CharT, char>), int> = 0>
    byte_pointer_arg(const basic_string_buffer<CharT> &b) noexcept : value_(cast(b.data())) {}
    template <class E, bool K = std::is_const_v<B> && !std::is_void_v<B>,
              std::enable_if_t<K && is_byte_v<E> && !std::is_same_v<const E, B>, int> = 0>
    byte_pointer_arg(const E *p) noexcept : value_(cast(p)) {}
    template <class C, bool K = std::is_const_v<B>,
              std::enable_if_t<K && is_byte_container_v<C>, int> = 0>
    byte_pointer_arg(const C &bytes) noexcept : value_(cast(bytes.data())) {}
    template <class T, std::enable_if_t<std::is_convertible_v<T &&, B *> &&
                                            !std::is_same_v<std::decay_t<T>, B *> &&
                                            !is_byte_container_v<std::decay_t<T>>,
                                        int> = 0>
    byte_pointer_arg(T &&p) noexcept : value_(static_cast<B *>(std::forward<T>(p))) {}

    B *get() const noexcept { return value_; }

private:
    B *value_ = nullptr;
};

template <class B>
struct byte_pointer_converter {
    using type = byte_pointer_arg<B>;
    static constexpr B *convert(const type &value) noexcept { return value.get(); }
};

template <>
struct arg_converter<unsigned char *> : byte_pointer_converter<unsigned char> {};
template <>
struct arg_converter<const unsigned char *> : byte_pointer_converter<const unsigned char> {};
template <>
struct arg_converter<std::byte *> : byte_pointer_converter<std::byte> {};
template <>
struct arg_converter<const std::byte *> : byte_pointer_converter<const std::byte> {};
template <>
struct arg_converter<void *> : byte_pointer_converter<void> {};
template <>
struct arg_converter<const void *> : byte_pointer_converter<const void> {};

template <class Param>
using arg_t = typename arg_converter<Param>::type;

} // namespace detail
} // namespace ctypes

#endif
