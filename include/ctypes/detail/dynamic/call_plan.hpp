// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_CALL_PLAN_HPP
#define CTYPES_DETAIL_DYNAMIC_CALL_PLAN_HPP

// The call plan of a runtime signature, made once when the function is looked up: per parameter
// how it takes a C++ scalar (its form, width, signedness and range, and its argument register on
// the fast path), and for the result how to read it back. A call then converts each argument
// with a few comparisons and one store instead of walking the parameter's c_type. Whatever the
// plan does not cover (records, long double, strings for other than `const char *`, values) or
// any argument that does not fit goes to the general conversion, which also writes the errors.
//
// Arguments are handled as a 64-bit "image": an integer sign- or zero-extended from its C width,
// a float's bits in the low half, a double's bits, a pointer's address.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "c_type.hpp"

namespace ctypes::detail::dynamic {

// One argument's storage for a libffi call: libffi reads each argument through a pointer.
union alignas(16) arg_slot {
    std::int64_t i64;
    unsigned char bytes[16];
    void *p;
    long double ld;
};

enum class arg_form : unsigned char { other, integer, float32, float64, pointer };

struct param_plan {
    arg_form form = arg_form::other;
    bool is_signed = false;
    bool takes_string = false;   // a `const char *` parameter, which takes a std::string too
    unsigned char size = 0;      // bytes, the C width
    unsigned char reg = 0;       // fast path: index into the register image (see fast_call.hpp)
    long long lowest = 0;        // integer forms: the range the C type holds
    unsigned long long most = 0; // (bool: 0 and 1)
};

struct result_plan {
    arg_form form = arg_form::other; // `other` also for void, which `is_void` tells apart
    bool is_void = false;
    bool is_signed = false;
    unsigned char size = 0;
    unsigned char shift = 0; // integer forms: 64 - 8 * size, to extend the low bytes
};

inline arg_form form_of(const c_type &t) noexcept {
    if (t.kind == c_kind::pointer)
        return t.size <= 8 ? arg_form::pointer : arg_form::other;
    if (is_integer(t.kind))
        return t.size <= 8 ? arg_form::integer : arg_form::other;
    if (t.kind == c_kind::float_type && t.size == 4)
        return arg_form::float32;
    if (t.kind == c_kind::double_type && t.size == 8)
        return arg_form::float64;
    return arg_form::other;
}

inline param_plan plan_parameter(const c_type &t) noexcept {
    param_plan p;
    p.form = form_of(t);
    p.size = static_cast<unsigned char>(t.size);
    p.is_signed = t.is_signed;
    p.takes_string = is_char_pointer(t) && t.const_target;
    if (p.form != arg_form::integer)
        return p;
    const unsigned bits = static_cast<unsigned>(t.size * 8);
    if (t.kind == c_kind::bool_type) {
        p.is_signed = false;
        p.most = 1;
    } else if (t.is_signed) {
        p.lowest = bits >= 64 ? std::numeric_limits<long long>::min() : -(1LL << (bits - 1));
        p.most = bits >= 64 ? static_cast<unsigned long long>(std::numeric_limits<long long>::max())
                            : (1ULL << (bits - 1)) - 1;
    } else {
        p.most = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
    }
    return p;
}

inline result_plan plan_result(const c_type &t) noexcept {
    result_plan r;
    r.is_void = t.kind == c_kind::void_type;
    r.form = form_of(t);
    r.size = static_cast<unsigned char>(t.size);
    r.is_signed = t.is_signed;
    if (r.form == arg_form::integer)
        r.shift = static_cast<unsigned char>(64 - 8 * t.size);
    return r;
}

// A number's image for a float or double parameter.
template <class N>
bool floating_image(const param_plan &p, N x, std::uint64_t &out) noexcept {
    if (p.form == arg_form::float32) {
        const auto f = static_cast<float>(x);
        std::uint32_t bits;
        std::memcpy(&bits, &f, 4);
        out = bits;
        return true;
    }
    if (p.form == arg_form::float64) {
        const auto d = static_cast<double>(x);
        std::memcpy(&out, &d, 8);
        return true;
    }
    return false;
}

// The image of argument x for a parameter planned as p; false when the plan cannot take it (the
// general conversion then does, or says why not).
template <class X>
bool image_of(const param_plan &p, const X &x, std::uint64_t &out) noexcept {
    if constexpr (std::is_enum_v<X>) {
        return image_of(p, static_cast<std::underlying_type_t<X>>(x), out);
    } else if constexpr (std::is_same_v<X, bool>) {
        if (p.form != arg_form::integer)
            return false;
        out = x ? 1 : 0;
        return true;
    } else if constexpr (std::is_integral_v<X>) {
        if (p.form == arg_form::integer) {
            if constexpr (std::is_signed_v<X>) {
                const long long v = x;
                if (p.is_signed ? v < p.lowest || v > static_cast<long long>(p.most)
                                : v < 0 || static_cast<unsigned long long>(v) > p.most)
                    return false;
                out = static_cast<std::uint64_t>(v);
            } else {
                const unsigned long long u = x;
                if (u > p.most)
                    return false;
                out = u;
            }
            return true;
        }
        return floating_image(p, x, out);
    } else if constexpr (std::is_floating_point_v<X>) {
        return floating_image(p, x, out);
    } else if constexpr (std::is_null_pointer_v<X>) {
        out = 0;
        return p.form == arg_form::pointer;
    } else if constexpr (std::is_pointer_v<X> || std::is_array_v<X>) {
        if (p.form != arg_form::pointer)
            return false;
        if constexpr (std::is_pointer_v<X> && std::is_function_v<std::remove_pointer_t<X>>)
            out = reinterpret_cast<std::uintptr_t>(x);
        else
            out = reinterpret_cast<std::uintptr_t>(static_cast<const void *>(x));
        return true;
    } else if constexpr (std::is_same_v<X, std::string>) {
        if (!p.takes_string)
            return false;
        out = reinterpret_cast<std::uintptr_t>(static_cast<const void *>(x.c_str()));
        return true;
    } else {
        (void)p;
        (void)x;
        (void)out;
        return false;
    }
}

// Whether image_of may take an X at all (the others always take the general conversion).
template <class X>
inline constexpr bool is_plain_arg =
    std::is_arithmetic_v<X> || std::is_enum_v<X> || std::is_pointer_v<X> ||
    std::is_null_pointer_v<X> || std::is_array_v<X> || std::is_same_v<X, std::string>;

// Stores the low `size` bytes' worth of an integer (1, 2, 4 or 8), as that width's integer.
inline void store_width(std::size_t size, std::uint64_t bits, arg_slot &s) noexcept {
    switch (size) {
    case 1: {
        const auto v = static_cast<std::uint8_t>(bits);
        std::memcpy(s.bytes, &v, 1);
        break;
    }
    case 2: {
        const auto v = static_cast<std::uint16_t>(bits);
        std::memcpy(s.bytes, &v, 2);
        break;
    }
    case 4: {
        const auto v = static_cast<std::uint32_t>(bits);
        std::memcpy(s.bytes, &v, 4);
        break;
    }
    default:
        std::memcpy(s.bytes, &bits, 8);
    }
}

// Stores an argument image in its C width, where libffi reads it.
inline void store_image(const param_plan &p, std::uint64_t bits, arg_slot &s) noexcept {
    if (p.form == arg_form::float32)
        store_width(4, bits, s);
    else if (p.form == arg_form::pointer)
        s.p = reinterpret_cast<void *>(static_cast<std::uintptr_t>(bits));
    else
        store_width(p.size, bits, s);
}

// An integer result's image (an integer register, or libffi's widened result) extended from
// its C width, as the callee leaves the bits above it unspecified.
inline std::uint64_t extend_result(const result_plan &r, std::uint64_t bits) noexcept {
    if (r.form != arg_form::integer || r.shift == 0)
        return bits;
    const std::uint64_t up = bits << r.shift;
    return r.is_signed ? static_cast<std::uint64_t>(static_cast<std::int64_t>(up) >> r.shift)
                       : up >> r.shift;
}

// The typed reading of a result image as R, when it is a plain fit: false sends the caller to
// value::as<R>(), which converts the rest or says why not.
template <class R>
bool read_image(const result_plan &r, std::uint64_t bits, R &out) noexcept {
    if constexpr (std::is_enum_v<R>) {
        std::underlying_type_t<R> u{};
        if (!read_image(r, bits, u))
            return false;
        out = static_cast<R>(u);
        return true;
    } else if constexpr (std::is_integral_v<R>) {
        if (r.form != arg_form::integer)
            return false;
        if (r.is_signed) {
            const auto v = static_cast<long long>(bits);
            if constexpr (std::is_same_v<R, bool>) {
                if (v != 0 && v != 1)
                    return false;
            } else if constexpr (std::is_signed_v<R>) {
                if (v < static_cast<long long>(std::numeric_limits<R>::min()) ||
                    v > static_cast<long long>(std::numeric_limits<R>::max()))
                    return false;
            } else {
                if (v < 0 || static_cast<unsigned long long>(v) > std::numeric_limits<R>::max())
                    return false;
            }
            out = static_cast<R>(v);
            return true;
        }
        if (bits > static_cast<unsigned long long>(std::numeric_limits<R>::max()))
            return false;
        out = static_cast<R>(bits);
        return true;
    } else if constexpr (std::is_floating_point_v<R>) {
        if (r.form == arg_form::float64) {
            double d;
            std::memcpy(&d, &bits, 8);
            out = static_cast<R>(d);
        } else if (r.form == arg_form::float32) {
            const auto low = static_cast<std::uint32_t>(bits);
            float f;
            std::memcpy(&f, &low, 4);
            out = static_cast<R>(f);
        } else if (r.form == arg_form::integer) {
            out = r.is_signed ? static_cast<R>(static_cast<long long>(bits)) : static_cast<R>(bits);
        } else {
            return false;
        }
        return true;
    } else if constexpr (std::is_pointer_v<R>) {
        if (r.form != arg_form::pointer)
            return false;
        const auto a = static_cast<std::uintptr_t>(bits);
        if constexpr (std::is_function_v<std::remove_pointer_t<R>>)
            out = reinterpret_cast<R>(a);
        else
            out = static_cast<R>(reinterpret_cast<void *>(a));
        return true;
    } else {
        (void)r;
        (void)bits;
        (void)out;
        return false;
    }
}

// The result image written back in the C width, for a ctypes::value.
inline void store_result(const result_plan &r, std::uint64_t bits, void *to) noexcept {
    if (r.form == arg_form::float32) {
        const auto v = static_cast<std::uint32_t>(bits);
        std::memcpy(to, &v, 4);
    } else if (r.form == arg_form::pointer) {
        void *p = reinterpret_cast<void *>(static_cast<std::uintptr_t>(bits));
        std::memcpy(to, &p, sizeof p);
    } else {
        arg_slot s;
        store_width(r.size, bits, s);
        std::memcpy(to, s.bytes, r.size);
    }
}

// The lane: a call<R>(args...) or operator()(args...) whose C++ types (R, X...) take this
// function's C signature with no per-call check at all (every value of each X fits its
// parameter, R holds every value of the C result) is validated once, on first use, and its
// instantiation's key cached in the dynamic_function (lane_cache); later calls compare the key
// and call. Any other combination takes the planned or the general conversion, which checks
// each value. The lane's types: an integer X (bool, enums by their underlying type) of a range
// within its integer parameter's, a float or double X for exactly that parameter type (and
// long double on libffi), an object or function pointer, array, nullptr or std::string (for
// `const char *`) for a pointer parameter, and on libffi a trivially copyable struct of a
// record parameter's exact size. On libffi an integer X also needs its parameter's width, as
// libffi reads the argument where X lies.
template <class X>
inline constexpr bool is_lane_direct = // its address is what libffi reads
    std::is_arithmetic_v<X> || std::is_enum_v<X> || (std::is_pointer_v<X> && !std::is_array_v<X>) ||
    (std::is_trivially_copyable_v<X> && std::is_class_v<X>);

// The range of the C++ integer type X, in the terms a param_plan keeps a C type's (bool: 0, 1).
template <class X>
constexpr long long lowest_of() noexcept {
    return std::is_same_v<X, bool> ? 0 : static_cast<long long>(std::numeric_limits<X>::min());
}
template <class X>
constexpr unsigned long long most_of() noexcept {
    return std::is_same_v<X, bool> ? 1
                                   : static_cast<unsigned long long>(std::numeric_limits<X>::max());
}

template <class X>
bool lane_takes(const c_type &t, const param_plan &p, bool fast) noexcept {
    if constexpr (std::is_enum_v<X>) {
        return lane_takes<std::underlying_type_t<X>>(t, p, fast);
    } else if constexpr (std::is_integral_v<X>) {
        if (p.form != arg_form::integer || (!fast && sizeof(X) != p.size))
            return false;
        const long long lowest = lowest_of<X>();
        const unsigned long long most = most_of<X>();
        if (lowest < 0 && !p.is_signed)
            return false;
        return lowest >= p.lowest && most <= p.most;
    } else if constexpr (std::is_same_v<X, float>) {
        return p.form == arg_form::float32;
    } else if constexpr (std::is_same_v<X, double>) {
        return p.form == arg_form::float64;
    } else if constexpr (std::is_same_v<X, long double>) {
        return !fast && t.kind == c_kind::long_double && t.size == sizeof(long double);
    } else if constexpr (std::is_pointer_v<X> || std::is_array_v<X> || std::is_null_pointer_v<X>) {
        return p.form == arg_form::pointer;
    } else if constexpr (std::is_same_v<X, std::string>) {
        return p.takes_string;
    } else if constexpr (std::is_trivially_copyable_v<X> && std::is_class_v<X>) {
        return !fast && is_record(t.kind) && t.size == sizeof(X);
    } else {
        (void)t;
        (void)p;
        (void)fast;
        return false;
    }
}

// Whether R holds every value of the C result type `t` as value::as<R>() reads it (the tag
// type V stands for ctypes::value, which holds anything; void discards the result).
template <class R, class V>
bool lane_returns(const c_type &t, const result_plan &r, bool fast) noexcept {
    if constexpr (std::is_void_v<R> || std::is_same_v<R, V>) {
        (void)t;
        (void)r;
        (void)fast;
        return true;
    } else if constexpr (std::is_enum_v<R>) {
        return lane_returns<std::underlying_type_t<R>, V>(t, r, fast);
    } else if constexpr (std::is_integral_v<R>) {
        if (r.form != arg_form::integer)
            return false;
        const param_plan c = plan_parameter(t); // the C type's range
        const long long lowest = lowest_of<R>();
        const unsigned long long most = most_of<R>();
        return c.lowest >= lowest && c.most <= most;
    } else if constexpr (std::is_same_v<R, float>) {
        return r.form == arg_form::float32;
    } else if constexpr (std::is_same_v<R, double>) {
        return r.form == arg_form::float64;
    } else if constexpr (std::is_same_v<R, long double>) {
        return !fast && t.kind == c_kind::long_double && t.size == sizeof(long double);
    } else if constexpr (std::is_pointer_v<R>) {
        return r.form == arg_form::pointer;
    } else if constexpr (std::is_trivially_copyable_v<R> && std::is_class_v<R>) {
        return !fast && is_record(t.kind) && t.size == sizeof(R);
    } else {
        (void)t;
        (void)r;
        (void)fast;
        return false;
    }
}

// The keys of one (R, X...) instantiation: addresses in a variable of its own (writable, so no
// linker folds two of them into one). Key 0 is the bare lane (the fast path, no errno capture,
// a result with no extension to make: the call and nothing else), key 2 the bare libffi lane
// (a non-variadic signature, no errno capture, an R other than ctypes::value: one ffi_call),
// key 1 the lane with the engine, the capture and the variadic shape decided per call.
template <class... T>
struct lane_tag {
    static inline char id[3] = {0, 0, 0};
};
template <std::size_t Which, class... T>
inline const void *lane_key() noexcept {
    return &lane_tag<T...>::id[Which];
}

// The instantiation key a function's calls validated last, shared by its copies' calls from
// any thread: a relaxed-enough atomic, as what it guards (the function's signature and the
// instantiation's types) never changes. Copies start with the original's key.
class lane_cache {
public:
    lane_cache() = default;
    lane_cache(const lane_cache &o) noexcept
        : key_(o.get()), rejected_(o.rejected()), variadic_(o.variadic()) {}
    lane_cache &operator=(const lane_cache &o) noexcept {
        key_.store(o.get(), std::memory_order_release);
        rejected_.store(o.rejected(), std::memory_order_release);
        variadic_.store(o.variadic(), std::memory_order_release);
        return *this;
    }
    // The key that takes the lane, and the last one found not to (so that it is not checked
    // again on every call).
    const void *get() const noexcept { return key_.load(std::memory_order_acquire); }
    const void *rejected() const noexcept { return rejected_.load(std::memory_order_acquire); }
    void set(const void *key) const noexcept { key_.store(key, std::memory_order_release); }
    void reject(const void *key) const noexcept { rejected_.store(key, std::memory_order_release); }
    // A variadic function's last lane record (ffi_types.hpp's variadic_cifs::record, owned by
    // the function's prepared signature, which copies share): the instantiation key and the
    // cif of its shape, published whole.
    const void *variadic() const noexcept { return variadic_.load(std::memory_order_acquire); }
    void set_variadic(const void *record) const noexcept {
        variadic_.store(record, std::memory_order_release);
    }

private:
    mutable std::atomic<const void *> key_{nullptr};
    mutable std::atomic<const void *> rejected_{nullptr};
    mutable std::atomic<const void *> variadic_{nullptr};
};

// The register image of a lane argument (its C++ conversion: the value is already known to fit).
template <class X>
auto lane_register(const X &x) noexcept {
    if constexpr (std::is_enum_v<X>) {
        return lane_register(static_cast<std::underlying_type_t<X>>(x));
    } else if constexpr (std::is_integral_v<X>) {
        using wide = std::conditional_t<std::is_signed_v<X>, long long, unsigned long long>;
        return static_cast<std::uint64_t>(static_cast<wide>(x));
    } else if constexpr (std::is_floating_point_v<X>) {
        return x;
    } else if constexpr (std::is_null_pointer_v<X>) {
        return std::uint64_t{0};
    } else if constexpr (std::is_same_v<X, std::string>) {
        return static_cast<std::uint64_t>(
            reinterpret_cast<std::uintptr_t>(static_cast<const void *>(x.c_str())));
    } else if constexpr (std::is_pointer_v<X> && std::is_function_v<std::remove_pointer_t<X>>) {
        return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(x));
    } else {
        return static_cast<std::uint64_t>(
            reinterpret_cast<std::uintptr_t>(static_cast<const void *>(x)));
    }
}

// How the out-of-line half of a call takes an argument of C++ type X: a scalar by value, so
// that the inline half passes it on in its register, anything else by reference.
template <class X>
using pass_t = std::conditional_t<std::is_scalar_v<X>, X, const X &>;

// Whether the fast path can load an X (the others take the lane on libffi only).
template <class X>
inline constexpr bool is_lane_register =
    std::is_integral_v<X> || std::is_enum_v<X> || std::is_same_v<X, float> ||
    std::is_same_v<X, double> || std::is_pointer_v<X> || std::is_array_v<X> ||
    std::is_null_pointer_v<X> || std::is_same_v<X, std::string>;

// Where libffi reads a lane argument: the argument itself, or `slot` holding its pointer.
template <class X>
void *lane_address(const X &x, void *&slot) noexcept {
    if constexpr (is_lane_direct<X>) {
        (void)slot;
        return const_cast<void *>(static_cast<const void *>(&x));
    } else {
        slot = reinterpret_cast<void *>(static_cast<std::uintptr_t>(lane_register(x)));
        return &slot;
    }
}

// One shared, never freed copy of each scalar type (by kind and spelling, so `size_t` stays
// `size_t`): a value of such a type refers to it by a plain pointer, with no reference count.
// nullptr for the other types (pointers, records, enums), which values keep alive themselves.
inline const c_type *interned(const c_type &t) {
    if (t.kind == c_kind::enum_type || (!is_integer(t.kind) && !is_floating(t.kind)))
        return nullptr;
    static std::mutex lock;
    static auto *table = new std::map<std::pair<c_kind, std::string>, std::unique_ptr<c_type>>;
    const std::lock_guard<std::mutex> hold(lock);
    auto &slot = (*table)[{t.kind, t.name}];
    if (!slot)
        slot = std::make_unique<c_type>(t);
    return slot.get();
}

} // namespace ctypes::detail::dynamic

#endif
