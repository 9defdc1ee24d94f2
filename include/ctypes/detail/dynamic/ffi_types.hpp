// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_FFI_TYPES_HPP
#define CTYPES_DETAIL_DYNAMIC_FFI_TYPES_HPP

// The libffi description of a C type (ffi_type), and the prepared call interface (ffi_cif) of a
// function type. Records libffi cannot lay out from their members (unions, bit-fields, packing)
// are described by eightbyte: an integer or floating element per 8 bytes, the class the x86-64
// System V ABI gives them, which also has the size and alignment every other ABI needs.

#include <ffi.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "c_type.hpp"
#include "call_plan.hpp"

namespace ctypes::detail::dynamic {

// The largest record passed by value, in bytes: libffi is given one element per scalar member,
// so a larger one (cdef accepts objects up to max_object_size) would cost memory in proportion.
inline constexpr std::size_t max_record_by_value = 65536;

// Why a type cannot cross libffi; the caller names the function and the parameter.
struct unsupported_type {
    std::string text;
};

class ffi_layout {
public:
    ffi_layout() = default;
    ffi_layout(const ffi_layout &) = delete;
    ffi_layout &operator=(const ffi_layout &) = delete;

    ffi_type *of(const c_type &t) {
        switch (t.kind) {
        case c_kind::void_type:
            return &ffi_type_void;
        case c_kind::float_type:
            return &ffi_type_float;
        case c_kind::double_type:
            return &ffi_type_double;
        case c_kind::long_double:
            return &ffi_type_longdouble;
        case c_kind::pointer:
            return &ffi_type_pointer;
        case c_kind::array:
        case c_kind::function:
            throw unsupported_type{"an " +
                                   std::string(t.kind == c_kind::array ? "array" : "function") +
                                   " (" + t.name + ") is not passed by value in C"};
        case c_kind::struct_type:
        case c_kind::union_type:
            return record(t);
        default:
            return integer(t.size, t.is_signed);
        }
    }

    static ffi_type *integer(std::size_t size, bool is_signed) {
        switch (size) {
        case 1:
            return is_signed ? &ffi_type_sint8 : &ffi_type_uint8;
        case 2:
            return is_signed ? &ffi_type_sint16 : &ffi_type_uint16;
        case 4:
            return is_signed ? &ffi_type_sint32 : &ffi_type_uint32;
        default:
            return is_signed ? &ffi_type_sint64 : &ffi_type_uint64;
        }
    }

    struct leaf {
        std::size_t offset, size;
        enum { integer_class, sse_class, x87_class } cls;
    };

    // The scalar pieces of a type, with their offsets and System V classes.
    static void leaves(const c_type &t, std::size_t base, std::vector<leaf> &out) {
        if (is_record(t.kind)) {
            for (const c_field &f : t.fields) {
                if (f.is_bit_field) {
                    if (f.bit_width != 0)
                        out.push_back({base + f.offset + f.bit_offset / 8,
                                       (f.bit_offset % 8 + f.bit_width + 7) / 8,
                                       leaf::integer_class});
                } else {
                    leaves(*f.type, base + f.offset, out);
                }
            }
        } else if (t.kind == c_kind::array) {
            for (std::size_t i = 0; i < t.count; ++i)
                leaves(*t.target, base + i * t.target->size, out);
        } else if (is_floating(t.kind)) {
            out.push_back(
                {base, t.size, t.kind == c_kind::long_double ? leaf::x87_class : leaf::sse_class});
        } else {
            out.push_back({base, t.size, leaf::integer_class});
        }
    }

private:
    ffi_type *record(const c_type &t) {
        auto cached = cache_.find(&t);
        if (cached != cache_.end())
            return cached->second;
        if (!t.complete)
            throw unsupported_type{t.name + " is incomplete: only a pointer to it can be passed"};
        if (t.size == 0)
            throw unsupported_type{t.name + " has no members: libffi passes no empty records"};
        if (t.size > max_record_by_value)
            throw unsupported_type{t.name + " is " + std::to_string(t.size) +
                                   " bytes: records of more than " +
                                   std::to_string(max_record_by_value) +
                                   " bytes are not passed by value; pass a pointer"};
        std::vector<ffi_type *> elements;
        if (t.kind == c_kind::struct_type && !t.irregular) {
            for (const c_field &f : t.fields) {
                if (f.type->kind == c_kind::array) {
                    const c_type *e = f.type.get();
                    std::size_t n = 1;
                    while (e->kind == c_kind::array) {
                        n *= e->count;
                        e = e->target.get();
                    }
                    ffi_type *et = of(*e);
                    elements.insert(elements.end(), n, et);
                } else {
                    elements.push_back(of(*f.type));
                }
            }
        } else {
            by_eightbyte(t, elements);
        }
        ffi_type *out = make(elements);
        cache_[&t] = out;
        return out;
    }

    ffi_type *make(const std::vector<ffi_type *> &elements) {
        auto list = std::make_unique<ffi_type *[]>(elements.size() + 1);
        for (std::size_t i = 0; i < elements.size(); ++i)
            list[i] = elements[i];
        list[elements.size()] = nullptr;
        auto type = std::make_unique<ffi_type>();
        type->size = 0;
        type->alignment = 0;
        type->type = FFI_TYPE_STRUCT;
        type->elements = list.get();
        ffi_type *out = type.get();
        lists_.push_back(std::move(list));
        types_.push_back(std::move(type));
        return out;
    }

    void by_eightbyte(const c_type &t, std::vector<ffi_type *> &elements) {
        std::vector<leaf> all;
        leaves(t, 0, all);
        for (const leaf &l : all) {
            if (l.cls == leaf::x87_class)
                throw unsupported_type{t.name + " mixes long double with other members in a way "
                                                "libffi cannot describe"};
            if (l.cls == leaf::sse_class && l.offset % l.size != 0)
                throw unsupported_type{t.name + " has a misaligned floating member (packed): "
                                                "libffi cannot pass it"};
        }
        const std::size_t a = t.align < 8 ? t.align : 8;
        for (std::size_t chunk = 0; chunk < t.size; chunk += 8) {
            const std::size_t len = t.size - chunk < 8 ? t.size - chunk : 8;
            bool has_int = false, has_sse = false;
            for (const leaf &l : all) {
                if (l.offset < chunk + len && l.offset + l.size > chunk)
                    (l.cls == leaf::integer_class ? has_int : has_sse) = true;
            }
            if (has_sse && !has_int && a >= 4) {
                if (len == 8 && a == 8)
                    elements.push_back(&ffi_type_double);
                else
                    elements.insert(elements.end(), len / 4, &ffi_type_float);
            } else {
                elements.insert(elements.end(), len / a, integer(a, false));
            }
        }
    }

    std::map<const c_type *, ffi_type *> cache_;
    std::vector<std::unique_ptr<ffi_type>> types_;
    std::vector<std::unique_ptr<ffi_type *[]>> lists_;
};

// A function type prepared for ffi_call: its cif and the ffi_types it refers to.
// The cifs of a variadic function's calls, one per shape of its arguments (the ffi_types of
// the declared ones and of the promoted extra ones), prepared on the first call of that shape
// and kept: a small fixed table, filled under a lock and read without one (an entry is complete
// before `used_` counts it, stored with release and loaded with acquire).
class variadic_cifs {
public:
    static constexpr std::size_t capacity = 8;       // shapes kept per function
    static constexpr std::size_t max_arguments = 16; // longer calls prepare their own cif

    // The cif for a call of these `n` argument types (`fixed` of them declared), or nullptr
    // when the table is full, the call longer than max_arguments, or libffi refuses (the caller
    // then prepares its own, which reports the error).
    ffi_cif *find(unsigned fixed, unsigned n, ffi_type *result, ffi_type *const *types) {
        std::size_t used = used_.load(std::memory_order_acquire);
        if (ffi_cif *c = scan(used, n, types))
            return c;
        if (n > max_arguments)
            return nullptr;
        const std::lock_guard<std::mutex> hold(lock_);
        const std::size_t now = used_.load(std::memory_order_relaxed);
        if (ffi_cif *c = now == used ? nullptr : scan(now, n, types))
            return c;
        if (now == capacity)
            return nullptr;
        entry &e = entries_[now];
        e.n = n;
        std::copy(types, types + n, e.types);
        if (ffi_prep_cif_var(&e.cif, FFI_DEFAULT_ABI, fixed, n, result, e.types) != FFI_OK)
            return nullptr;
        used_.store(now + 1, std::memory_order_release);
        return &e.cif;
    }

    // The cif that one lane instantiation (call_plan.hpp's lane_key) found by find(): its shape
    // follows from the instantiation's C++ types alone, so a call of it can skip find(). Made
    // once under the lock and never changed; nullptr when all `capacity` records are used.
    struct lane_record {
        const void *key = nullptr;
        ffi_cif *cif = nullptr;
    };
    const lane_record *record(const void *key, ffi_cif *cif) {
        const std::size_t used = records_used_.load(std::memory_order_acquire);
        for (std::size_t i = 0; i < used; ++i)
            if (records_[i].key == key)
                return &records_[i];
        const std::lock_guard<std::mutex> hold(lock_);
        const std::size_t now = records_used_.load(std::memory_order_relaxed);
        for (std::size_t i = used; i < now; ++i)
            if (records_[i].key == key)
                return &records_[i];
        if (now == capacity)
            return nullptr;
        lane_record &r = records_[now];
        r.key = key;
        r.cif = cif;
        records_used_.store(now + 1, std::memory_order_release);
        return &r;
    }

private:
    struct entry {
        unsigned n = 0;
        ffi_type *types[max_arguments] = {};
        ffi_cif cif{};
    };
    ffi_cif *scan(std::size_t used, unsigned n, ffi_type *const *types) noexcept {
        for (std::size_t i = 0; i < used; ++i)
            if (entries_[i].n == n && std::equal(types, types + n, entries_[i].types))
                return &entries_[i].cif;
        return nullptr;
    }

    std::mutex lock_;
    std::atomic<std::size_t> used_{0};
    entry entries_[capacity];
    std::atomic<std::size_t> records_used_{0}; // written under lock_
    lane_record records_[capacity];
};

struct prepared_signature {
    type_ptr type; // the function type
    ffi_layout layout;
    std::vector<ffi_type *> params;
    ffi_type *result = nullptr;
    ffi_abi abi = FFI_DEFAULT_ABI;
    ffi_cif cif{};
    bool fast = false; // calls take the register-only fast path (fast_call.hpp)
    // Declared parameters passed to libffi as two scalars (see split_for_libffi); the cif's
    // arguments are then `expanded`, not `params`.
    std::vector<unsigned char> split;
    std::vector<ffi_type *> expanded;
    // The call plan (call_plan.hpp). `plain`: not variadic, nothing split, every parameter a
    // planned scalar, so calls of plain C++ arguments take the planned conversion.
    std::vector<param_plan> plan;
    result_plan result_form;
    const c_type *result_interned = nullptr; // the result type's shared copy, if a scalar
    bool result_in_register = false;         // a result_interned scalar of at most 8 bytes
    unsigned char fast_vectors = 0;          // fast path: fast_vectors_of(type)
    bool plain = false;
    // A variadic function's cifs, per shape of the call's arguments.
    std::unique_ptr<variadic_cifs> variadic;
};

// libffi up to 3.4.6 (fixed by its pull request 848) corrupts the first SSE argument register on
// x86-64 System V when a 9-16 byte record whose first eightbyte is INTEGER class lands in the
// sixth integer register: it copies the whole record into that register's 8-byte slot. Such a
// record (its second eightbyte then SSE class, as both must be in registers) is passed exactly
// like a uint64_t followed by a double, so it is described to libffi as those two. Returns, per
// parameter, whether to split it.
inline std::vector<unsigned char> split_for_libffi(const c_type &fn) {
    std::vector<unsigned char> split(fn.params.size(), 0);
#if defined(__x86_64__) && !defined(_WIN32) && !defined(__CYGWIN__)
    std::size_t gpr = 0, sse = 0;
    for (std::size_t i = 0; i < fn.params.size(); ++i) {
        const c_type &t = *fn.params[i];
        if (is_floating(t.kind)) {
            if (t.kind != c_kind::long_double && sse < 8)
                ++sse;
        } else if (!is_record(t.kind)) {
            if (gpr < 6)
                ++gpr;
        } else if (t.size <= 16 && t.size > 0) {
            std::vector<ffi_layout::leaf> all;
            ffi_layout::leaves(t, 0, all);
            bool memory = false, integer[2] = {false, false}, any[2] = {false, false};
            for (const auto &l : all) {
                if (l.cls == ffi_layout::leaf::x87_class || l.offset % (l.size ? l.size : 1) != 0)
                    memory = true;
                for (std::size_t e = 0; e < 2; ++e)
                    if (l.offset < 8 * e + 8 && l.offset + l.size > 8 * e) {
                        any[e] = true;
                        integer[e] = integer[e] || l.cls == ffi_layout::leaf::integer_class;
                    }
            }
            const std::size_t words = t.size > 8 ? 2 : 1;
            std::size_t ints = 0, vectors = 0;
            for (std::size_t e = 0; e < words; ++e)
                (integer[e] || !any[e] ? ints : vectors) += 1;
            if (memory || gpr + ints > 6 || sse + vectors > 8)
                continue;
            if (words == 2 && integer[0] && !integer[1] && any[1] && gpr == 5)
                split[i] = 1;
            gpr += ints;
            sse += vectors;
        }
    }
#else
    (void)fn;
#endif
    return split;
}

// A lane argument after `...` (call_plan.hpp's lane), promoted as C's default promotions do
// from its C++ type: its ffi_type, and where libffi reads it (the argument itself, or `s`).
template <class X>
ffi_type *lane_promote(const X &x, arg_slot &s, void *&where) noexcept {
    where = &s;
    if constexpr (std::is_enum_v<X>) {
        return lane_promote(static_cast<std::underlying_type_t<X>>(x), s, where);
    } else if constexpr (std::is_integral_v<X> &&
                         (sizeof(X) < sizeof(int) || std::is_same_v<X, bool>)) {
        const int v = static_cast<int>(x); // NOLINT: C's promotion keeps the sign
        std::memcpy(s.bytes, &v, sizeof v);
        return &ffi_type_sint;
    } else if constexpr (std::is_integral_v<X>) {
        where = const_cast<void *>(static_cast<const void *>(&x));
        return ffi_layout::integer(sizeof(X), std::is_signed_v<X>);
    } else if constexpr (std::is_same_v<X, float>) {
        const double v = x;
        std::memcpy(s.bytes, &v, sizeof v);
        return &ffi_type_double;
    } else if constexpr (std::is_same_v<X, double>) {
        where = const_cast<void *>(static_cast<const void *>(&x));
        return &ffi_type_double;
    } else {
        void *p = nullptr;
        where = lane_address(x, p);
        if (where == &p) { // not the argument itself: a pointer computed from it
            s.p = p;
            where = &s;
        }
        return &ffi_type_pointer;
    }
}

inline const char *ffi_status_name(ffi_status s) noexcept {
    switch (s) {
    case FFI_OK:
        return "FFI_OK";
    case FFI_BAD_TYPEDEF:
        return "FFI_BAD_TYPEDEF";
    case FFI_BAD_ABI:
        return "FFI_BAD_ABI";
    default:
        return "an error";
    }
}

} // namespace ctypes::detail::dynamic

#endif
