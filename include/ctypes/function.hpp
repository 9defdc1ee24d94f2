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
#include "detail/swap_thunk.hpp"
#include "detail/symbol_record.hpp"
#include "detail/type_name.hpp"
#include "errno.hpp"
#include "error.hpp"
#include "flags.hpp"
#include "policy.hpp"
#include "result_check.hpp"
#include "types.hpp"

namespace ctypes {

template <class Policy>
class basic_library;
template <class Policy>
class foreign_deleter;

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
                if (CTYPES_DETAIL_UNLIKELY(record_->capture != 0))
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
                    apply_check<check>(result, record_->name,
                                       swaps_in_thunk ? flags_of(record_->capture)
                                                      : call_flags::none,
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
    pointer address() const noexcept {
        if constexpr (swaps_in_thunk) {
            if (record_ && record_->capture != 0)
                return static_cast<const swap_record &>(*record_).target;
        }
        return ptr_;
    }
    /// The symbol name it was looked up by (empty for an empty function). Throws nothing.
    const std::string &name() const noexcept { return record_ ? record_->name : no_name(); }
    /// Whether calls swap errno / last-error (use_errno, use_last_error). Every call rethrows
    /// what a callback parked during it, so rethrow_callbacks is never reported. Throws nothing.
    call_flags flags() const noexcept { return flags_of(record_ ? record_->capture : 0); }
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
                capture_scope scope(record_->capture);
                ptr_(args..., extra...);
            }
            if (callback_pending != 0)
                rethrow_parked();
        } else {
            R result = [&] {
                capture_scope scope(record_->capture);
                return ptr_(args..., extra...);
            }();
            if (callback_pending != 0)
                rethrow_parked();
            if constexpr (check::checks)
                apply_check<check>(result, record_->name, flags_of(record_->capture), args...,
                                   extra...);
            return result;
        }
    }

    // A use_errno / use_last_error function of a signature a run-time thunk can serve calls a
    // swap thunk (detail/swap_thunk.hpp) made at lookup: it swaps errno around the real call,
    // and nothing else. Then operator() tests nothing before the call, and every function pays
    // only the test of the pending byte after it (see bench/README.md). Variadic functions, and
    // signatures no thunk can be made for at run time, test the capture bits first.
    static constexpr bool swaps_in_thunk =
        !Variadic && !std::is_reference_v<R> &&
        has_callback_thunk<convention, R, type_list<A...>>::value &&
        runtime_thunk_register_for<convention, R, A...>() != reg_none;

    // The record of a function that calls through a swap thunk: the foreign function's own
    // address (what address() reports) and the thunk, shared by every copy.
    struct swap_record : symbol_record {
        pointer target;
        swap_thunk<convention, R, A...> thunk;
        swap_record(pointer p, unsigned char capture, std::string name, std::string &why)
            : symbol_record(std::move(name), capture), target(p), thunk(p, capture, why) {}
    };

    // Thrown when no swap thunk can be had (no code page could be mapped and the signature's
    // static pool is in use).
    [[noreturn]] CTYPES_DETAIL_COLD static void no_swap_thunk(const std::string &name,
                                                              const std::string &why) {
        throw error(errc::no_callback_slot,
                    "ctypes: cannot make the errno-swapping thunk of '" + name + "' (" +
                        type_name<R(A...)>() + "): no thunk can be made at run time (" + why +
                        ") and all " + std::to_string(CTYPES_CALLBACK_SLOTS) +
                        " static thunks of this signature are in use by live callbacks");
    }

protected:
    function_base() = default;
    // One allocation: the record (with the swap thunk, for use_errno / use_last_error).
    function_base(pointer p, load_flags f, state_ptr s, std::string name)
        : ptr_(p), state_(std::move(s)) {
        const unsigned char capture = capture_of(f);
        if constexpr (swaps_in_thunk) {
            if (capture != 0) {
                std::string why;
                auto record = std::make_unique<swap_record>(p, capture, std::move(name), why);
                if (!record->thunk.get())
                    no_swap_thunk(record->name, why);
                ptr_ = record->thunk.get();
                record_ = std::move(record);
                return;
            }
        }
        record_ = std::make_unique<symbol_record>(std::move(name), capture);
    }
    // A plain function (no capture bits) with a record shared by the symbol's other lookups
    // (detail/record_table.hpp): allocates nothing.
    function_base(pointer p, state_ptr s, record_ptr record) noexcept
        : ptr_(p), state_(std::move(s)), record_(std::move(record)) {}
    function_base(const function_base &) = default;
    function_base &operator=(const function_base &) = default;
    // A moved-from function is empty, as documented: bool(f) is false.
    function_base(function_base &&other) noexcept
        : ptr_(std::exchange(other.ptr_, nullptr)), state_(std::move(other.state_)),
          record_(std::move(other.record_)) {}
    function_base &operator=(function_base &&other) noexcept {
        ptr_ = std::exchange(other.ptr_, nullptr);
        state_ = std::move(other.state_);
        record_ = std::move(other.record_);
        return *this;
    }
    ~function_base() = default;

    // Three pointers (bench/README.md, memory): the call reads ptr_ alone, and record_ only
    // for the capture test of a signature without a swap thunk or for a failed result check.
    pointer ptr_ = nullptr; // what operator() calls: the function, or its swap thunk
    state_ptr state_;       // keeps the library mapped; never touched on the call path
    record_ptr record_;     // name and capture bits (a swap_record with a thunk); shared by copies
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
/// goes through a thunk made at lookup that swaps errno around it and does nothing else (a thunk
/// written at run time whose record is the function's address; when no code page can be mapped,
/// a slot of the signature's callback pool, and when that too is full the lookup throws error,
/// errc::no_callback_slot, even from a `std::error_code&` lookup). Variadic signatures, and
/// those no run-time thunk can serve (see callback.hpp), test the flags before the call instead.
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
    template <class P>
    friend class foreign_deleter; // holds the library of the free function it keeps
    using base::base;
};

} // namespace ctypes

#endif
