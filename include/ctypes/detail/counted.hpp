// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_COUNTED_HPP
#define CTYPES_DETAIL_COUNTED_HPP

// An intrusive reference-counted pointer: one pointer wide where std::shared_ptr is two, so a
// handle holding a library's state and its symbol's record stays within three pointers
// (bench/README.md, memory). The count lives in the object, which derives from counted_base;
// the last pointer to let go deletes it (through its virtual destructor when it has one).

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

namespace ctypes::detail {

struct counted_base {
    // Mutable: handles hold pointers to const objects and still share them.
    mutable std::atomic<long> references{0};
};

template <class T>
class counted_ptr {
public:
    counted_ptr() noexcept = default;
    counted_ptr(std::nullptr_t) noexcept {}
    // Adopts a freshly made object (its count is 0).
    template <class U>
    counted_ptr(std::unique_ptr<U> &&owner) noexcept : p_(owner.release()) {
        retain();
    }
    counted_ptr(const counted_ptr &other) noexcept : p_(other.p_) { retain(); }
    counted_ptr(counted_ptr &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
    counted_ptr &operator=(const counted_ptr &other) noexcept {
        counted_ptr(other).swap(*this);
        return *this;
    }
    counted_ptr &operator=(counted_ptr &&other) noexcept {
        counted_ptr(std::move(other)).swap(*this);
        return *this;
    }
    ~counted_ptr() { release(); }

    void reset() noexcept { counted_ptr().swap(*this); }
    void swap(counted_ptr &other) noexcept { std::swap(p_, other.p_); }

    T *get() const noexcept { return p_; }
    T &operator*() const noexcept { return *p_; }
    T *operator->() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }
    // How many pointers share the object (0 for a null pointer); a snapshot, as shared_ptr's.
    long use_count() const noexcept {
        return p_ ? p_->references.load(std::memory_order_relaxed) : 0;
    }

    friend bool operator==(const counted_ptr &a, std::nullptr_t) noexcept { return !a.p_; }
    friend bool operator!=(const counted_ptr &a, std::nullptr_t) noexcept {
        return a.p_ != nullptr;
    }

private:
    void retain() const noexcept {
        if (p_)
            p_->references.fetch_add(1, std::memory_order_relaxed);
    }
    // The decrement releases this pointer's writes and, when it is the last, acquires every
    // other's before the delete: the ordering std::shared_ptr uses.
    void release() noexcept {
        if (p_ && p_->references.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete p_;
    }

    T *p_ = nullptr;
};

} // namespace ctypes::detail

#endif
