// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SWAP_THUNK_HPP
#define CTYPES_DETAIL_SWAP_THUNK_HPP

// The thunk a use_errno / use_last_error function calls instead of the foreign function: it
// swaps ctypes' private errno (and last-error) copy in, calls the foreign function with the
// caller's arguments untouched, swaps the copy out and returns the result. The thunk is a
// run-time thunk (runtime_thunks.hpp) whose record is the foreign function's address, so the
// call is the thunk's two instructions, the swaps and the call: no callable, no exception
// guard, no test of flags (the bits are a template argument). When no code page can be had,
// a slot of the signature's static callback pool serves instead.

#include <cstddef>
#include <string>
#include <type_traits>

#include "callback_thunks.hpp"
#include "config.hpp"
#include "errno_copy.hpp"

namespace ctypes::detail {

// Calls the foreign function `target` (a P) with the private copies swapped in. The
// arguments come first and the address last, as a run-time thunk on x86-64 and a pool slot
// pass them; a C function does not throw, and if a C++ one did, noexcept ends the program
// rather than unwinding through the thunk, as before.
template <class P, unsigned char Bits, class R, class... A>
R swap_call_first(A... a, void *target) noexcept;

template <class P, unsigned char Bits, class R, class... A>
R swap_call(A... a, void *target) noexcept {
    const P p = reinterpret_cast<P>(target);
    if constexpr ((Bits & capture_errno) != 0) {
        // The thread's first swap asks the C library where errno is, in a call of its own, so
        // that this function makes no call before the foreign one and needs no frame to keep
        // the arguments (a tail call here).
        if (CTYPES_DETAIL_UNLIKELY(!errno_known()))
            return swap_call_first<P, Bits, R, A...>(a..., target);
        swap_known_errno();
    }
    if constexpr ((Bits & capture_last_error) != 0)
        swap_last_error();
    if constexpr (std::is_void_v<R>) {
        p(a...);
        if constexpr ((Bits & capture_last_error) != 0)
            swap_last_error();
        if constexpr ((Bits & capture_errno) != 0)
            swap_known_errno();
    } else {
        R result = p(a...);
        if constexpr ((Bits & capture_last_error) != 0)
            swap_last_error();
        if constexpr ((Bits & capture_errno) != 0)
            swap_known_errno();
        return result;
    }
}

template <class P, unsigned char Bits, class R, class... A>
CTYPES_DETAIL_COLD R swap_call_first(A... a, void *target) noexcept {
    first_errno_address(errno_cell_of_thread());
    return swap_call<P, Bits, R, A...>(a..., target);
}

// The swap thunk of one use_errno / use_last_error function: claimed on construction, released
// on destruction. Made only for signatures a run-time thunk can serve
// (runtime_thunk_register_for() is not reg_none).
template <class Conv, class R, class... A>
class swap_thunk {
    using thunks = stateful_thunk<CTYPES_CALLBACK_SLOTS, Conv, R, A...>;
    static constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

public:
    using pointer = typename Conv::template pointer<R, A...>;

    // Claims the thunk for `target` and the capture bits; get() is null when none can be had,
    // with the reason in `why`.
    swap_thunk(pointer target, unsigned char bits, std::string &why) {
        switch (bits & (capture_errno | capture_last_error)) {
        case capture_errno:
            claim<capture_errno>(target, why);
            break;
        case capture_last_error:
            claim<capture_last_error>(target, why);
            break;
        default:
            claim<capture_errno | capture_last_error>(target, why);
            break;
        }
    }
    swap_thunk(const swap_thunk &) = delete;
    swap_thunk &operator=(const swap_thunk &) = delete;
    ~swap_thunk() {
        if (id_ != no_slot)
            thunks::release(id_);
    }

    // What the function calls; null when no thunk could be had.
    pointer get() const noexcept { return fn_; }

private:
    template <unsigned char Bits>
    void claim(pointer target, std::string &why) {
        constexpr auto call = &swap_call<pointer, Bits, R, A...>;
        void *record = reinterpret_cast<void *>(target);
        fn_ = thunks::claim_invoker(call, runtime_invoker_of<Conv, call, R, A...>(), record, true,
                                    id_, why);
    }

    pointer fn_ = nullptr;
    std::size_t id_ = no_slot;
};

} // namespace ctypes::detail

#endif
