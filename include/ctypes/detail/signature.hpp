// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SIGNATURE_HPP
#define CTYPES_DETAIL_SIGNATURE_HPP

// The signature metaprogramming every part of the call path reads: type lists, the
// decomposition of a function type R(Args...) (noexcept, C-style `...`, a stdcall-carrying type
// on 32-bit x86), the out<T> marker's traits, and dependent_false for static_asserts in
// templates. A leaf: the public headers build on it, it includes none of them.

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "config.hpp"

namespace ctypes {

template <class T>
struct out; // out.hpp

namespace detail {

template <class T>
inline constexpr bool dependent_false = false;

// The one mechanism behind "validate, then one message": a class template whose arguments a
// static_assert refused derives from `rejected` instead of its working base, so nothing else in
// it reports errors of its own, and basic_library skips the lookup (is_rejected_v). function
// and variable use it; `accepted` is the empty base of a variable whose type passed.
struct rejected {};
struct accepted {};
template <bool Valid>
using accepted_if_t = std::conditional_t<Valid, accepted, rejected>;
template <class T>
inline constexpr bool is_rejected_v = std::is_base_of_v<rejected, T>;

// ctypes::out<T> marks an output parameter: C receives a T*, the call returns the T.
template <class T>
struct is_out : std::false_type {};
template <class T>
struct is_out<out<T>> : std::true_type {};
template <class T>
inline constexpr bool is_out_v = is_out<T>::value;

// The parameter type C sees: T* for out<T>, the type itself otherwise.
template <class T>
struct c_param {
    using type = T;
};
template <class T>
struct c_param<out<T>> {
    using type = T *;
};
// The T of out<T>, without forming T* (ill-formed for the references the checks reject).
template <class T>
struct out_target {
    using type = void;
};
template <class T>
struct out_target<out<T>> {
    using type = T;
};
template <class T>
using c_param_t = typename c_param<T>::type;

template <class... T>
struct type_list {};

template <class... T>
constexpr std::size_t count_of(type_list<T...>) noexcept {
    return sizeof...(T);
}

// Decomposes a function type: R(Args...), with or without noexcept and a C-style `...`.
template <class Sig>
struct signature {
    static constexpr bool is_function = false;
};
template <class R, class... A>
struct signature<R(A...)> {
    static constexpr bool is_function = true;
    static constexpr bool is_variadic = false;
    using result_type = R;
    using argument_types = type_list<A...>;
};
template <class R, class... A>
struct signature<R(A...) noexcept> : signature<R(A...)> {};
template <class R, class... A>
struct signature<R(A..., ...)> {
    static constexpr bool is_function = true;
    static constexpr bool is_variadic = true;
    using result_type = R;
    using argument_types = type_list<A...>;
};
template <class R, class... A>
struct signature<R(A..., ...) noexcept> : signature<R(A..., ...)> {};

// A function type that carries the stdcall convention, as the declarations of a Windows header
// do on 32-bit x86 (`WINAPI`, `__stdcall`: there the convention is part of the type). `plain` is
// the same type without it, which signature<> and the checks read; elsewhere every type is plain.
template <class Sig>
struct stdcall_signature {
    static constexpr bool value = false;
    using plain = Sig;
};
#if CTYPES_DETAIL_X86_32
template <class R, class... A>
struct stdcall_signature<R CTYPES_DETAIL_STDCALL(A...)> {
    static constexpr bool value = true;
    using plain = R(A...);
};
template <class R, class... A>
struct stdcall_signature<R CTYPES_DETAIL_STDCALL(A...) noexcept> {
    static constexpr bool value = true;
    using plain = R(A...) noexcept;
};
#endif
template <class Sig>
using plain_signature_t = typename stdcall_signature<Sig>::plain;

template <class T>
struct is_string_view : std::false_type {};
template <class C, class Tr>
struct is_string_view<std::basic_string_view<C, Tr>> : std::true_type {};

} // namespace detail
} // namespace ctypes

#endif
