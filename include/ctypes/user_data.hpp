// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_USER_DATA_HPP
#define CTYPES_USER_DATA_HPP

/// \file
/// with_user_data(): a C++ callable passed to C as the `void*` user data of a callback that C
/// hands back (qsort_r, sqlite3_exec, pthread_create). The function pointer is fixed per callable
/// type and the callable travels as the user data, so it needs no thunk slot and no indirection.
/// Exceptions, on_exception() and use_errno behave as for ctypes::callback (callback.hpp).
/// \see https://docs.python.org/3/library/ctypes.html#callback-functions

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "callback.hpp"
#include "detail/callback_thunks.hpp"
#include "detail/signature.hpp"
#include "flags.hpp"
#include "policy.hpp"

namespace ctypes {
namespace detail {

inline constexpr std::size_t find_user_data = static_cast<std::size_t>(-1);

template <class T>
inline constexpr bool is_user_data_pointer = std::is_same_v<std::remove_cv_t<T>, void *> ||
                                             std::is_same_v<std::remove_cv_t<T>, const void *>;

// The position of the one `void*` parameter, or sizeof...(A) when there is none or several.
template <class... A>
constexpr std::size_t user_data_position() {
    constexpr bool is[] = {std::is_same_v<std::remove_cv_t<A>, void *>..., false};
    std::size_t found = sizeof...(A), count = 0;
    for (std::size_t i = 0; i < sizeof...(A); ++i)
        if (is[i]) {
            found = i;
            ++count;
        }
    return count == 1 ? found : sizeof...(A);
}

template <std::size_t K, class... A>
constexpr std::size_t resolve_user_data() {
    if constexpr (K == find_user_data)
        return user_data_position<A...>();
    else if constexpr (K < sizeof...(A)) {
        using T = std::tuple_element_t<K, std::tuple<A...>>;
        return is_user_data_pointer<T> ? K : sizeof...(A);
    } else
        return sizeof...(A);
}

template <class F, class R, std::size_t K, class Tuple, std::size_t... I>
constexpr bool invocable_without(std::index_sequence<I...>) {
    return std::is_invocable_r_v<R, F &, std::tuple_element_t<(I < K ? I : I + 1), Tuple> &...>;
}

template <class F, std::size_t Index, class R, class... A>
constexpr bool check_user_data_args(type_list<A...>, R *) {
    constexpr std::size_t k = resolve_user_data<Index, A...>();
    if constexpr (k == sizeof...(A)) {
        static_assert(dependent_false<F>,
                      "ctypes: with_user_data<Sig> needs exactly one void* parameter in Sig, "
                      "through which C hands the user data back; when there are several, give the "
                      "position: with_user_data<Sig, ctypes::cdecl_convention, N>");
        return false;
    } else {
        constexpr bool ok =
            !std::is_member_pointer_v<F> && invocable_without<F, R, k, std::tuple<A...>>(
                                                std::make_index_sequence<sizeof...(A) - 1>{});
        static_assert(ok, "ctypes: the callable given to with_user_data<Sig> must accept Sig's "
                          "parameters without the void* user data, and return something "
                          "convertible to Sig's result");
        return ok;
    }
}

template <class Sig, class Conv, std::size_t Index, class F>
constexpr bool check_user_data() {
    if constexpr (!validate_callback_signature<Sig, Conv>()) {
        return false;
    } else {
        return check_user_data_args<F, Index>(
            typename signature<Sig>::argument_types{},
            static_cast<typename signature<Sig>::result_type *>(nullptr));
    }
}

template <class Record, class R, std::size_t K, class... A>
struct user_data_target {
    static R invoke(A &...a) noexcept {
        std::tuple<A &...> refs(a...);
        Record &rec = *static_cast<Record *>(
            const_cast<void *>(static_cast<const void *>(std::get<K>(refs))));
        return call_without(rec, refs, std::make_index_sequence<sizeof...(A) - 1>{});
    }
    template <std::size_t... I>
    static R call_without(Record &rec, std::tuple<A &...> &refs,
                          std::index_sequence<I...>) noexcept {
        return invoke_record<R>(rec, std::get<(I < K ? I : I + 1)>(refs)...);
    }
};

} // namespace detail

/// A callable passed to C as the `void*` user data of a callback that C hands back (qsort_r,
/// sqlite3_exec, pthread_create): a fixed function pointer per callable type plus the context
/// pointer, so no thunk slot and no indirection. Made by with_user_data().
///
/// Holds the callable (or a reference to it, when with_user_data() got an lvalue) and is
/// neither copyable nor movable: user_data() is this object's address, which C keeps. Keep it
/// alive as long as C may call get(). Exceptions and use_errno behave as for ctypes::callback.
template <class Sig, class F, class Convention, std::size_t Index>
class user_data_callback;

/// \copydoc user_data_callback
template <class R, class... A, class F, class Convention, std::size_t Index>
class user_data_callback<R(A...), F, Convention, Index> {
    using record = detail::callback_record<R, F>;

public:
    /// The C function pointer type.
    using pointer = typename Convention::template pointer<R, A...>;
    /// The position (from 0) of the `void*` parameter that carries user_data().
    static constexpr std::size_t user_data_index = Index;

    /// Use with_user_data() instead.
    template <class G>
    user_data_callback(G &&f, detail::fallback<R> fb, unsigned char bits)
        : record_{std::forward<G>(f), fb, bits} {}
    user_data_callback(const user_data_callback &) = delete;
    user_data_callback &operator=(const user_data_callback &) = delete;

    /// The function pointer to give C; the same for every object of this type. Throws nothing.
    pointer get() const noexcept {
        return &Convention::template thunk<detail::user_data_target<record, R, Index, A...>, R,
                                           A...>;
    }
    /// The `void*` to give C along with get(); valid while this object lives. Throws nothing.
    void *user_data() noexcept { return &record_; }

private:
    record record_;
};

namespace detail {
template <class Stored, class Convention, std::size_t Index, class R, class F, class... A>
auto make_user_data(F &&f, fallback<R> fb, call_flags flags, type_list<A...>) {
    if constexpr (!std::is_function_v<std::remove_reference_t<F>>)
        require_not_empty<R(A...)>(f);
    return user_data_callback<R(A...), Stored, Convention, resolve_user_data<Index, A...>()>(
        std::forward<F>(f), fb, callback_capture_bits<R(A...)>(flags));
}
} // namespace detail

/// Adapts a callable to a C callback whose `void*` parameter hands back user data, with no thunk:
/// pass `get()` as the function and `user_data()` as the data.
///
/// \tparam Sig the C callback's type, e.g. `int(const void*, const void*, void*)` for qsort_r;
/// checked as for callback<Sig>.
/// \tparam Convention cdecl_convention (default), stdcall_convention, or a user-defined
/// convention that supplies its thunk (see ctypes::policy).
/// \tparam Index the position of the user-data parameter; found automatically when Sig has
/// exactly one `void*` parameter, required otherwise (it may then also be a `const void*`).
/// \param f invoked with Sig's parameters minus the user data. An lvalue is referred to (keep it
/// alive), an rvalue is moved into the result.
/// \param flags `use_errno` / `use_last_error`, as for ctypes::callback.
/// \return a user_data_callback (not movable: bind it with `auto cb = with_user_data...`).
/// \throws error (errc::empty_callable) for a null function pointer or empty std::function;
/// error (errc::bad_flags) for rethrow_callbacks (an `rtld_*` flag does not compile);
/// anything moving `f` in throws.
/// \see ctypes passes a callback and `py_object` user data separately; this binds the two.
/// \code
/// int descending = 1;
/// auto cmp = ctypes::with_user_data<int(const void *, const void *, void *)>(
///     [&](const void *a, const void *b) { return compare(a, b) * descending; });
/// qsort_r(values, count, sizeof(int), cmp.get(), cmp.user_data());
/// \endcode
template <class Sig, class Convention = cdecl_convention,
          std::size_t Index = detail::find_user_data, class F>
auto with_user_data(F &&f, call_flags flags = {}) {
    if constexpr (detail::check_user_data<Sig, Convention, Index, std::decay_t<F>>()) {
        using S = detail::signature<Sig>;
        using R = typename S::result_type;
        using stored = std::conditional_t<std::is_lvalue_reference_v<F> &&
                                              !std::is_function_v<std::remove_reference_t<F>>,
                                          F, std::decay_t<F>>;
        return detail::make_user_data<stored, Convention, Index, R>(
            std::forward<F>(f), detail::fallback<R>{}, flags, typename S::argument_types{});
    }
}

/// As with_user_data(f, flags), returning `on_error.value` to C when `f` throws.
template <class Sig, class Convention = cdecl_convention,
          std::size_t Index = detail::find_user_data, class F, class V>
auto with_user_data(F &&f, exception_result<V> on_error, call_flags flags = {}) {
    if constexpr (detail::check_user_data<Sig, Convention, Index, std::decay_t<F>>()) {
        using S = detail::signature<Sig>;
        using R = typename S::result_type;
        static_assert(!std::is_void_v<R>,
                      "ctypes: on_exception(value) needs a callback that returns a value; a "
                      "void callback returns nothing to C, leave the argument out");
        using stored = std::conditional_t<std::is_lvalue_reference_v<F> &&
                                              !std::is_function_v<std::remove_reference_t<F>>,
                                          F, std::decay_t<F>>;
        if constexpr (!std::is_void_v<R>)
            return detail::make_user_data<stored, Convention, Index, R>(
                std::forward<F>(f), detail::fallback<R>{R(on_error.value)}, flags,
                typename S::argument_types{});
    }
}

} // namespace ctypes

#endif
