// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_FUNCTION_HPP
#define CTYPES_FUNCTION_HPP

/// \file
/// ctypes::function: a typed, checked callable for one exported C function.

#include <string>
#include <type_traits>
#include <utility>

#include "detail/arguments.hpp"
#include "detail/callback_exception.hpp"
#include "detail/loader.hpp"
#include "detail/out_call.hpp"
#include "errno.hpp"
#include "flags.hpp"
#include "policy.hpp"
#include "result_check.hpp"
#include "types.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define CTYPES_DETAIL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CTYPES_DETAIL_COLD __attribute__((noinline, cold))
#elif defined(_MSC_VER)
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD __declspec(noinline)
#else
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD
#endif

namespace ctypes {

template <class Policy>
class basic_library;

namespace detail {

// Fires the one static_assert that says what is wrong with Sig; true when nothing is.
template <class Sig>
constexpr bool validate_signature() {
    if constexpr (std::is_pointer_v<Sig> && std::is_function_v<std::remove_pointer_t<Sig>>) {
        static_assert(dependent_false<Sig>,
                      "ctypes: get<Sig>() and function<Sig> need a function type such as "
                      "int(int, int*), not a pointer to one");
        return false;
    } else if constexpr (!signature<Sig>::is_function) {
        static_assert(dependent_false<Sig>,
                      "ctypes: get<Sig>() and function<Sig> need a function type such as "
                      "int(int, int*)");
        return false;
    } else {
        return check_signature<Sig>();
    }
}

// capture_callbacks: the call may reach a ctypes::callback, so an exception it parked is
// rethrown once the foreign call returns (see callback.hpp).
enum capture_bits : unsigned char {
    capture_errno = 1,
    capture_last_error = 2,
    capture_callbacks = 4
};

inline unsigned char capture_of(load_flags f) noexcept {
    return static_cast<unsigned char>((has_flags(f, use_errno) ? capture_errno : 0) |
                                      (has_flags(f, use_last_error) ? capture_last_error : 0) |
                                      (has_flags(f, rethrow_callbacks) ? capture_callbacks : 0));
}

// A parameter that can carry a callback into C: a function pointer, or the void* through which
// C hands a user-data pointer back (qsort_r, sqlite3_exec, pthread_create). Functions taking one
// get capture_callbacks at lookup; others can ask for it with the rethrow_callbacks flag.
template <class T>
inline constexpr bool is_callback_carrier = std::is_same_v<T, void *> ||
                                            (std::is_pointer_v<T> &&
                                             std::is_function_v<std::remove_pointer_t<T>>);

template <class... A>
inline constexpr unsigned char
    carrier_bits = (false || ... || is_callback_carrier<std::remove_cv_t<A>>) ? capture_callbacks
                                                                              : 0;

// Swaps the private errno / last-error copies in on construction and out on destruction; lives
// exactly as long as the foreign call expression.
struct capture_scope {
    unsigned char bits;
    explicit capture_scope(unsigned char b) noexcept : bits(b) {
        if (bits & capture_errno)
            swap_errno();
        if (bits & capture_last_error)
            swap_last_error();
    }
    ~capture_scope() {
        if (bits & capture_last_error)
            swap_last_error();
        if (bits & capture_errno)
            swap_errno();
    }
    capture_scope(const capture_scope &) = delete;
    capture_scope &operator=(const capture_scope &) = delete;
};

inline load_flags flags_of(unsigned char capture) noexcept {
    return static_cast<load_flags>(
        (capture & capture_errno ? use_errno : load_flags::none) |
        (capture & capture_last_error ? use_last_error : load_flags::none) |
        (capture & capture_callbacks ? rethrow_callbacks : load_flags::none));
}

template <class Policy, class R, class Args, bool Variadic>
class function_base;

template <class Policy, class R, class... A, bool Variadic>
class function_base<Policy, R, type_list<A...>, Variadic> {
    using convention = typename Policy::convention;
    using check = typename Policy::result_check;

public:
    /// The result type R of the signature.
    using result_type = R;
    /// The plain C function pointer type, with the policy's calling convention.
    using pointer =
        std::conditional_t<Variadic, typename convention::template variadic_pointer<R, A...>,
                           typename convention::template pointer<R, A...>>;

    /// Calls the foreign function.
    /// \param args the declared parameters, converted as C++ converts arguments; in addition a
    /// `const char*` / `const wchar_t*` parameter takes a `std::string` / `std::wstring` (its
    /// `c_str()`, valid for the call) or a string buffer, and a `char*` / `wchar_t*` parameter
    /// takes a string buffer; a byte pointer (`unsigned char*`, `std::byte*`, `void*`, const or
    /// not) takes a string buffer, and its const form a `std::string` or byte container (see
    /// detail::arg_converter). A `std::string_view` is a compile error for a C string: it is not
    /// NUL-terminated. What C keeps past the call must outlive that use (see buffer.hpp).
    /// \param extra for a variadic signature only: the arguments after `...`, which undergo C's
    /// default promotions (float to double, small integers to int); class types are rejected.
    /// \return the foreign result, after the policy's result check.
    /// \throws whatever the policy's result check throws (hresult_error for OleDLL); nothing
    /// else. Calling an empty function is undefined behaviour.
    template <class... X, bool V = Variadic, std::enable_if_t<V || sizeof...(X) == 0, int> = 0>
    R operator()(arg_t<A>... args, const X &...extra) const {
        if constexpr ((true && ... && !std::is_class_v<X>)) {
            if (CTYPES_DETAIL_UNLIKELY(capture_ != 0))
                return call_capturing(arg_converter<A>::convert(args)..., extra...);
            if constexpr (std::is_void_v<R> || !check::checks) {
                return ptr_(arg_converter<A>::convert(args)..., extra...);
            } else {
                R result = ptr_(arg_converter<A>::convert(args)..., extra...);
                apply_check<check>(result, name_, load_flags::none,
                                   arg_converter<A>::convert(args)..., extra...);
                return result;
            }
        } else {
            static_assert(dependent_false<R(X...)>,
                          "ctypes: an argument after the ... of a variadic function is a class; "
                          "C's default promotions take only scalars: pass .c_str(), a pointer or "
                          "a number");
        }
    }

    /// The raw function pointer, valid while this object (or another handle on the same library)
    /// lives. Throws nothing.
    pointer address() const noexcept { return ptr_; }
    /// The symbol name it was looked up by. Throws nothing.
    const std::string &name() const noexcept { return name_; }
    /// Whether calls swap errno / last-error (use_errno, use_last_error) and rethrow exceptions
    /// parked by callbacks (rethrow_callbacks: given as a flag, or set at lookup because a
    /// parameter is a function pointer or `void*`). Throws nothing.
    load_flags flags() const noexcept { return flags_of(capture_); }
    /// True unless default-constructed, moved from, or returned empty by an error_code lookup.
    explicit operator bool() const noexcept { return ptr_ != nullptr; }

private:
    // Kept out of operator() so the plain path stays a test, a branch and the call: never
    // inlined, or compilers load ptr_ into a register before the branch for both paths and the
    // plain call costs two more instructions (see bench/README.md). Only a call that may reach
    // callbacks sets up the scope that rethrows what they parked: its std::exception_ptr would
    // cost every use_errno call an unwinding path.
    template <class... X>
    CTYPES_DETAIL_COLD R call_capturing(A... args, X... extra) const {
        if (capture_ & capture_callbacks) {
            callback_exception_scope pending(true);
            return swap_and_call(pending, args..., extra...);
        }
        no_pending_exception none;
        return swap_and_call(none, args..., extra...);
    }

    // Swaps errno / last-error around the foreign call, then rethrows what a callback parked
    // (after the swap-back), then runs the result check.
    template <class Pending, class... X>
    R swap_and_call(Pending &pending, A... args, X... extra) const {
        if constexpr (std::is_void_v<R>) {
            {
                capture_scope scope(capture_);
                ptr_(args..., extra...);
            }
            pending.rethrow();
        } else {
            R result = [&] {
                capture_scope scope(capture_);
                return ptr_(args..., extra...);
            }();
            pending.rethrow();
            if constexpr (check::checks)
                apply_check<check>(result, name_, flags_of(capture_), args..., extra...);
            return result;
        }
    }

protected:
    function_base() = default;
    function_base(pointer p, load_flags f, state_ptr s, std::string name)
        : ptr_(p), capture_(static_cast<unsigned char>(capture_of(f) | carrier_bits<A...>)),
          state_(std::move(s)), name_(std::move(name)) {}
    function_base(const function_base &) = default;
    function_base &operator=(const function_base &) = default;
    // A moved-from function is empty, as documented: bool(f) is false.
    function_base(function_base &&other) noexcept
        : ptr_(std::exchange(other.ptr_, nullptr)), capture_(std::exchange(other.capture_, 0)),
          state_(std::move(other.state_)), name_(std::move(other.name_)) {}
    function_base &operator=(function_base &&other) noexcept {
        ptr_ = std::exchange(other.ptr_, nullptr);
        capture_ = std::exchange(other.capture_, 0);
        state_ = std::move(other.state_);
        name_ = std::move(other.name_);
        return *this;
    }
    ~function_base() = default;

    pointer ptr_ = nullptr;
    unsigned char capture_ = 0;
    state_ptr state_; // keeps the library mapped; never touched on the call path
    std::string name_;
};

struct invalid_function_base {}; // after a failed static_assert, keeps errors to that one

// The policy a call of Sig uses: Policy, except that a type carrying stdcall (a 32-bit Windows
// header's WINAPI declaration) is called as stdcall whatever the library's policy.
template <class Sig, class Policy>
using policy_for_t =
    std::conditional_t<stdcall_signature<Sig>::value,
                       policy<stdcall_convention, typename Policy::result_check>, Policy>;

template <class Sig, class Policy, bool Valid = validate_signature<plain_signature_t<Sig>>()>
struct function_base_for {
    using type = invalid_function_base;
};
template <class Sig, class Policy>
struct function_base_for<Sig, Policy, true> {
    using S = signature<plain_signature_t<Sig>>;
    using type =
        typename base_with_outputs<policy_for_t<Sig, Policy>, typename S::result_type,
                                   typename S::argument_types, S::is_variadic, function_base>::type;
};

} // namespace detail

/// A typed, checked callable for an exported C function, made by basic_library::get().
///
/// \tparam Sig the C function's type as a C++ function type: `R(Args...)`, optionally
/// `noexcept`, or `R(Args..., ...)` for a variadic C function; `decltype(::name)` of a header's
/// declaration works, and on 32-bit x86 a type carrying stdcall (`WINAPI`, `__stdcall`) is called
/// as stdcall whatever the policy says. Not a pointer type. Every
/// parameter and the result must be FFI-safe (see types.hpp); a static_assert names the first
/// offending position otherwise. A parameter written `ctypes::out<T>` is an output: C receives
/// a `T*`, the call does not take it and returns it with the result (see ctypes::out).
/// \tparam Policy the calling convention and result check (cdll_policy, windll_policy,
/// oledll_policy, or ctypes::policy<Conv, Check>).
///
/// Copyable and movable; every copy keeps the library mapped (Guarantee 3), so the pointer it
/// calls can never dangle. The call itself is one indirect call plus, only when use_errno or
/// use_last_error is on, the swaps around it.
/// \see ctypes `_FuncPtr`: https://docs.python.org/3/library/ctypes.html#foreign-functions
/// \code
/// ctypes::CDLL libm{"libm.so.6"};
/// auto cos = libm.get<double(double)>("cos");
/// double one = cos(0.0);
/// \endcode
template <class Sig, class Policy = cdll_policy>
class function : public detail::function_base_for<Sig, Policy>::type {
    using base = typename detail::function_base_for<Sig, Policy>::type;

public:
    /// The declared signature.
    using signature_type = Sig;
    /// The policy.
    using policy_type = Policy;

    /// An empty function; calling it is undefined, `bool(f)` is false. Throws nothing.
    function() = default;

private:
    template <class P>
    friend class basic_library;
    using base::base;
};

} // namespace ctypes

#endif
