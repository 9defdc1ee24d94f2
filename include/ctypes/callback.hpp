// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_CALLBACK_HPP
#define CTYPES_CALLBACK_HPP

/// \file
/// Callbacks: any C++ callable as a plain C function pointer (ctypes CFUNCTYPE / WINFUNCTYPE),
/// and what happens to the exceptions they throw. The `void* user_data` adapter, which needs no
/// thunk at all, is with_user_data() in user_data.hpp.
///
/// How a callable becomes a pointer:
/// - a `noexcept` function pointer of exactly the signature is handed out as it is;
/// - a stateless callable (a captureless lambda, an empty function object) gets a static thunk
///   made for its type: the pointer calls the lambda's body directly, no indirection;
/// - anything with state (capturing lambdas, function objects with members, std::function,
///   function pointers that may throw) takes one thunk from a fixed pool per signature. The
///   thunk loads its slot (the callable's address and a typed invoker) and calls through it:
///   one extra indirect call. The pool has CTYPES_CALLBACK_SLOTS thunks per signature and
///   convention; a slot is free again when its callback is destroyed. Beyond the pool, the same
///   two-instruction thunk is written at run time into W^X pages (runtime_thunks.hpp), where
///   the processor, signature and convention allow it and the system accepts run-time code.
///   The thunks themselves are the convention's (see ctypes::policy), so a user-defined
///   convention can make callbacks too.
///
/// Exceptions never unwind through C: an exception escaping the callable is caught in the thunk,
/// the C caller receives a value-initialised result (or the value given with on_exception()),
/// and the exception is parked on the calling thread. Every ctypes::function call, whatever its
/// parameter types (`sqlite3*`, `struct Curl_easy*`, none at all), rethrows it in the C++ caller
/// once the foreign call returns: the plain call tests one per-thread byte for that. When the
/// foreign call was not made through the façade (a raw pointer), the exception stays parked on
/// that thread until take_callback_exception() or rethrow_callback_exception() collects it, or
/// the next façade call on that thread returns and rethrows it. A thread that ends with one
/// still parked (one that C created, say) hands it to the handler given to
/// set_callback_exception_handler(); without one it calls std::terminate, as an exception
/// escaping a std::thread does. While a callback runs, what an enclosing call parked is set
/// aside, so the façade calls the callback makes see only their own exceptions.
///
/// \see https://docs.python.org/3/library/ctypes.html#callback-functions

#include <atomic>
#include <cstddef>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/arguments.hpp"
#include "detail/callback_exception.hpp"
#include "detail/callback_thunks.hpp"
#include "detail/config.hpp"
#include "detail/type_name.hpp"
#include "errno.hpp"
#include "error.hpp"
#include "flags.hpp"
#include "policy.hpp"
#include "types.hpp"

/// The size of each signature's static thunk pool (default 64): how many capturing callbacks of
/// one signature and convention are served without run-time code, and how many may be alive at
/// once where no thunk can be made at run time. To change it, define it to the same value in every
/// translation unit of the program, best on the compiler command line
/// (`-DCTYPES_CALLBACK_SLOTS=256`): two values in one program break the one-definition rule.
/// Each signature used with a capturing callable instantiates that many two-instruction thunks.
/// Stateless callables, noexcept function pointers and with_user_data() never use a slot.
#ifndef CTYPES_CALLBACK_SLOTS
#define CTYPES_CALLBACK_SLOTS 64
#endif

namespace ctypes {

/// The result a callback returns to C when its callable throws; made by on_exception().
/// \tparam T a type convertible to the callback's result.
template <class T>
struct exception_result {
    T value; ///< returned to the C caller in place of the result
};

/// Chooses what a callback returns to C when its callable throws, instead of the
/// value-initialised result: `callback<int(int)> cb(f, ctypes::on_exception(-1))`.
/// Throws nothing (unless copying `value` throws).
/// \see ctypes has no equivalent: a raising CFUNCTYPE callback returns an undefined value.
template <class T>
constexpr exception_result<T> on_exception(T value) {
    return {value};
}

/// Removes and returns the exception a callback parked on the calling thread while no façade
/// call was there to rethrow it (the foreign call was made through a raw pointer, or from C code
/// the program called some other way). Empty when there is none. Throws nothing.
inline std::exception_ptr take_callback_exception() noexcept {
    return detail::take_parked();
}

/// Sets what happens to an exception that a callback parked and nothing collected before its
/// thread ended (see callback_exception_handler): `handler` is called on that thread with it.
/// A null handler restores the default, std::terminate, which prints the exception's type and
/// what(). Any thread may set it at any time; it applies to threads ending afterwards.
/// \return the previous handler (null for the default). Throws nothing.
/// \code
/// ctypes::set_callback_exception_handler([](std::exception_ptr e) noexcept {
///     try { std::rethrow_exception(e); }
///     catch (const std::exception &x) { std::fprintf(stderr, "callback: %s\n", x.what()); }
///     catch (...) {}
/// });
/// \endcode
/// \see https://docs.python.org/3/library/sys.html#sys.unraisablehook (Python's hook)
inline callback_exception_handler
set_callback_exception_handler(callback_exception_handler handler) noexcept {
    return detail::callback_handler().exchange(handler, std::memory_order_acq_rel);
}

/// Rethrows, and removes, the exception a callback parked on the calling thread (see
/// take_callback_exception()); does nothing when there is none.
/// \throws whatever the callback threw.
inline void rethrow_callback_exception() {
    if (std::exception_ptr e = take_callback_exception())
        std::rethrow_exception(e);
}

namespace detail {

// Fires the one static_assert that says what is wrong with a callback's Sig; reuses the FFI
// checks of get<Sig>() for its parameters and result.
template <class Sig, class Conv>
constexpr bool validate_callback_signature() {
    if constexpr (std::is_pointer_v<Sig> && std::is_function_v<std::remove_pointer_t<Sig>>) {
        static_assert(dependent_false<Sig>, "ctypes: callback<Sig> needs a function type such as "
                                            "int(const void*, const void*), not a pointer to one");
        return false;
    } else if constexpr (!signature<Sig>::is_function) {
        static_assert(dependent_false<Sig>, "ctypes: callback<Sig> needs a function type such as "
                                            "int(const void*, const void*)");
        return false;
    } else if constexpr (signature<Sig>::is_variadic) {
        static_assert(dependent_false<Sig>,
                      "ctypes: callback<Sig> cannot be variadic, C++ cannot define a C function "
                      "with ...; declare the fixed parameters, or a va_list parameter");
        return false;
    } else if constexpr (std::is_reference_v<typename signature<Sig>::result_type>) {
        static_assert(dependent_false<Sig>,
                      "ctypes: callback<Sig> cannot return a reference, which C does not have; "
                      "return a pointer");
        return false;
    } else if constexpr (!has_callback_thunk<Conv, typename signature<Sig>::result_type,
                                             typename signature<Sig>::argument_types>::value) {
        static_assert(dependent_false<Sig>,
                      "ctypes: callback<Sig, Convention> needs a Convention that supplies its "
                      "thunk: a static member function template `template <class Target, class R, "
                      "class... A> static R thunk(A... a) noexcept { return Target::invoke(a...); "
                      "}` declared with the convention's attribute, so that its address is a "
                      "Convention::pointer<R, A...> (see ctypes::policy)");
        return false;
    } else {
        return check_signature<Sig>();
    }
}

template <class F, class R, class... A>
constexpr bool check_callable() {
    static_assert(!std::is_member_pointer_v<F> && std::is_invocable_r_v<R, F &, A &...>,
                  "ctypes: the callable given to callback<Sig> must accept Sig's parameters and "
                  "return something convertible to Sig's result; make its parameters match Sig");
    return !std::is_member_pointer_v<F> && std::is_invocable_r_v<R, F &, A &...>;
}

// A callable that can be empty (a function pointer, std::function: a non-empty class that
// converts to bool) must not be. Captureless lambdas convert to bool too, but are never null.
template <class Sig, class F>
void require_not_empty(const F &f) {
    if constexpr (std::is_pointer_v<F> || (std::is_class_v<F> && !std::is_empty_v<F> &&
                                           std::is_constructible_v<bool, const F &>)) {
        if (!static_cast<bool>(f))
            throw error(errc::empty_callable,
                        "ctypes: cannot make a callback of type " + type_name<Sig>() +
                            " from an empty callable (a null function pointer or an empty "
                            "std::function)");
    }
}

// A callback takes only the flags that mean something inside it, as ctypes' CFUNCTYPE does.
template <class Sig>
unsigned char callback_capture_bits(call_flags flags) {
    if (has_flags(flags, rethrow_callbacks))
        throw error(errc::bad_flags, "ctypes: a callback of type " + type_name<Sig>() +
                                         " takes only use_errno and use_last_error as flags");
    return capture_of(flags);
}

struct invalid_callback_base { // after a failed static_assert, keeps errors to that one
    invalid_callback_base() = default;
    template <class... X>
    invalid_callback_base(X &&...) {}
};

template <class Conv, class R, class Args>
class callback_impl;

template <class Conv, class R, class... A>
class callback_impl<Conv, R, type_list<A...>> {
    using thunks = stateful_thunk<CTYPES_CALLBACK_SLOTS, Conv, R, A...>;
    static constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

public:
    /// The C function pointer type, with the convention's attribute.
    using pointer = typename Conv::template pointer<R, A...>;
    /// The result type R.
    using result_type = R;

    /// An empty callback: get() is null, `bool(cb)` false. Throws nothing.
    callback_impl() noexcept = default;

    /// Wraps `f`; see ctypes::callback.
    template <class F, class = std::enable_if_t<!std::is_base_of_v<callback_impl, std::decay_t<F>>>>
    callback_impl(F &&f, call_flags flags = {}) {
        make(std::forward<F>(f), fallback<R>{}, false, flags);
    }
    /// Wraps `f`, returning `on_error.value` to C when `f` throws; see ctypes::callback.
    template <class F, class V>
    callback_impl(F &&f, exception_result<V> on_error, call_flags flags = {}) {
        if constexpr (std::is_void_v<R>) {
            static_assert(dependent_false<V>,
                          "ctypes: on_exception(value) needs a callback that returns a value; a "
                          "void callback returns nothing to C, leave the argument out");
        } else {
            make(std::forward<F>(f), fallback<R>{R(on_error.value)}, true, flags);
        }
    }

    /// Moves the callable and its thunk; get() keeps its value in the new object, `other`
    /// becomes empty. Throws nothing.
    callback_impl(callback_impl &&other) noexcept { swap(other); }
    /// Releases what this object owned, then takes `other`'s. Throws nothing.
    callback_impl &operator=(callback_impl &&other) noexcept {
        if (this != &other) {
            callback_impl(std::move(other)).swap(*this);
        }
        return *this;
    }
    callback_impl(const callback_impl &) = delete;
    callback_impl &operator=(const callback_impl &) = delete;
    /// Destroys the callable and frees its thunk slot. The pointer get() returned must not be
    /// called afterwards. Throws nothing.
    ~callback_impl() { reset(); }

    /// The plain C function pointer, valid while this object (or the one it was moved to) lives;
    /// null when empty. Throws nothing.
    pointer get() const noexcept { return fn_; }
    /// False when default-constructed or moved from. Throws nothing.
    explicit operator bool() const noexcept { return fn_ != nullptr; }
    /// Calls the callback from C++, as ctypes lets Python call a CFUNCTYPE object: through
    /// get(), exactly as C would (errno swapped for use_errno), with the argument conversions of
    /// ctypes::function (a `std::string` for a `const char*` parameter, a string buffer for a
    /// `char*`). Calling an empty callback is undefined behaviour.
    /// \return the callable's result.
    /// \throws whatever the callable threw (the thunk parks it and this call rethrows it, after
    /// C would have received the on_exception() value), or whatever was still parked on this
    /// thread, as any façade call does.
    R operator()(arg_t<A>... args) const {
        if constexpr (std::is_void_v<R>) {
            fn_(arg_converter<A>::convert(args)...);
            if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
                rethrow_parked();
        } else {
            R result = fn_(arg_converter<A>::convert(args)...);
            if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
                rethrow_parked();
            return result;
        }
    }
    /// True when the pointer is a thunk of the signature's pool or one made at run time (a
    /// callable with state); false for stateless callables and noexcept function pointers.
    /// Throws nothing.
    bool uses_slot() const noexcept { return slot_ != no_slot; }

private:
    template <class F>
    void make(F &&f, fallback<R> fb, bool chosen_fallback, call_flags flags) {
        using D = std::decay_t<F>;
        if constexpr (check_callable<D, R, A...>()) {
            if constexpr (!std::is_function_v<std::remove_reference_t<F>>)
                require_not_empty<R(A...)>(f);
            const unsigned char bits = callback_capture_bits<R(A...)>(flags);
            if constexpr (std::is_same_v<D, R (*)(A...) noexcept> &&
                          std::is_convertible_v<D, pointer>) {
                if (bits == 0) {
                    fn_ = f; // nothing to catch, nothing to swap: the function itself
                    return;
                }
            }
            if constexpr (is_stateless_callable<D>) {
                if (bits == 0 && !chosen_fallback) {
                    stateless_instance<D>::init(f);
                    fn_ = &Conv::template thunk<stateless_target<D, R, A...>, R, A...>;
                    return;
                }
            }
            using record = callback_record<R, D>;
            auto *rec = new record{D(std::forward<F>(f)), fb, bits};
            destroy_ = [](void *p) noexcept { delete static_cast<record *>(p); };
            record_ = rec;
            std::string why;
            if (pointer thunk = thunks::claim(rec, bits != 0, slot_, why)) {
                fn_ = thunk;
                return;
            }
            destroy_(std::exchange(record_, nullptr));
            destroy_ = nullptr;
            throw error(errc::no_callback_slot,
                        "ctypes: cannot make a callback of type " + type_name<R(A...)>() +
                            ": all " + std::to_string(thunks::pool::size) +
                            " static thunks of this signature are in use by live callbacks, and "
                            "no thunk can be made at run time (" +
                            why +
                            "); destroy unused callbacks or define CTYPES_CALLBACK_SLOTS to a "
                            "larger number for the whole program (-DCTYPES_CALLBACK_SLOTS=256)");
        }
    }

    void reset() noexcept {
        if (slot_ != no_slot) {
            destroy_(record_);
            thunks::release(slot_);
        }
        fn_ = nullptr;
        record_ = nullptr;
        destroy_ = nullptr;
        slot_ = no_slot;
    }

    void swap(callback_impl &other) noexcept {
        std::swap(fn_, other.fn_);
        std::swap(record_, other.record_);
        std::swap(destroy_, other.destroy_);
        std::swap(slot_, other.slot_);
    }

    pointer fn_ = nullptr;
    void *record_ = nullptr;
    void (*destroy_)(void *) noexcept = nullptr;
    std::size_t slot_ = no_slot;
};

template <class Sig, class Conv, bool Valid = validate_callback_signature<Sig, Conv>()>
struct callback_base_for {
    using type = invalid_callback_base;
};
template <class Sig, class Conv>
struct callback_base_for<Sig, Conv, true> {
    using S = signature<Sig>;
    using type = callback_impl<Conv, typename S::result_type, typename S::argument_types>;
};

} // namespace detail

/// A C++ callable as a plain C function pointer (ctypes `CFUNCTYPE(restype, *argtypes)(f)`).
///
/// \tparam Sig the C function type `R(Args...)` the pointer has (optionally `noexcept`; not
/// variadic, not a pointer type, R not a reference). Every parameter and the result must be
/// FFI-safe, checked as for get<Sig>(); a static_assert names the first offender.
/// \tparam Convention cdecl_convention (the default; also ctypes::CFUNCTYPE),
/// stdcall_convention (ctypes::WINFUNCTYPE; differs only on 32-bit x86), or a user-defined
/// convention that supplies its thunk (see ctypes::policy); a static_assert says what to add to
/// one that does not. Thunks made at run time serve conventions whose `pointer` is cdecl's or
/// stdcall's; for others the static pool is all there is.
///
/// Constructed from any callable invocable with `Args...` whose result converts to R: a free
/// function, a stateless or capturing lambda, a function object, a std::function. The object
/// owns a copy of the callable (moved in from an rvalue) and whatever the pointer needs; it is
/// move-only, and get() returns the same pointer before and after a move. Keep it alive as long
/// as C may call the pointer: calling it after destruction is undefined, as in ctypes.
///
/// Cost per call from C: none for a noexcept function pointer of exactly Sig (handed out as
/// is) and for stateless callables (a static thunk that contains the callable's body); one
/// extra indirect call for callables with state, which take a thunk from a per-signature pool
/// of CTYPES_CALLBACK_SLOTS, then thunks made at run time (no limit but memory). Any number of
/// threads may create, call and destroy callbacks at once; calling one callable from several
/// threads at once is as safe as the callable is.
///
/// \par Exceptions
/// An exception escaping the callable never unwinds through C: the thunk catches it, returns the
/// value-initialised R (or the on_exception() value) to C, and parks the exception on the
/// calling thread; every ctypes::function call rethrows it when the foreign call returns (see
/// the file comment, take_callback_exception() and set_callback_exception_handler()).
///
/// \par errno
/// With `use_errno` in `flags`, the private errno copy (get_errno()/set_errno()) is swapped with
/// the real errno around the callable, as ctypes does for `CFUNCTYPE(..., use_errno=True)`:
/// inside, get_errno() reads the errno C had set, and set_errno() sets the errno C sees after
/// the callback returns. `use_last_error` does the same for GetLastError() on Windows. Either
/// flag makes even a stateless callable take a pool slot.
///
/// \throws error (errc::no_callback_slot) when all CTYPES_CALLBACK_SLOTS thunks of the signature
/// are in use and no thunk can be made at run time (another processor, a signature no run-time
/// thunk fits, or the system refusing run-time code); what() names the signature, the reason
/// (the system's own text, such as `mprotect: Permission denied`) and the macro. \throws error
/// (errc::bad_flags) when `flags` has rethrow_callbacks (an `rtld_*` flag does not compile).
/// \throws error
/// (errc::empty_callable) for a null function pointer or an empty std::function. \throws
/// std::bad_alloc.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.CFUNCTYPE
/// \code
/// int calls = 0;
/// ctypes::callback<int(const void *, const void *)> by_value(
///     [&calls](const void *a, const void *b) {
///         ++calls;
///         return *static_cast<const int *>(a) - *static_cast<const int *>(b);
///     });
/// qsort(values, count, sizeof(int), by_value.get());
/// \endcode
template <class Sig, class Convention = cdecl_convention>
class callback : public detail::callback_base_for<Sig, Convention>::type {
    using base = typename detail::callback_base_for<Sig, Convention>::type;

public:
    /// The declared signature.
    using signature_type = Sig;
    /// The calling convention.
    using convention_type = Convention;

    /// An empty callback. Throws nothing.
    callback() = default;
    using base::base;
};

/// ctypes `CFUNCTYPE`: a cdecl callback, the platform's default convention.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.CFUNCTYPE
template <class Sig>
using CFUNCTYPE = callback<Sig, cdecl_convention>;

/// ctypes `WINFUNCTYPE`: a stdcall callback (Win32 API callbacks such as `WNDENUMPROC`);
/// the same as CFUNCTYPE except on 32-bit x86.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.WINFUNCTYPE
template <class Sig>
using WINFUNCTYPE = callback<Sig, stdcall_convention>;

} // namespace ctypes

#endif
