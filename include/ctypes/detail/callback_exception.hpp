// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_CALLBACK_EXCEPTION_HPP
#define CTYPES_DETAIL_CALLBACK_EXCEPTION_HPP

// The per-thread slot where a callback parks an exception it must not let unwind through C
// frames, the one byte every façade call tests when its foreign call returns, and the handler
// for an exception still parked when its thread ends. Kept apart from callback.hpp because
// function.hpp's call path needs it too.

#include <atomic>
#include <exception>
#include <new>
#include <utility>

#if defined(_WIN32)
#include "windows/win32.hpp"
#endif

// The pending byte is read after every façade call. In an executable the compiler already uses
// the local-exec TLS model, one %fs/%gs-relative compare; in a shared library (-fPIC) it would
// call __tls_get_addr on every foreign call, so there the byte is pinned to initial-exec (a GOT
// load and the compare; one byte of the static TLS surplus glibc keeps for dlopen).
#if defined(__ELF__) && (defined(__GNUC__) || defined(__clang__)) && defined(__PIC__) &&           \
    !defined(__PIE__)
#define CTYPES_DETAIL_TLS_INITIAL_EXEC __attribute__((tls_model("initial-exec")))
#else
#define CTYPES_DETAIL_TLS_INITIAL_EXEC
#endif

namespace ctypes {

/// What the program does with an exception that a callback raised and nothing collected: its
/// thread ended with the exception still parked (a thread that C created, or a callback reached
/// through a raw function pointer and never followed by a façade call or
/// take_callback_exception() on that thread). Called on the ending thread, with the exception;
/// must not throw. Set with set_callback_exception_handler().
/// \see Python's `sys.unraisablehook`, which ctypes calls for an exception in a callback.
using callback_exception_handler = void (*)(std::exception_ptr) noexcept;

namespace detail {

inline std::atomic<callback_exception_handler> &callback_handler() noexcept {
    static std::atomic<callback_exception_handler> handler{nullptr};
    return handler;
}

// Nonzero while the thread has an exception parked; trivially constructed and destroyed, so
// reading it is one load with no TLS initialisation guard.
inline CTYPES_DETAIL_TLS_INITIAL_EXEC thread_local unsigned char callback_pending = 0;

// An exception nobody collected is never lost in silence: if the thread ends with one still
// parked, the handler gets it; without a handler, rethrowing it from this noexcept destructor
// calls std::terminate, whose default handler prints its type and what(), as for an exception
// escaping a std::thread.
struct parked_exception {
    std::exception_ptr value;
    parked_exception() = default;
    parked_exception(const parked_exception &) = delete;
    parked_exception &operator=(const parked_exception &) = delete;
    ~parked_exception() {
        if (!value)
            return;
        std::exception_ptr e = std::exchange(value, nullptr);
        callback_pending = 0;
        if (callback_exception_handler h = callback_handler().load(std::memory_order_acquire))
            h(std::move(e));
        else
            std::rethrow_exception(std::move(e));
    }
};

// take_parked() removes and returns the parked exception (empty when there is none). park(e)
// parks `e` unless one is parked already: the first exception of a foreign call wins, later ones
// from the same call are most often the same failure again, so they are dropped.
#if defined(_WIN32)
// Not a thread_local object on Windows: mingw-w64's emulated TLS can free a thread's
// thread_local storage before the destructors of its thread_local objects run (GCC 12 on i686
// does), so the destructor would read and write freed memory: heap corruption once another
// thread was handed that memory. The
// exception is parked in an object of its own instead, made when one is parked and deleted when
// it is taken, held in a fiber-local slot whose callback Windows calls when the thread ends.
inline void __stdcall end_parked(void *parked) noexcept {
    delete static_cast<parked_exception *>(parked);
}

inline unsigned long parked_index() noexcept {
    static const unsigned long index = ::FlsAlloc(&end_parked);
    return index;
}

// The Fls functions may set the thread's last error; the C caller's, and the one a
// use_last_error callback leaves, must survive an exception being parked or taken.
class last_error_kept {
public:
    last_error_kept() noexcept : saved_(::GetLastError()) {}
    ~last_error_kept() { ::SetLastError(saved_); }
    last_error_kept(const last_error_kept &) = delete;
    last_error_kept &operator=(const last_error_kept &) = delete;

private:
    unsigned long saved_;
};

inline std::exception_ptr take_parked() noexcept {
    callback_pending = 0;
    last_error_kept kept;
    const unsigned long index = parked_index();
    if (index == win32::fls_out_of_indexes)
        return nullptr;
    auto *parked = static_cast<parked_exception *>(::FlsGetValue(index));
    if (!parked)
        return nullptr;
    ::FlsSetValue(index, nullptr);
    std::exception_ptr e = std::exchange(parked->value, nullptr);
    delete parked;
    return e;
}

// When `e` cannot be parked (no memory, no fiber-local slot), it is handed over at once as if its
// thread ended, never lost in silence.
inline void park(std::exception_ptr e) noexcept {
    if (!e)
        return;
    last_error_kept kept;
    const unsigned long index = parked_index();
    if (index != win32::fls_out_of_indexes && ::FlsGetValue(index))
        return;
    auto *parked = new (std::nothrow) parked_exception;
    if (!parked || index == win32::fls_out_of_indexes || !::FlsSetValue(index, parked)) {
        delete parked;
        parked_exception now;
        now.value = std::move(e);
        return;
    }
    parked->value = std::move(e);
    callback_pending = 1;
}
#else
inline std::exception_ptr &parked_slot() noexcept {
    static thread_local parked_exception slot;
    return slot.value;
}

inline std::exception_ptr take_parked() noexcept {
    callback_pending = 0;
    return std::exchange(parked_slot(), nullptr);
}

inline void park(std::exception_ptr e) noexcept {
    std::exception_ptr &slot = parked_slot();
    if (!slot && e) {
        slot = std::move(e);
        callback_pending = 1;
    }
}
#endif

// Called in a callback's catch (...).
inline void park_callback_exception() noexcept {
    park(std::current_exception());
}

// The cold half of a façade call's check, once callback_pending was seen set: rethrows what a
// callback parked during the call (after errno was swapped back).
[[noreturn]]
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#elif defined(_MSC_VER)
__declspec(noinline)
#endif
inline void
rethrow_parked() {
    std::exception_ptr e = take_parked();
    if (!e) // the byte without an exception cannot happen; keep the contract anyway
        std::terminate();
    std::rethrow_exception(std::move(e));
}

// Sets aside what an enclosing foreign call has parked while a callback runs, so that façade
// calls the callback makes see only their own exceptions; puts it back when the callback
// returns (it stays the first, so it wins over any parked since).
class parked_set_aside {
public:
    parked_set_aside() noexcept : outer_(take_parked()) {}
    ~parked_set_aside() {
        if (outer_) {
            take_parked();
            park(std::move(outer_));
        }
    }
    parked_set_aside(const parked_set_aside &) = delete;
    parked_set_aside &operator=(const parked_set_aside &) = delete;

private:
    std::exception_ptr outer_;
};

} // namespace detail
} // namespace ctypes

#undef CTYPES_DETAIL_TLS_INITIAL_EXEC

#endif
