// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_CALLBACK_HPP
#define CTYPES_CALLBACK_HPP

/// \file
/// Callbacks: any C++ callable as a plain C function pointer (ctypes CFUNCTYPE / WINFUNCTYPE),
/// and the `void* user_data` adapter that needs no thunk at all.
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
///   the processor and signature allow it and the system accepts run-time code.
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
#include <new>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "detail/arguments.hpp"
#include "detail/callback_exception.hpp"
#include "detail/config.hpp"
#include "detail/runtime_thunks.hpp"
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

// The Target a convention's thunk is instantiated with when callbacks check for it: declared,
// never defined or called.
template <class R>
struct thunk_probe {
    template <class... X>
    static R invoke(X &...) noexcept;
};

// Whether Conv supplies the thunk for R(A...): a static member function template
// `thunk<Target, R, A...>` whose address is a Conv::pointer<R, A...> (see ctypes::policy).
template <class Conv, class R, class Args, class = void>
struct has_callback_thunk : std::false_type {};
template <class Conv, class R, class... A>
struct has_callback_thunk<
    Conv, R, type_list<A...>,
    std::enable_if_t<std::is_convertible_v<decltype(&Conv::template thunk<thunk_probe<R>, R, A...>),
                                           typename Conv::template pointer<R, A...>>>>
    : std::true_type {};

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

// What C receives when the callable throws.
template <class R>
struct fallback {
    R value{};
    const R &get() const noexcept { return value; }
};
template <>
struct fallback<void> {
    void get() const noexcept {}
};

template <class R, class F, class... X>
R call_guarded_now(F &f, const fallback<R> &fb, X &...a) noexcept;

// A callback entered while an exception is parked on its thread (an earlier callback of the
// same foreign call threw): that one is set aside for the callback's duration.
template <class R, class F, class... X>
CTYPES_DETAIL_COLD R call_guarded_set_aside(F &f, const fallback<R> &fb, X &...a) noexcept {
    parked_set_aside outer;
    return call_guarded_now<R>(f, fb, a...);
}

// Calls f with the C arguments; an exception is parked and the fallback returned instead.
template <class R, class F, class... X>
R call_guarded(F &f, const fallback<R> &fb, X &...a) noexcept {
    if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
        return call_guarded_set_aside<R>(f, fb, a...);
    return call_guarded_now<R>(f, fb, a...);
}

template <class R, class F, class... X>
R call_guarded_now(F &f, const fallback<R> &fb, X &...a) noexcept {
    if constexpr (std::is_nothrow_invocable_v<F &, X &...>) {
        return static_cast<R>(f(a...));
    } else {
        try {
            if constexpr (std::is_void_v<R>)
                f(a...);
            else
                return f(a...);
        } catch (...) {
            park_callback_exception();
            return fb.get();
        }
    }
}

// Everything a stateful callback owns: the callable, its fallback, and the errno / last-error
// swaps asked for (ctypes swaps its private errno copy in around a use_errno callback).
template <class R, class F>
struct callback_record {
    F f;
    fallback<R> fb;
    unsigned char bits;
};

template <class R, class Record, class... X>
R invoke_record(Record &rec, X &...a) noexcept {
    if (CTYPES_DETAIL_UNLIKELY(rec.bits != 0)) {
        capture_scope scope(rec.bits);
        return call_guarded<R>(rec.f, rec.fb, a...);
    }
    return call_guarded<R>(rec.f, rec.fb, a...);
}

// What a pool thunk calls through its slot. The arguments travel by value and the record comes
// last, so the thunk passes its own arguments on untouched in their registers; the errno swap is
// chosen when the callback is made, not tested on every call.
template <class Record, bool Swap, class R, class... A>
R invoke_erased(A... a, void *record) noexcept {
    Record &rec = *static_cast<Record *>(record);
    if constexpr (Swap) {
        capture_scope scope(rec.bits);
        return call_guarded<R>(rec.f, rec.fb, a...);
    } else {
        return call_guarded<R>(rec.f, rec.fb, a...);
    }
}

// The entry points C calls are the convention's own (Conv::thunk, see ctypes::policy): each is
// instantiated with a Target whose static invoke(a...) it calls, one instantiation per static
// thunk and nothing else. Target::invoke is noexcept: if anything still escaped, std::terminate
// is called rather than unwinding into C.

// What a run-time thunk jumps to on 32-bit x86: the record comes first, in eax (regparm(1)), so
// the C caller's stack arguments are where the invoker's own are. One form per convention a
// run-time thunk can stand in for: the caller pops (cdecl), the callee pops (stdcall).
template <class Record, bool Swap, class R, class... A>
R CTYPES_DETAIL_REGPARM1 caller_pops_invoker(void *record, A... a) noexcept {
    return invoke_erased<Record, Swap, R, A...>(a..., record);
}
template <class Record, bool Swap, class R, class... A>
R CTYPES_DETAIL_REGPARM1 CTYPES_DETAIL_STDCALL callee_pops_invoker(void *record, A... a) noexcept {
    return invoke_erased<Record, Swap, R, A...>(a..., record);
}

// The register a run-time thunk of Conv and R(A...) loads the record into, or reg_none. Run-time
// thunks serve the conventions whose pointers are cdecl's or stdcall's: they jump to an invoker
// of that convention, which a user convention's attribute (fastcall, ms_abi) would not match.
template <class Conv, class R, class... A>
constexpr int runtime_thunk_register_for() {
    using pointer = typename Conv::template pointer<R, A...>;
    if constexpr (std::is_same_v<pointer, R (*)(A...)> ||
                  std::is_same_v<pointer, R(CTYPES_DETAIL_STDCALL *)(A...)>)
        return runtime_thunk_register<R, A...>();
    else
        return reg_none;
}

// What a run-time thunk jumps to for a record: invoke_erased itself where the record goes last
// (x86-64), the convention's regparm(1) invoker where it goes first (32-bit x86).
template <class Conv, class Record, bool Swap, class R, class... A>
void (*runtime_invoker() noexcept)() {
#if defined(__i386__)
    if constexpr (std::is_same_v<typename Conv::template pointer<R, A...>, R (*)(A...)>)
        return reinterpret_cast<void (*)()>(&caller_pops_invoker<Record, Swap, R, A...>);
    else
        return reinterpret_cast<void (*)()>(&callee_pops_invoker<Record, Swap, R, A...>);
#else
    return reinterpret_cast<void (*)()>(&invoke_erased<Record, Swap, R, A...>);
#endif
}

template <class R, class... A>
struct callback_slot {
    R (*invoke)(A..., void *) noexcept = nullptr;
    void *record = nullptr;
};

// One pool per signature and convention: CTYPES_CALLBACK_SLOTS thunks, each reading its own
// slot. Slots are claimed with an atomic exchange and freed with a release store, so creating and
// destroying callbacks from many threads needs no lock; a slot's contents are written by the
// thread that claimed it before the pointer is handed out.
template <class Conv, class R, class... A>
struct thunk_pool {
    static constexpr std::size_t size = CTYPES_CALLBACK_SLOTS;
    static_assert(size > 0, "ctypes: CTYPES_CALLBACK_SLOTS must be at least 1");
    using pointer = typename Conv::template pointer<R, A...>;

    static inline callback_slot<R, A...> slots[size];
    static inline std::atomic<bool> used[size];

    // What thunk I calls: its slot's invoker, with the slot's record after the arguments.
    template <std::size_t I>
    struct slot_target {
        static R invoke(A &...a) noexcept {
            const auto &s = slots[I];
            return s.invoke(a..., s.record);
        }
    };

    template <std::size_t... I>
    static pointer thunk_at(std::size_t i, std::index_sequence<I...>) noexcept {
        static constexpr pointer table[] = {&Conv::template thunk<slot_target<I>, R, A...>...};
        return table[i];
    }
    static pointer thunk(std::size_t i) noexcept {
        return thunk_at(i, std::make_index_sequence<size>{});
    }

    // The index of a claimed slot, or size when all are in use.
    static std::size_t acquire() noexcept {
        for (std::size_t i = 0; i < size; ++i)
            if (!used[i].load(std::memory_order_relaxed) &&
                !used[i].exchange(true, std::memory_order_acquire))
                return i;
        return size;
    }
    static void release(std::size_t i) noexcept { used[i].store(false, std::memory_order_release); }
};

// The one object of an empty, trivially copyable callable type that its static thunk calls.
// Copying such a type copies no bytes, so every callback made from that type shares it.
template <class F>
struct stateless_instance {
    union holder {
        holder() noexcept {}
        F value;
    };
    static inline holder storage;
    static void init(const F &f) noexcept {
        static const bool done = (::new (static_cast<void *>(&storage.value)) F(f), true);
        (void)done;
    }
};

template <class F, class R, class... A>
struct stateless_target {
    static R invoke(A &...a) noexcept {
        return call_guarded<R>(stateless_instance<F>::storage.value, fallback<R>{}, a...);
    }
};

template <class F>
inline constexpr bool is_stateless_callable =
    std::is_class_v<F> &&std::is_empty_v<F> &&std::is_trivially_copyable_v<F>;

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
    using pool = thunk_pool<Conv, R, A...>;
    static constexpr std::size_t no_slot = static_cast<std::size_t>(-1);
    static constexpr int runtime_register = runtime_thunk_register_for<Conv, R, A...>();

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
            const std::size_t i = pool::acquire();
            if (i != pool::size) {
                pool::slots[i] = {bits ? &invoke_erased<record, true, R, A...>
                                       : &invoke_erased<record, false, R, A...>,
                                  rec};
                fn_ = pool::thunk(i);
                slot_ = i;
            } else {
                make_runtime_thunk(bits ? runtime_invoker<Conv, record, true, R, A...>()
                                        : runtime_invoker<Conv, record, false, R, A...>());
            }
        }
    }

    // Beyond the static pool: a thunk made at run time (slot_ is pool::size + its number).
    void make_runtime_thunk(void (*invoke)()) {
        std::string why = "this platform makes no thunks at run time, only the static pool of "
                          "CTYPES_CALLBACK_SLOTS";
        if constexpr (runtime_register != reg_none) {
            std::size_t number = 0;
            why.clear();
            if (void *thunk = arena_for(runtime_register).acquire(invoke, record_, number, why)) {
                fn_ = reinterpret_cast<pointer>(thunk);
                slot_ = pool::size + number;
                return;
            }
        } else if constexpr (runtime_thunk_register<R, A...>() != reg_none) {
            why = "a thunk made at run time serves only conventions whose function pointers are "
                  "cdecl's or stdcall's";
        } else if constexpr (CTYPES_DETAIL_RUNTIME_THUNKS) {
            why = "a thunk made at run time takes only scalar parameters (at most five in "
                  "integer registers; three on x64 Windows) and a result that is not a struct";
        }
        destroy_(std::exchange(record_, nullptr));
        destroy_ = nullptr;
        throw error(errc::no_callback_slot,
                    "ctypes: cannot make a callback of type " + type_name<R(A...)>() + ": all " +
                        std::to_string(pool::size) +
                        " static thunks of this signature are in use by live callbacks, and no "
                        "thunk can be made at run time (" +
                        why +
                        "); destroy unused callbacks or define CTYPES_CALLBACK_SLOTS to a larger "
                        "number for the whole program (-DCTYPES_CALLBACK_SLOTS=256)");
    }

    void reset() noexcept {
        if (slot_ != no_slot) {
            destroy_(record_);
            if (slot_ < pool::size)
                pool::release(slot_);
            else if constexpr (runtime_register != reg_none)
                arena_for(runtime_register).release(slot_ - pool::size);
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

// --- the void* user-data adapter ---

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

/// A C++ callable as a plain C function pointer (ctypes `CFUNCTYPE(restype, *argtypes)(f)`).
///
/// \tparam Sig the C function type `R(Args...)` the pointer has (optionally `noexcept`; not
/// variadic, not a pointer type, R not a reference). Every parameter and the result must be
/// FFI-safe, checked as for get<Sig>(); a static_assert names the first offender.
/// \tparam Convention cdecl_convention (the default; also ctypes::CFUNCTYPE) or
/// stdcall_convention (ctypes::WINFUNCTYPE; differs only on 32-bit x86).
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
/// \tparam Convention cdecl_convention (default) or stdcall_convention.
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
