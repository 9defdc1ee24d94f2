// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_LOCK_HPP
#define CTYPES_DETAIL_LOCK_HPP

// A mutex for the few process-wide tables every includer compiles (the run-time thunk arenas,
// the loader-cache memo) without <mutex>: libstdc++'s <mutex> brings <chrono> for the timed
// mutexes and was the costliest standard header of the umbrella header's parse (bench/README.md,
// compile time). On POSIX it is a pthread mutex, what std::mutex is there; elsewhere std::mutex.

#if defined(_WIN32)
#include <mutex>
#else
#include <pthread.h>
#endif

namespace ctypes::detail {

#if defined(_WIN32)
using plain_mutex = std::mutex;
#else
// A non-recursive mutex, statically initialised (usable before and after dynamic initialisation,
// as std::mutex is), neither copyable nor movable.
class plain_mutex {
public:
    plain_mutex() noexcept = default;
    plain_mutex(const plain_mutex &) = delete;
    plain_mutex &operator=(const plain_mutex &) = delete;
    ~plain_mutex() { ::pthread_mutex_destroy(&m_); }

    // A default pthread mutex fails only on misuse (relocking or unlocking it from the wrong
    // thread), which this header's callers never do.
    void lock() noexcept { ::pthread_mutex_lock(&m_); }
    void unlock() noexcept { ::pthread_mutex_unlock(&m_); }

private:
    pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
};
#endif

// Holds a plain_mutex for a scope: std::lock_guard without its header.
class lock_hold {
public:
    explicit lock_hold(plain_mutex &m) : m_(m) { m_.lock(); }
    lock_hold(const lock_hold &) = delete;
    lock_hold &operator=(const lock_hold &) = delete;
    ~lock_hold() { m_.unlock(); }

private:
    plain_mutex &m_;
};

} // namespace ctypes::detail

#endif
