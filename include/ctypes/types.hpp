// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_TYPES_HPP
#define CTYPES_TYPES_HPP

/// \file
/// Which C++ types may cross a C boundary, and the compile-time checks that say so.
///
/// A type is FFI-safe when C has the same type: arithmetic types, enums, pointers (to anything,
/// C treats them as addresses), function pointers, `std::nullptr_t`, and trivially copyable
/// standard-layout structs and unions passed by value. A reference is accepted where it refers
/// to such a type, because every C ABI passes a reference as a pointer. Everything else (classes
/// with virtual functions or non-trivial copies such as `std::string`, `std::string_view`,
/// pointers to members, empty classes) is rejected at compile time, with a message that names
/// the parameter and says what to write instead.

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/signature.hpp"

namespace ctypes {
namespace detail {

enum class ffi_problem {
    none,
    polymorphic,
    not_trivially_copyable,
    not_standard_layout,
    empty_class,
    string_view,
    member_pointer,
    reference_to_unsafe,
    array_result,
    function_value,
    bad_out,
    out_result,
    not_copyable,
};

template <class T>
constexpr ffi_problem value_problem() {
    using U = std::remove_cv_t<T>;
    if constexpr (is_string_view<U>::value) {
        return ffi_problem::string_view;
    } else if constexpr (std::is_member_pointer_v<U>) {
        return ffi_problem::member_pointer;
    } else if constexpr (std::is_function_v<U>) {
        return ffi_problem::function_value;
    } else if constexpr (std::is_class_v<U> || std::is_union_v<U>) {
        if constexpr (std::is_polymorphic_v<U>)
            return ffi_problem::polymorphic;
        else if constexpr (!std::is_trivially_copyable_v<U>)
            return ffi_problem::not_trivially_copyable;
        else if constexpr (!std::is_standard_layout_v<U>)
            return ffi_problem::not_standard_layout;
        else if constexpr (std::is_empty_v<U>)
            return ffi_problem::empty_class;
        else
            return ffi_problem::none;
    } else {
        return ffi_problem::none;
    }
}

template <class T>
constexpr ffi_problem out_problem() {
    if constexpr (std::is_reference_v<T> || std::is_const_v<T> || std::is_volatile_v<T> ||
                  std::is_void_v<T> || std::is_array_v<T> || std::is_function_v<T> || is_out_v<T>)
        return ffi_problem::bad_out;
    else
        return value_problem<T>();
}

template <class T>
constexpr ffi_problem problem_of() {
    if constexpr (is_out_v<T>) {
        return out_problem<typename out_target<T>::type>();
    } else if constexpr (std::is_reference_v<T>) {
        using U = std::remove_reference_t<T>;
        if constexpr (std::is_function_v<U>)
            return ffi_problem::none; // a reference to a function is a function pointer
        else
            return value_problem<U>() == ffi_problem::none ? ffi_problem::none
                                                           : ffi_problem::reference_to_unsafe;
    } else if constexpr (std::is_array_v<T>) {
        return ffi_problem::array_result; // only reachable for results: parameters decay
    } else {
        return value_problem<T>();
    }
}

// Position 0 is the result, 1.. are parameters. The messages must be string literals, so each
// position has its own; only the one for the offending position can fire.

#define CTYPES_DETAIL_POSITION(N, WHAT)                                                            \
    static_assert(Pos != N || P != ffi_problem::polymorphic,                                       \
                  "ctypes: " WHAT " is a class with virtual functions, which cannot cross a C "    \
                  "boundary; pass a pointer to it instead");                                       \
    static_assert(Pos != N || P != ffi_problem::not_trivially_copyable,                            \
                  "ctypes: " WHAT " is a class that is not trivially copyable (like "              \
                  "std::string), which C cannot receive by value; write const char* for "          \
                  "strings or a pointer to the object");                                           \
    static_assert(Pos != N || P != ffi_problem::not_standard_layout,                               \
                  "ctypes: " WHAT " is a class without standard layout, whose layout C cannot "    \
                  "know; use a plain struct: all members public, no reference members, no "        \
                  "virtual bases, data members in one class of a hierarchy");                      \
    static_assert(Pos != N || P != ffi_problem::not_copyable,                                      \
                  "ctypes: " WHAT " is a class whose copy constructor is deleted, but C receives " \
                  "structs by value as copies; make it copyable or pass a pointer to it");         \
    static_assert(Pos != N || P != ffi_problem::empty_class,                                       \
                  "ctypes: " WHAT " is an empty class, which C has no equivalent of; remove it "   \
                  "or pass a pointer");                                                            \
    static_assert(Pos != N || P != ffi_problem::string_view,                                       \
                  "ctypes: " WHAT " is a std::string_view, which is not NUL-terminated; write "    \
                  "const char* and pass a std::string or a NUL-terminated buffer");                \
    static_assert(Pos != N || P != ffi_problem::member_pointer,                                    \
                  "ctypes: " WHAT " is a pointer to member, which C has no equivalent of; pass "   \
                  "a plain pointer");                                                              \
    static_assert(Pos != N || P != ffi_problem::reference_to_unsafe,                               \
                  "ctypes: " WHAT " is a reference to a type that cannot cross a C boundary; C "   \
                  "sees references as pointers: write a pointer to a C-compatible type");          \
    static_assert(Pos != N || P != ffi_problem::array_result,                                      \
                  "ctypes: " WHAT " is an array, which C functions cannot return; return a "       \
                  "pointer or a struct holding the array");                                        \
    static_assert(Pos != N || P != ffi_problem::function_value,                                    \
                  "ctypes: " WHAT " is a function type; write a function pointer such as "         \
                  "int (*)(int)");                                                                 \
    static_assert(Pos != N || P != ffi_problem::bad_out,                                           \
                  "ctypes: " WHAT " is ctypes::out<T> with a T that C cannot write through a "     \
                  "pointer (a reference, const, void, an array or another out); write out<T> for " \
                  "a T* parameter, such as out<long> for long*");                                  \
    static_assert(Pos != N || P != ffi_problem::out_result,                                        \
                  "ctypes: " WHAT " is ctypes::out<T>, which marks output parameters only; "       \
                  "write the C function's own result type")

// A function, not a class: a failed static_assert here leaves the call a constant expression,
// so compilers report the one message and nothing after it.
template <std::size_t Pos, ffi_problem P>
constexpr bool report_ffi_problem() {
    if constexpr (P != ffi_problem::none) {
        CTYPES_DETAIL_POSITION(0, "the return type");
        CTYPES_DETAIL_POSITION(1, "parameter 1");
        CTYPES_DETAIL_POSITION(2, "parameter 2");
        CTYPES_DETAIL_POSITION(3, "parameter 3");
        CTYPES_DETAIL_POSITION(4, "parameter 4");
        CTYPES_DETAIL_POSITION(5, "parameter 5");
        CTYPES_DETAIL_POSITION(6, "parameter 6");
        CTYPES_DETAIL_POSITION(7, "parameter 7");
        CTYPES_DETAIL_POSITION(8, "parameter 8");
        CTYPES_DETAIL_POSITION(9, "parameter 9");
        CTYPES_DETAIL_POSITION(10, "parameter 10");
        CTYPES_DETAIL_POSITION(11, "parameter 11");
        CTYPES_DETAIL_POSITION(12, "parameter 12");
        static_assert(Pos <= 12, "ctypes: a parameter after the 12th cannot cross a C boundary "
                                 "(a class, string_view, member pointer or reference to one); "
                                 "write a C-compatible type");
    }
    return P == ffi_problem::none;
}

#undef CTYPES_DETAIL_POSITION

// A parameter is copied into the call, so a struct whose copy constructor is deleted cannot be
// one even when it is trivially copyable (a defaulted move is enough for that).
template <class T>
constexpr ffi_problem parameter_problem() {
    constexpr ffi_problem p = problem_of<T>();
    if constexpr (p == ffi_problem::none &&
                  (std::is_class_v<T> || std::is_union_v<T>)&&!is_out_v<T>)
        return std::is_copy_constructible_v<T> ? p : ffi_problem::not_copyable;
    else
        return p;
}

template <std::size_t... I, class... A>
constexpr bool check_parameters(std::index_sequence<I...>, type_list<A...>) {
    return (true && ... && report_ffi_problem<I + 1, parameter_problem<A>()>());
}

// True when the whole signature may cross; otherwise a static_assert has already fired.
template <class Sig>
constexpr bool check_signature() {
    using S = signature<Sig>;
    using R = typename S::result_type;
    constexpr bool result_ok = std::is_void_v<R> || report_ffi_problem < 0,
                   is_out_v<R> ? ffi_problem::out_result : problem_of<R>() > ();
    return result_ok &&
           check_parameters(std::make_index_sequence<count_of(typename S::argument_types{})>{},
                            typename S::argument_types{});
}

} // namespace detail

/// True when `T` can cross a C boundary as a parameter or result (see the file comment).
/// \tparam T any type; `void` counts as a valid result type.
template <class T>
struct is_ffi_safe : std::bool_constant<std::is_void_v<T> ||
                                        detail::problem_of<T>() == detail::ffi_problem::none> {};
/// \copydoc ctypes::is_ffi_safe
template <class T>
inline constexpr bool is_ffi_safe_v = is_ffi_safe<T>::value;

} // namespace ctypes

#endif
