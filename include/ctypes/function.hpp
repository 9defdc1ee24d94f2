// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_FUNCTION_HPP
#define CTYPES_FUNCTION_HPP

/// \file
/// ctypes::function: a typed, checked callable for one exported C function.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/arguments.hpp"
#include "callback.hpp"
#include "detail/callback_exception.hpp"
#include "detail/config.hpp"
#include "detail/loader.hpp"
#include "detail/out_call.hpp"
#include "detail/type_name.hpp"
#include "errno.hpp"
#include "flags.hpp"
#include "policy.hpp"
#include "result_check.hpp"
#include "types.hpp"

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

inline call_flags flags_of(unsigned char capture) noexcept {
    return (capture & capture_errno ? use_errno : call_flags::none) |
           (capture & capture_last_error ? use_last_error : call_flags::none);
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
    /// \throws whatever a ctypes::callback threw while C ran it during this call (or that was
    /// still parked on this thread: see take_callback_exception()), rethrown once the foreign
    /// call returned, before the result check; then whatever the policy's result check throws
    /// (hresult_error for OleDLL); nothing else. Calling an empty function is undefined
    /// behaviour.
    template <class... X, extra_arguments_t<Variadic, X...> = 0>
    R operator()(arg_t<A>... args, const X &...extra) const {
        if constexpr ((true && ... && !std::is_class_v<X>)) {
            if constexpr (!swaps_in_thunk) {
                if (CTYPES_DETAIL_UNLIKELY(capture_ != 0))
                    return call_capturing(arg_converter<A>::convert(args)..., extra...);
            }
            if constexpr (std::is_void_v<R>) {
                ptr_(arg_converter<A>::convert(args)..., extra...);
                if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
                    rethrow_parked();
            } else {
                R result = ptr_(arg_converter<A>::convert(args)..., extra...);
                if (CTYPES_DETAIL_UNLIKELY(callback_pending != 0))
                    rethrow_parked();
                if constexpr (check::checks)
                    apply_check<check>(result, name_,
                                       swaps_in_thunk ? flags_of(capture_) : call_flags::none,
                                       arg_converter<A>::convert(args)..., extra...);
                return result;
            }
        } else if constexpr ((false || ... || is_string_buffer_v<X>)) {
            static_assert(dependent_false<R(X...)>,
                          "ctypes: an argument after the ... of a variadic function is a class "
                          "(a string buffer); C's default promotions take only scalars: pass "
                          ".data()");
        } else {
            static_assert(dependent_false<R(X...)>,
                          "ctypes: an argument after the ... of a variadic function is a class; "
                          "C's default promotions take only scalars: pass .c_str(), a pointer or "
                          "a number");
        }
    }

    /// The raw function pointer, valid while this object (or another handle on the same library)
    /// lives. Throws nothing.
    pointer address() const noexcept { return swap_ ? swap_->target : ptr_; }
    /// The symbol name it was looked up by. Throws nothing.
    const std::string &name() const noexcept { return name_; }
    /// Whether calls swap errno / last-error (use_errno, use_last_error). Every call rethrows
    /// what a callback parked during it, so rethrow_callbacks is never reported. Throws nothing.
    call_flags flags() const noexcept { return flags_of(capture_); }
    /// True unless default-constructed, moved from, or returned empty by an error_code lookup.
    explicit operator bool() const noexcept { return ptr_ != nullptr; }

private:
    // Kept out of operator() so the plain path stays a test, a branch, the call and the test of
    // the pending byte: never inlined, or compilers load ptr_ into a register before the branch
    // for both paths and the plain call costs two more instructions (see bench/README.md).
    // Swaps errno / last-error around the foreign call, then rethrows what a callback parked
    // (after the swap-back), then runs the result check.
    template <class... X>
    CTYPES_DETAIL_COLD R call_capturing(A... args, X... extra) const {
        if constexpr (std::is_void_v<R>) {
            {
                capture_scope scope(capture_);
                ptr_(args..., extra...);
            }
            if (callback_pending != 0)
                rethrow_parked();
        } else {
            R result = [&] {
                capture_scope scope(capture_);
                return ptr_(args..., extra...);
            }();
            if (callback_pending != 0)
                rethrow_parked();
            if constexpr (check::checks)
                apply_check<check>(result, name_, flags_of(capture_), args..., extra...);
            return result;
        }
    }

    // A use_errno / use_last_error function of a signature that callbacks can take calls a
    // thunk that swaps errno around the real call: a callback<Sig> whose callable is the
    // foreign function, made at lookup. Then operator() tests nothing before the call, and every
    // function pays only the test of the pending byte after it (see bench/README.md). Variadic
    // functions, and signatures no thunk can be made for at run time, test capture_ first.
    static constexpr bool swaps_in_thunk =
        !Variadic && !std::is_reference_v<R> &&
        has_callback_thunk<convention, R, type_list<A...>>::value &&
        runtime_thunk_register_for<convention, R, A...>() != reg_none;

    struct swap_thunk {
        pointer target;
        callback_impl<convention, R, type_list<A...>> thunk;
        swap_thunk(pointer p, unsigned char capture)
            : target(p), thunk([p](A... a) noexcept -> R { return p(a...); }, flags_of(capture)) {}
    };

protected:
    function_base() = default;
    function_base(pointer p, load_flags f, state_ptr s, std::string name)
        : ptr_(p), capture_(capture_of(f)), state_(std::move(s)), name_(std::move(name)) {
        if constexpr (swaps_in_thunk) {
            if (capture_ != 0) {
                swap_ = std::make_shared<const swap_thunk>(p, capture_);
                ptr_ = swap_->thunk.get();
            }
        }
    }
    function_base(const function_base &) = default;
    function_base &operator=(const function_base &) = default;
    // A moved-from function is empty, as documented: bool(f) is false.
    function_base(function_base &&other) noexcept
        : ptr_(std::exchange(other.ptr_, nullptr)), capture_(std::exchange(other.capture_, 0)),
          swap_(std::move(other.swap_)), state_(std::move(other.state_)),
          name_(std::move(other.name_)) {}
    function_base &operator=(function_base &&other) noexcept {
        ptr_ = std::exchange(other.ptr_, nullptr);
        capture_ = std::exchange(other.capture_, 0);
        swap_ = std::move(other.swap_);
        state_ = std::move(other.state_);
        name_ = std::move(other.name_);
        return *this;
    }
    ~function_base() = default;

    pointer ptr_ = nullptr; // what operator() calls: the function, or its swap thunk
    unsigned char capture_ = 0;
    std::shared_ptr<const swap_thunk> swap_; // shared by copies; null without a swap thunk
    state_ptr state_; // keeps the library mapped; never touched on the call path
    std::string name_;
};

struct invalid_function_base : rejected {}; // after a failed static_assert: that error only

// The check of a function made from an address: not null; what it is called in error messages
// is the address in hex.
template <class Sig>
std::string address_label(const void *address) {
    if (!address)
        throw error(errc::null_symbol, "ctypes: cannot make a function of type " +
                                           type_name<Sig>() + " from a null address");
    char text[2 + 2 * sizeof(std::uintptr_t) + 1];
    std::snprintf(text, sizeof text, "0x%llx",
                  static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(address)));
    return text;
}

// The policy a call of Sig uses: Policy, except that a type carrying stdcall (a 32-bit Windows
// header's WINAPI declaration) is called as stdcall whatever the library's policy.
template <class Sig, class Policy>
using policy_for_t =
    std::conditional_t<stdcall_signature<Sig>::value,
                       policy<stdcall_convention, typename Policy::result_check>, Policy>;

// Sig's checks, then the policy's result check on its result type: one static_assert at most.
template <class Sig, class Policy>
constexpr bool validate_function() {
    if constexpr (!validate_signature<plain_signature_t<Sig>>())
        return false;
    else
        return validate_result_check<typename policy_for_t<Sig, Policy>::result_check,
                                     typename signature<plain_signature_t<Sig>>::result_type>();
}

template <class Sig, class Policy, bool Valid = validate_function<Sig, Policy>()>
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
/// calls can never dangle. The call itself is one indirect call and one test of a per-thread
/// byte after it (the rethrow of callback exceptions); with use_errno or use_last_error, the call
/// goes through a thunk that swaps errno around it, made at lookup from the signature's callback
/// pool (see callback.hpp: where no thunk can be made at run time, making more than
/// CTYPES_CALLBACK_SLOTS of them for one signature throws error, errc::no_callback_slot, even
/// from a `std::error_code&` lookup). Variadic signatures test the flags before the call instead.
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

    /// A checked function for a C function pointer that C handed back (`get_strchr()`, a plugin
    /// registry, a C plugin's vtable), as ctypes makes one with `CFUNCTYPE(...)(address)`: the
    /// same argument conversions, out-parameters, result check and callback-exception rethrow
    /// as a function from get<Sig>().
    /// \param address the function; Sig must be its real type, which nothing can check. Called
    /// through as long as the code it points into stays mapped: this form does not keep any
    /// library loaded (see the form taking the owner).
    /// \param call_flags `use_errno`, `use_last_error` (`rethrow_callbacks` is accepted).
    /// \throws error (errc::null_symbol) for a null address; with use_errno / use_last_error,
    /// what making its swap thunk throws (see the class comment). An `rtld_*` flag does not
    /// compile.
    /// \see https://docs.python.org/3/library/ctypes.html#function-prototypes
    /// \code
    /// auto get_op = lib.get<int (*(const char *))(int, int)>("get_op");
    /// ctypes::function<int(int, int)> add{get_op("add"), lib}; // keeps lib loaded
    /// int three = add(1, 2);
    /// \endcode
    template <class B = base,
              class = std::enable_if_t<!std::is_same_v<B, detail::invalid_function_base>>>
    explicit function(typename B::pointer address, ctypes::call_flags call_flags = {})
        : base(address, call_flags, nullptr,
               detail::address_label<Sig>(reinterpret_cast<const void *>(address))) {}

    /// As function(address, call_flags), for an address C gave as `void*` (`dlsym`, a
    /// `void*`-typed registry). Converting it to a function pointer is what POSIX's dlsym()
    /// requires of the platform. \throws as function(address, call_flags).
    template <class B = base,
              class = std::enable_if_t<!std::is_same_v<B, detail::invalid_function_base>>>
    explicit function(void *address, ctypes::call_flags call_flags = {})
        : function(reinterpret_cast<typename B::pointer>(address), call_flags) {}

    /// As function(address, call_flags), tied to the library whose code `address` points into:
    /// the function keeps `owner` loaded, as one from owner.get<Sig>() does (Guarantee 3), and
    /// takes its use_errno / use_last_error flags.
    /// \throws error (errc::not_loaded) when `owner` is empty; otherwise as
    /// function(address, call_flags).
    template <class P, class B = base,
              class = std::enable_if_t<!std::is_same_v<B, detail::invalid_function_base>>>
    function(typename B::pointer address, const basic_library<P> &owner,
             ctypes::call_flags call_flags = {})
        : base(address, owner.flags() | call_flags, owned_state(owner),
               detail::address_label<Sig>(reinterpret_cast<const void *>(address))) {}

    /// As function(address, owner, call_flags), for an address C gave as `void*`.
    template <class P, class B = base,
              class = std::enable_if_t<!std::is_same_v<B, detail::invalid_function_base>>>
    function(void *address, const basic_library<P> &owner, ctypes::call_flags call_flags = {})
        : function(reinterpret_cast<typename B::pointer>(address), owner, call_flags) {}

private:
    template <class P>
    static detail::state_ptr owned_state(const basic_library<P> &owner) {
        if (!owner.state_)
            throw error(errc::not_loaded, "ctypes: cannot tie a function of type " +
                                              detail::type_name<Sig>() +
                                              " to an empty library object");
        return owner.state_;
    }

    template <class P>
    friend class basic_library;
    using base::base;
};

} // namespace ctypes

#endif
