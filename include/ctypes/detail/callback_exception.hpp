// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_CALLBACK_EXCEPTION_HPP
#define CTYPES_DETAIL_CALLBACK_EXCEPTION_HPP

// The per-thread slot where a callback parks an exception it must not let unwind through C
// frames, and the scope a façade call uses to collect the exceptions raised during it. Kept
// apart from callback.hpp because function.hpp's slow path needs it too.

#include <exception>
#include <utility>

namespace ctypes {
namespace detail {

// An exception nobody collected is never lost in silence: if the thread ends with one still
// parked, rethrowing it from this noexcept destructor calls std::terminate, whose default handler
// prints its type and what(), as for an exception escaping a std::thread.
struct parked_exception {
    std::exception_ptr value;
    parked_exception() = default;
    parked_exception(const parked_exception &) = delete;
    parked_exception &operator=(const parked_exception &) = delete;
    ~parked_exception() {
        if (value)
            std::rethrow_exception(std::exchange(value, nullptr));
    }
};

inline std::exception_ptr &pending_callback_exception() noexcept {
    static thread_local parked_exception slot;
    return slot.value;
}

// Called in a callback's catch (...). The first exception of a foreign call wins: later ones
// from the same call are most often the same failure again, so they are dropped.
inline void park_callback_exception() noexcept {
    std::exception_ptr &slot = pending_callback_exception();
    if (!slot)
        slot = std::current_exception();
}

// Lives around one façade call that may reach callbacks: sets aside what an enclosing call has
// parked, so that rethrow() delivers exactly the exceptions raised during this call, then puts
// the enclosing call's exception back.
// The stand-in for callback_exception_scope on calls that cannot reach a callback.
struct no_pending_exception {
    void rethrow() const noexcept {}
};

class callback_exception_scope {
public:
    explicit callback_exception_scope(bool active) noexcept : active_(active) {
        if (active_)
            outer_ = std::exchange(pending_callback_exception(), nullptr);
    }
    // Call after the foreign call returned and errno was swapped back.
    void rethrow() {
        if (!active_)
            return;
        active_ = false;
        std::exception_ptr mine =
            std::exchange(pending_callback_exception(), std::exchange(outer_, nullptr));
        if (mine)
            std::rethrow_exception(std::move(mine));
    }
    ~callback_exception_scope() {
        if (active_) {
            std::exception_ptr &slot = pending_callback_exception();
            if (!slot)
                slot = std::move(outer_);
        }
    }
    callback_exception_scope(const callback_exception_scope &) = delete;
    callback_exception_scope &operator=(const callback_exception_scope &) = delete;

private:
    bool active_;
    std::exception_ptr outer_;
};

} // namespace detail
} // namespace ctypes

#endif
