// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_RESULT_CHECK_HPP
#define CTYPES_RESULT_CHECK_HPP

/// \file
/// Result checks usable with any library (ctypes `errcheck` and beyond): the named checks for
/// the common C error conventions, user-supplied checks at compile time (errcheck<F>) or at run
/// time (checked()), and the call_error they throw.
///
/// A result check is any type with `static constexpr bool checks = true;` and a static `check`
/// function, used as the second parameter of ctypes::policy. Its `check` is called after every
/// call with the result, in one of these forms, chosen by the check's own declarations:
///
/// | the check declares                 | it is called as                              |
/// |------------------------------------|----------------------------------------------|
/// | nothing more                       | `check(result, function_name)`               |
/// | `wants_arguments = true`           | `check(result, function_name, args...)`      |
/// | `wants_context = true`             | `check(result, context)`                     |
/// | both                               | `check(result, context, args...)`            |
///
/// `context` is a ctypes::call_context: the function's name and flags, and the errno the C
/// function left, read from the right place (see call_context::errno_value()).
/// A policy never checks functions returning `void`; ctypes::checked() can.

#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "detail/arguments.hpp"
#include "detail/out_call.hpp"
#include "errno.hpp"
#include "error.hpp"
#include "flags.hpp"
#include "policy.hpp"
#include "types.hpp"

namespace ctypes {

/// What a result check learns about the call besides its result and arguments: the function's
/// name, its capture flags, and the errno / last-error value the foreign function left.
///
/// Lifetime: made on the stack for one check call; refers to the function's name, so do not
/// keep it past the check. Copying throws nothing.
/// \see ctypes errcheck's `func` argument:
/// https://docs.python.org/3/library/ctypes.html#ctypes._FuncPtr.errcheck
class call_context {
public:
    /// \param function the exported name, referred to, not copied. \param flags the function's
    /// `use_errno` / `use_last_error` flags. Throws nothing.
    call_context(const std::string &function, call_flags flags) noexcept
        : function_(function), flags_(flags) {}

    /// The name the function was looked up by. Throws nothing.
    const std::string &function() const noexcept { return function_; }
    /// The function's `use_errno` / `use_last_error` flags. Throws nothing.
    call_flags flags() const noexcept { return flags_; }

    /// The errno value the foreign function left. For a `use_errno` function that value was
    /// swapped into the private copy right after the call, so this reads ctypes::get_errno();
    /// for any other function it is still in the real `errno`, so this reads `errno`. Read it
    /// first thing in the check, before anything else can change `errno`. Throws nothing.
    int errno_value() const noexcept { return has_flags(flags_, use_errno) ? get_errno() : errno; }

    /// The last-error value the foreign function left: ctypes::get_last_error() for a
    /// `use_last_error` function, `GetLastError()` for any other. Throws nothing.
    /// \note POSIX has no last-error value: this is the private copy with `use_last_error`, 0
    /// without.
    std::uint32_t last_error_value() const noexcept {
        if (has_flags(flags_, use_last_error))
            return get_last_error();
#if defined(_WIN32)
        return GetLastError();
#else
        return 0;
#endif
    }

private:
    const std::string &function_;
    call_flags flags_;
};

/// A foreign function reported failure through its result, as a result check saw it. code() is
/// the error the convention names (an errno in std::generic_category(), a library's own code in
/// its own category, or ctypes::errc::call_failed when the OS recorded no number); what() names
/// the function and the result and ends with the category's text:
/// `ctypes: call to 'open' failed (returned -1, errno 2): No such file or directory`.
/// Copying throws nothing.
class call_error : public error {
public:
    /// \param code the error. \param function the function's name. \param returned the result
    /// as text (`-1`, `NULL`, `14`).
    call_error(std::error_code code, const std::string &function, const std::string &returned)
        : error(code, detail::call_failure_text(code, function, returned)) {}
};

namespace detail {

template <class Check, class = void>
struct declares_wants_context : std::false_type {};
template <class Check>
struct declares_wants_context<Check, std::enable_if_t<Check::wants_context>> : std::true_type {};

template <class Check, class = void>
struct declares_wants_arguments : std::false_type {};
template <class Check>
struct declares_wants_arguments<Check, std::enable_if_t<Check::wants_arguments>> : std::true_type {
};

// The one place a policy's check is called, in the form the check declares (see the table at
// the top of this file).
template <class Check, class R, class... Args>
void apply_check(const R &result, const std::string &function, call_flags flags,
                 const Args &...args) {
    if constexpr (declares_wants_context<Check>::value) {
        const call_context context(function, flags);
        if constexpr (declares_wants_arguments<Check>::value)
            Check::check(result, context, args...);
        else
            Check::check(result, context);
    } else if constexpr (declares_wants_arguments<Check>::value) {
        Check::check(result, function, args...);
    } else {
        (void)flags;
        Check::check(result, function);
    }
}

inline std::error_code errno_code(int value) noexcept {
    if (value == 0)
        return make_error_code(errc::call_failed);
    return {value, std::generic_category()};
}

// Calls a user's check callable in the richest form it accepts.
template <class F, class R, class... Args>
void invoke_errcheck(F &f, const R &result, const call_context &context, const Args &...args) {
    if constexpr (std::is_invocable_v<F &, const R &, const call_context &, const Args &...>) {
        static_assert(
            std::is_void_v<
                std::invoke_result_t<F &, const R &, const call_context &, const Args &...>>,
            "ctypes: an errcheck callable reports failure by throwing and must return void");
        f(result, context, args...);
    } else if constexpr (std::is_invocable_v<F &, const R &, const call_context &>) {
        static_assert(std::is_void_v<std::invoke_result_t<F &, const R &, const call_context &>>,
                      "ctypes: an errcheck callable reports failure by throwing and must return "
                      "void");
        f(result, context);
    } else if constexpr (std::is_invocable_v<F &, const R &>) {
        static_assert(std::is_void_v<std::invoke_result_t<F &, const R &>>,
                      "ctypes: an errcheck callable reports failure by throwing and must return "
                      "void");
        f(result);
    } else {
        static_assert(dependent_false<F>,
                      "ctypes: an errcheck callable must be invocable as f(result), f(result, "
                      "const ctypes::call_context&) or f(result, const ctypes::call_context&, "
                      "args...) with the function's result and argument types");
    }
}

// The same for functions returning void: the forms without a result.
template <class F, class... Args>
void invoke_errcheck_void(F &f, const call_context &context, const Args &...args) {
    if constexpr (std::is_invocable_v<F &, const call_context &, const Args &...>) {
        f(context, args...);
    } else if constexpr (std::is_invocable_v<F &, const call_context &>) {
        f(context);
    } else {
        static_assert(dependent_false<F>,
                      "ctypes: an errcheck callable for a void function must be invocable as "
                      "f(const ctypes::call_context&) or f(const ctypes::call_context&, args...)");
    }
}

} // namespace detail

/// Result check for the POSIX convention "returns -1 and sets errno" (`open`, `close`, `read`,
/// `unlink`, `ioctl`, ...): a result of -1 throws call_error with the errno the function left
/// (see call_context::errno_value()) in std::generic_category(); any other result is returned.
///
/// Works with or without `use_errno`: with it, the errno comes from the private copy (and
/// ctypes::get_errno() still has it after the throw); without it, from the real `errno`.
/// \code
/// ctypes::CDLL libc{"libc.so.6"};
/// auto unlink = libc.get<int(const char *), ctypes::checked_with<ctypes::minus_one_errno_check>>(
///     "unlink");
/// unlink("/no/such/file"); // throws call_error, code() == std::errc::no_such_file_or_directory
/// \endcode
/// \see https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_03
struct minus_one_errno_check {
    /// True: every result goes through check().
    static constexpr bool checks = true;
    /// True: check() receives a call_context.
    static constexpr bool wants_context = true;
    /// \tparam R a signed integer result (`int`, `long`, `ssize_t`, `off_t`).
    /// \throws call_error when `result == -1`: code() is the errno in std::generic_category(),
    /// or errc::call_failed when errno is 0.
    template <class R>
    static void check(const R &result, const call_context &context) {
        static_assert(std::is_integral_v<R> && std::is_signed_v<R>,
                      "ctypes: minus_one_errno_check needs a signed integer result such as int or "
                      "ssize_t; for a pointer result use null_errno_check");
        if (result == R(-1))
            throw call_error(detail::errno_code(context.errno_value()), context.function(), "-1");
    }
};

/// Result check for the C convention "returns NULL and sets errno" (`fopen`, `malloc`,
/// `opendir`, `realpath`): a null result throws call_error with the
/// errno the function left in std::generic_category(); any other result is returned.
/// \code
/// auto fopen = libc.get<std::FILE *(const char *, const char *),
///                       ctypes::checked_with<ctypes::null_errno_check>>("fopen");
/// \endcode
/// \see https://pubs.opengroup.org/onlinepubs/9699919799/functions/fopen.html
struct null_errno_check {
    /// True: every result goes through check().
    static constexpr bool checks = true;
    /// True: check() receives a call_context.
    static constexpr bool wants_context = true;
    /// \tparam R a pointer result.
    /// \throws call_error when `result` is null: code() is the errno in
    /// std::generic_category(), or errc::call_failed when errno is 0.
    template <class R>
    static void check(const R &result, const call_context &context) {
        static_assert(std::is_pointer_v<R>,
                      "ctypes: null_errno_check needs a pointer result; for an int result that "
                      "is -1 on failure use minus_one_errno_check");
        if (result == nullptr)
            throw call_error(detail::errno_code(context.errno_value()), context.function(), "NULL");
    }
};

/// Result check for libraries that return a status code, zero for success (sqlite3, the CUDA
/// driver API, NVML, ...): any result other than 0 (or one of `Success...`) throws call_error
/// whose code() is the result in the library's own std::error_category.
///
/// \tparam Category the category's getter: a function (or function pointer) taking no
/// arguments and returning `const std::error_category&`, like std::generic_category. Write
/// the category once, with a message() that asks the library for its text.
/// \tparam Success further results that mean success, such as `SQLITE_ROW` and `SQLITE_DONE`
/// for `sqlite3_step`.
/// \code
/// const std::error_category &sqlite_category(); // name() "sqlite3", message() sqlite3_errstr
/// auto exec = libsqlite3.get<int(sqlite3 *, const char *, void *, void *, char **),
///                            ctypes::checked_with<ctypes::status_check<sqlite_category>>>(
///     "sqlite3_exec");
/// \endcode
/// \see https://www.sqlite.org/rescode.html
template <auto Category, auto... Success>
struct status_check {
    static_assert(std::is_invocable_r_v<const std::error_category &, decltype(Category)>,
                  "ctypes: status_check<Category> needs a function taking no arguments and "
                  "returning const std::error_category&, such as std::generic_category; pass "
                  "the function itself, not its result");
    /// True: every result goes through check().
    static constexpr bool checks = true;
    /// \tparam R an integer or enumeration result.
    /// \throws call_error when `result` is neither 0 nor one of `Success...`: code() is
    /// `{int(result), Category()}`, and what() ends with the category's message for it.
    template <class R>
    static void check(const R &result, const std::string &function) {
        static_assert(std::is_integral_v<R> || std::is_enum_v<R>,
                      "ctypes: status_check needs an integer or enum result, the library's "
                      "status code");
        if (result == R{} || (false || ... || (result == static_cast<R>(Success))))
            return;
        const auto value = static_cast<long long>(result);
        throw call_error({static_cast<int>(value), Category()}, function, std::to_string(value));
    }
};

/// A user-supplied result check given as a type (ctypes `errcheck`, fixed at compile time):
/// after each call a default-constructed `F` is invoked with the result, in the richest form it
/// accepts: `f(result, context, args...)`, `f(result, context)` or `f(result)`, where `context`
/// is a `const` ctypes::call_context and `args` the call's arguments after conversion to the
/// declared parameter types. It reports failure by throwing; the result is returned unchanged
/// (unlike ctypes, whose errcheck may replace it).
///
/// \tparam F a stateless, default-constructible callable type: a struct with `operator()`, the
/// type of a captureless lambda (C++20: `decltype([](int r) {...})`), or a function given as
/// errcheck_function<&fn>. For a callable with state use ctypes::checked().
/// \code
/// struct positive { void operator()(int r) const { if (r <= 0) throw std::range_error("r"); } };
/// auto f = lib.get<int(int), ctypes::checked_with<ctypes::errcheck<positive>>>("f");
/// \endcode
/// \see https://docs.python.org/3/library/ctypes.html#ctypes._FuncPtr.errcheck
template <class F>
struct errcheck {
    static_assert(std::is_default_constructible_v<F> && !std::is_pointer_v<F>,
                  "ctypes: errcheck<F> needs a stateless callable type it can default-construct "
                  "(a struct with operator(), or a function as errcheck_function<&fn>); for a "
                  "callable with state use ctypes::checked(function, callable)");
    /// True: every result goes through check().
    static constexpr bool checks = true;
    /// True: check() receives a call_context.
    static constexpr bool wants_context = true;
    /// True: check() receives the call's arguments.
    static constexpr bool wants_arguments = true;
    /// Invokes `F{}`. \throws whatever F throws.
    template <class R, class... Args>
    static void check(const R &result, const call_context &context, const Args &...args) {
        F f{};
        detail::invoke_errcheck(f, result, context, args...);
    }
};

/// errcheck for a function: `errcheck_function<&my_check>`.
/// \tparam Fn a pointer to a function taking the forms errcheck describes and returning void.
template <auto Fn>
using errcheck_function = errcheck<std::integral_constant<decltype(Fn), Fn>>;

/// The policy "this convention, this result check": what get<Sig, Policy>() takes to check one
/// function of any library. `checked_with<Check>` is cdecl;
/// `checked_with<Check, stdcall_convention>` is stdcall.
template <class Check, class Convention = cdecl_convention>
using checked_with = policy<Convention, Check>;

/// A function with a run-time result check, made by ctypes::checked(). Calls the function, then
/// the check (in one of the forms errcheck describes), then returns the result unchanged.
///
/// \tparam Fn a ctypes::function (or any callable with `name()`, `flags()` and
/// `signature_type` that accepts the C parameter types). \tparam Check the callable, owned by
/// value.
/// Copyable when Fn and Check are; keeps the library mapped as Fn does.
template <class Fn, class Check>
class checked_function;

namespace detail {
template <class Fn, class Check, class R, class Params, class Ins, bool Variadic>
class checked_base;

// The wrapper takes what Fn takes: the same per-parameter conversions (arg_t: std::string for a
// C string, buffers and byte containers for byte pointers) and, when Fn has ctypes::out<T>
// parameters, only the inputs, returning Fn's tuple. The check sees the C result and the inputs
// as C receives them.
template <class Fn, class Check, class R, class... P, class... In, bool Variadic>
class checked_base<Fn, Check, R, type_list<P...>, type_list<In...>, Variadic> {
    static constexpr bool has_outputs = (false || ... || is_out_v<P>);

public:
    /// Calls the function, then the check. \throws what the function's policy and the check
    /// throw.
    template <class... X, detail::extra_arguments_t<Variadic, X...> = 0>
    auto operator()(arg_t<In>... args, const X &...extra) const {
        const auto run_check = [&](const auto &...result) {
            const call_context context(fn_.name(), fn_.flags());
            if constexpr (sizeof...(result) == 0)
                detail::invoke_errcheck_void(check_, context, arg_converter<In>::convert(args)...,
                                             extra...);
            else
                detail::invoke_errcheck(check_, result..., context,
                                        arg_converter<In>::convert(args)..., extra...);
        };
        if constexpr (std::is_void_v<R> && !has_outputs) {
            fn_(arg_converter<In>::convert(args)..., extra...);
            run_check();
        } else {
            auto result = fn_(arg_converter<In>::convert(args)..., extra...);
            if constexpr (!has_outputs)
                run_check(result);
            else if constexpr (std::is_void_v<R>)
                run_check();
            else
                run_check(std::get<0>(result));
            return result;
        }
    }

    /// The wrapped function. Throws nothing.
    const Fn &function() const noexcept { return fn_; }
    /// The check. Throws nothing.
    const Check &check() const noexcept { return check_; }
    /// The wrapped function's name. Throws nothing.
    const std::string &name() const noexcept { return fn_.name(); }
    /// Whether the wrapped function is non-empty. Throws nothing.
    explicit operator bool() const noexcept { return static_cast<bool>(fn_); }

protected:
    checked_base(Fn fn, Check check) : fn_(std::move(fn)), check_(std::move(check)) {}

private:
    Fn fn_;
    mutable Check check_; // called as the user wrote it: a stateful check may count or log
};

template <class Fn, class Check,
          class S = signature<plain_signature_t<typename Fn::signature_type>>>
using checked_base_for =
    checked_base<Fn, Check, typename S::result_type, typename S::argument_types,
                 typename out_values<typename S::argument_types>::ins, S::is_variadic>;
} // namespace detail

template <class Fn, class Check>
class checked_function : public detail::checked_base_for<Fn, Check> {
public:
    /// \param fn the function, copied or moved in. \param check the callable, likewise.
    checked_function(Fn fn, Check check)
        : detail::checked_base_for<Fn, Check>(std::move(fn), std::move(check)) {}
};

/// Wraps a function with a run-time result check (ctypes `func.errcheck = callable`); the
/// function itself, and its plain call path, are left as they are. The wrapper takes exactly what
/// the function takes: `std::string` and string buffers for C strings, buffers and byte
/// containers for byte pointers, every implicit C++ conversion; for a signature with
/// ctypes::out<T> parameters only the inputs, and it returns the function's own result (the
/// `std::tuple` of the result and the outputs). The check sees the C result (for outputs, the
/// first element; nothing for a void result) and the inputs as C received them (`const char*`
/// for a std::string). When the check throws, the outputs are dropped: a check on a function
/// that allocates into an output (sqlite3_open) must release it itself.
/// \param fn a ctypes::function from get(). \param check a callable, stateful ones (lambdas
/// capturing a handle) included, invocable as `check(result, context, args...)`,
/// `check(result, context)` or `check(result)` (without `result` for a void function), with
/// `context` a `const` ctypes::call_context. It throws to report failure; its return value, which
/// must be void, is not used.
/// \return a checked_function owning copies of both. Throws what copying them throws.
/// \code
/// auto step = ctypes::checked(lib.get<int(sqlite3_stmt *)>("sqlite3_step"),
///                             [db](int rc, const ctypes::call_context &c) { ... });
/// \endcode
/// \see https://docs.python.org/3/library/ctypes.html#ctypes._FuncPtr.errcheck
template <class Fn, class Check>
checked_function<std::decay_t<Fn>, std::decay_t<Check>> checked(Fn &&fn, Check &&check) {
    return {std::forward<Fn>(fn), std::forward<Check>(check)};
}

} // namespace ctypes

#endif
