// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_CALLBACK_THUNKS_HPP
#define CTYPES_DETAIL_CALLBACK_THUNKS_HPP

// What C calls in a callback, and what those calls reach. The entry points are the convention's
// own (Conv::thunk, see ctypes::policy), each instantiated with a Target whose static invoke it
// calls:
// - a stateless callable's thunk calls the one object of its type (stateless_target);
// - thunk I of a signature's static pool calls through slot I, an invoker and the callable's
//   record (thunk_pool);
// - beyond the pool, a thunk written at run time (runtime_thunks.hpp) jumps to the same invoker
//   with the record in a register, for conventions whose pointers are cdecl's or stdcall's.
// Every path ends in call_guarded(), which parks what the callable throws instead of letting it
// unwind into C; every Target::invoke is noexcept, so if anything still escaped, std::terminate
// is called rather than unwinding into C. callback.hpp builds ctypes::callback on these,
// user_data.hpp the user-data adapter.

#include <atomic>
#include <cstddef>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "callback_exception.hpp"
#include "config.hpp"
#include "errno_copy.hpp"
#include "runtime_thunks.hpp"
#include "signature.hpp"

namespace ctypes::detail {

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
// same foreign call threw): that one is set aside for the callback's duration. The arguments
// come by value (C types, trivially copied): by reference, their addresses would escape into
// this out-of-line call and the hot path would keep them on the stack (bench/README.md,
// callbacks).
template <class R, class F, class... X>
CTYPES_DETAIL_COLD R call_guarded_set_aside(F &f, const fallback<R> &fb, X... a) noexcept {
    parked_set_aside outer;
    return call_guarded_now<R>(f, fb, a...);
}

// Calls f with the C arguments; an exception is parked and the fallback returned instead.
template <class R, class F, class... X>
R call_guarded(F &f, const fallback<R> &fb, X &...a) noexcept {
    if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
        return call_guarded_set_aside<R, F, X...>(f, fb, a...);
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

// What a run-time thunk jumps to on 32-bit x86: the record comes first, in eax (regparm(1)), so
// the C caller's stack arguments are where the invoker's own are; it calls Invoke (an
// invoke_erased, a swap_call) with the record last. One form per convention a run-time thunk
// can stand in for: the caller pops (cdecl), the callee pops (stdcall).
template <auto Invoke, class R, class... A>
R CTYPES_DETAIL_REGPARM1 caller_pops_invoker(void *record, A... a) noexcept {
    return Invoke(a..., record);
}
template <auto Invoke, class R, class... A>
R CTYPES_DETAIL_REGPARM1 CTYPES_DETAIL_STDCALL callee_pops_invoker(void *record, A... a) noexcept {
    return Invoke(a..., record);
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

// What a run-time thunk jumps to for Invoke, an `R(A..., void *record)`: Invoke itself where the
// record goes last (x86-64), the convention's regparm(1) invoker where it goes first (32-bit x86).
template <class Conv, auto Invoke, class R, class... A>
void (*runtime_invoker_of() noexcept)() {
#if defined(__i386__)
    if constexpr (std::is_same_v<typename Conv::template pointer<R, A...>, R (*)(A...)>)
        return reinterpret_cast<void (*)()>(&caller_pops_invoker<Invoke, R, A...>);
    else
        return reinterpret_cast<void (*)()>(&callee_pops_invoker<Invoke, R, A...>);
#else
    return reinterpret_cast<void (*)()>(Invoke);
#endif
}

template <class R, class... A>
struct callback_slot {
    R (*invoke)(A..., void *) noexcept = nullptr;
    void *record = nullptr;
};

// One pool per signature and convention: Size (CTYPES_CALLBACK_SLOTS) thunks, each reading its own
// slot. Slots are claimed with an atomic exchange and freed with a release store, so creating and
// destroying callbacks from many threads needs no lock; a slot's contents are written by the
// thread that claimed it before the pointer is handed out.
template <std::size_t Size, class Conv, class R, class... A>
struct thunk_pool {
    static constexpr std::size_t size = Size;
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

// The thunk a callable with state is called through: a slot of the signature's static pool, then
// one made at run time. `id` names it for release(): a pool slot below Size, Size plus the
// run-time thunk's number above.
template <std::size_t Size, class Conv, class R, class... A>
struct stateful_thunk {
    using pool = thunk_pool<Size, Conv, R, A...>;
    using pointer = typename pool::pointer;
    static constexpr int runtime_register = runtime_thunk_register_for<Conv, R, A...>();

    // The thunk that calls `record` (swapping errno around it when `swap`), or null with the
    // reason no thunk can be made at run time in `why`.
    template <class Record>
    static pointer claim(Record *record, bool swap, std::size_t &id, std::string &why) {
        return swap ? claim_record<Record, true>(record, id, why)
                    : claim_record<Record, false>(record, id, why);
    }
    template <class Record, bool Swap>
    static pointer claim_record(Record *record, std::size_t &id, std::string &why) {
        constexpr auto invoke = &invoke_erased<Record, Swap, R, A...>;
        return claim_invoker(invoke, runtime_invoker_of<Conv, invoke, R, A...>(), record, false, id,
                             why);
    }

    // The thunk that calls `invoke(a..., record)`: a pool slot that calls `invoke`, or a run-time
    // thunk that jumps to `runtime_invoke` (what runtime_invoker_of() gives for it); the run-time
    // arena first when `runtime_first`. Null with the reason in `why` when neither can be had.
    static pointer claim_invoker(R (*invoke)(A..., void *) noexcept, void (*runtime_invoke)(),
                                 void *record, bool runtime_first, std::size_t &id,
                                 std::string &why) {
        if (runtime_first) {
            if (pointer thunk = claim_runtime(runtime_invoke, record, id, why))
                return thunk;
        }
        const std::size_t i = pool::acquire();
        if (i != Size) {
            pool::slots[i] = {invoke, record};
            id = i;
            return pool::thunk(i);
        }
        return runtime_first ? nullptr : claim_runtime(runtime_invoke, record, id, why);
    }

    // A run-time thunk that jumps to `runtime_invoke` with `record`, or null with the reason.
    static pointer claim_runtime([[maybe_unused]] void (*runtime_invoke)(),
                                 [[maybe_unused]] void *record, [[maybe_unused]] std::size_t &id,
                                 std::string &why) {
        if constexpr (runtime_register != reg_none) {
            std::size_t number = 0;
            if (void *thunk =
                    arena_for(runtime_register).acquire(runtime_invoke, record, number, why)) {
                id = Size + number;
                return reinterpret_cast<pointer>(thunk);
            }
        } else if constexpr (runtime_thunk_register<R, A...>() != reg_none) {
            why = "a thunk made at run time serves only conventions whose function pointers are "
                  "cdecl's or stdcall's";
        } else if constexpr (CTYPES_DETAIL_RUNTIME_THUNKS) {
            why = "a thunk made at run time takes only scalar parameters (at most five in "
                  "integer registers; three on x64 Windows) and a result that is not a struct";
        } else {
            why = "this platform makes no thunks at run time, only the static pool of "
                  "CTYPES_CALLBACK_SLOTS";
        }
        return nullptr;
    }

    static void release(std::size_t id) noexcept {
        if (id < Size)
            pool::release(id);
        else if constexpr (runtime_register != reg_none)
            arena_for(runtime_register).release(id - Size);
    }
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

} // namespace ctypes::detail

#endif
