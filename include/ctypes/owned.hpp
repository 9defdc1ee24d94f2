// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_OWNED_HPP
#define CTYPES_OWNED_HPP

/// \file
/// Pointers a C library allocated, owned in C++ and freed by that same library's own free
/// function, which stays loaded until the free has run.

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include "function.hpp"
#include "policy.hpp"

namespace ctypes {

template <class Policy = cdll_policy>
class foreign_deleter;
template <class T, class Policy = cdll_policy>
class owned_ptr;

/// Frees a pointer with a C library's own free function (`free`, `sqlite3_free`, `g_free`, ...):
/// the deleter of ctypes::owned_ptr. Made by basic_library::get_free().
///
/// The rule it enforces: memory is freed by the library that allocated it (its allocator may
/// not be the one your program links), and that library stays loaded until then. The deleter
/// holds the library and a record with the free function, shared by its copies: two pointers,
/// so an owned_ptr is three (bench/README.md, memory).
/// \tparam Policy the free function's calling convention and result check.
/// \note The free is called as `void(void*)`; a free declared with another pointer parameter
/// type or an ignored int result (`XFree`) is called the same way on every supported ABI.
/// \see the ctypes advice: https://docs.python.org/3/library/ctypes.html#return-types
template <class Policy>
class foreign_deleter {
public:
    /// The free function's type.
    using free_function = function<void(void *), Policy>;

    /// An empty deleter: holds no library; an owned_ptr with it must stay null. Throws nothing.
    foreign_deleter() noexcept = default;
    /// A deleter calling `free`; an empty `free` gives an empty deleter.
    /// \throws std::bad_alloc (making the record); `free` is released first.
    explicit foreign_deleter(free_function free) {
        if (!free)
            return;
        // The record's function holds no library: the deleter does, so that use_count() counts
        // every deleter, as it counts every function.
        state_ = std::move(free.state_);
        record_ = std::make_unique<const record>(std::move(free));
    }

    /// Calls the free function on `p` (unique_ptr never calls it with null).
    /// \throws nothing for CDLL/WinDLL frees (a void function has no result to check).
    template <class T>
    void operator()(T *p) const {
        record_->free(const_cast<void *>(static_cast<const volatile void *>(p)));
    }

    /// Takes ownership of `p`, a pointer the same library allocated and that `free` releases
    /// (for example an out-parameter such as sqlite3_exec's error message). Null gives an
    /// empty owner. Throws nothing (copying the deleter counts two references).
    /// \code
    /// auto sqlite_free = sqlite.get_free("sqlite3_free");
    /// ctypes::owned_ptr<char> message = sqlite_free.own(errmsg);
    /// \endcode
    template <class T>
    owned_ptr<T, Policy> own(T *p) const noexcept {
        return owned_ptr<T, Policy>(p, *this);
    }

    /// The free function: a copy, which keeps the library loaded as the deleter does (empty for
    /// an empty deleter). Throws nothing.
    free_function get() const noexcept {
        if (!record_)
            return free_function();
        free_function f = record_->free;
        f.state_ = state_;
        return f;
    }
    /// Whether it holds a free function. Throws nothing.
    explicit operator bool() const noexcept { return static_cast<bool>(record_); }

private:
    struct record : detail::counted_base {
        free_function free; // holds no library (state_ is the deleter's)
        explicit record(free_function f) noexcept : free(std::move(f)) {}
    };

    detail::state_ptr state_; // keeps the library mapped; one count per deleter
    detail::counted_ptr<const record> record_;
};

/// A `std::unique_ptr` (it derives from one and adds no state) whose deleter calls the
/// allocating library's free function, a ctypes::foreign_deleter. Move-only.
///
/// While it owns a pointer, its deleter keeps the library mapped: basic_library::use_count()
/// counts it and basic_library::unload() refuses (errc::in_use), so the free can always run.
/// Once it owns nothing — after `reset()`, `= nullptr`, `release()` or being moved from — it lets
/// go of the library too, which a plain unique_ptr would not (its deleter outlives the pointer).
/// `reset(p)` with another pointer from the same library keeps the deleter.
/// \tparam T the pointed-to type (`char` for a `char*` result); `void` is allowed.
/// \tparam Policy the free function's policy (cdll_policy unless the free is stdcall).
/// \see basic_library::get_owning(), basic_library::get_free()
template <class T, class Policy>
class owned_ptr : public std::unique_ptr<T, foreign_deleter<Policy>> {
    using base = std::unique_ptr<T, foreign_deleter<Policy>>;

public:
    using base::base;
    using typename base::pointer;

    /// Owns nothing and holds no library. Throws nothing.
    owned_ptr() noexcept = default;
    /// \copydoc owned_ptr()
    owned_ptr(std::nullptr_t) noexcept {}
    /// Takes over `other`'s pointer and library; `other` is left owning nothing. Throws nothing.
    owned_ptr(owned_ptr &&other) noexcept = default;
    /// Frees the current pointer, then takes over `other`'s. Throws nothing.
    owned_ptr &operator=(owned_ptr &&other) noexcept = default;

    /// Frees the pointer (if any) through the library and lets go of the library. Throws nothing.
    owned_ptr &operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    /// \copydoc operator=(std::nullptr_t)
    void reset() noexcept {
        base::reset();
        this->get_deleter() = foreign_deleter<Policy>();
    }
    /// Frees the current pointer and owns `p`, which the same library must have allocated; a null
    /// `p` lets go of the library. Throws nothing.
    void reset(pointer p) noexcept {
        base::reset(p);
        if (!p)
            this->get_deleter() = foreign_deleter<Policy>();
    }
    /// Gives up ownership without freeing (the caller must free it with the same library) and
    /// lets go of the library. Throws nothing.
    pointer release() noexcept {
        pointer p = base::release();
        this->get_deleter() = foreign_deleter<Policy>();
        return p;
    }
};

namespace detail {
template <class... A>
constexpr bool any_out(type_list<A...>) noexcept {
    return (false || ... || is_out_v<A>);
}
template <class R>
inline constexpr bool owning_result_ok =
    std::is_pointer_v<R> && !std::is_function_v<std::remove_pointer_t<R>>;
// Whether get_owning<Sig>() accepts Sig: the static_asserts of owning_function say why not, and
// a refused owning_function derives from `rejected`, so get_owning() looks nothing up.
template <class Sig>
inline constexpr bool owning_signature_ok =
    owning_result_ok<typename signature<Sig>::result_type> &&
    !any_out(typename signature<Sig>::argument_types{});
} // namespace detail

/// An allocating C function paired with the free that releases its results: every call returns
/// a ctypes::owned_ptr. Made by basic_library::get_owning().
/// \tparam Sig `T*(Args...)`: the result must be an object pointer and no parameter a
/// ctypes::out (both rejected at compile time); variadic signatures (`char*(const char*, ...)`,
/// sqlite3_mprintf) are accepted.
/// \tparam Policy the policy of both functions.
/// Copyable; each copy keeps the library mapped.
template <class Sig, class Policy = cdll_policy>
class owning_function : detail::accepted_if_t<detail::owning_signature_ok<Sig>> {
    using allocating = function<Sig, Policy>;
    using result = typename detail::signature<Sig>::result_type;
    static_assert(detail::owning_result_ok<result>,
                  "ctypes: get_owning<Sig>() needs a function that returns an object pointer, "
                  "such as char*(const char*), which the free function releases; use get<Sig>() "
                  "for other results");
    static_assert(!detail::any_out(typename detail::signature<Sig>::argument_types{}),
                  "ctypes: get_owning<Sig>() takes no ctypes::out<T> parameters; use get<Sig>() "
                  "and own the pointer with get_free(name).own(p)");

public:
    /// What a call returns: the pointer, owned, freed by the library's free.
    using result_type = owned_ptr<std::remove_pointer_t<result>, Policy>;

    /// An empty object; calling it is undefined. Throws nothing.
    owning_function() = default;
    /// Pairs `allocate` with `free`. Throws nothing.
    owning_function(allocating allocate, foreign_deleter<Policy> free) noexcept
        : allocate_(std::move(allocate)), free_(std::move(free)) {}

    /// Calls the allocating function and takes ownership of its result (null stays null).
    /// \param args as for ctypes::function::operator() of Sig.
    /// \throws whatever the call throws; once it returned, nothing (the result never leaks).
    template <class... X>
    result_type operator()(X &&...args) const {
        return free_.own(allocate_(std::forward<X>(args)...));
    }

    /// The allocating function. Throws nothing.
    const allocating &allocator() const noexcept { return allocate_; }
    /// The deleter that frees its results. Throws nothing.
    const foreign_deleter<Policy> &deleter() const noexcept { return free_; }
    /// Whether both functions are present. Throws nothing.
    explicit operator bool() const noexcept {
        return static_cast<bool>(allocate_) && static_cast<bool>(free_);
    }

private:
    allocating allocate_;
    foreign_deleter<Policy> free_;
};

} // namespace ctypes

#endif
