// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_C_TYPE_HPP
#define CTYPES_DETAIL_DYNAMIC_C_TYPE_HPP

// C types as run-time values, laid out by the platform's C rules: the scalars with the sizes and
// alignments this compiler gives them, and pointers, arrays, structs, unions (bit-fields and
// packing included), enums and function types built from them.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace ctypes::detail::dynamic {

enum class c_kind : unsigned char {
    void_type,
    bool_type,
    char_type,
    signed_char,
    unsigned_char,
    short_type,
    unsigned_short,
    int_type,
    unsigned_int,
    long_type,
    unsigned_long,
    long_long,
    unsigned_long_long,
    wchar_type,
    char16_type,
    char32_type,
    float_type,
    double_type,
    long_double,
    pointer,
    array,
    struct_type,
    union_type,
    enum_type,
    function
};

struct c_type;
using type_ptr = std::shared_ptr<const c_type>;

// A struct or union member. A bit-field lives in the storage unit of its declared type that
// starts at `offset`, from bit `bit_offset` (counted from the unit's least significant bit).
struct c_field {
    std::string name; // empty for an anonymous struct or union member, or an unnamed bit-field
    type_ptr type;
    std::size_t offset = 0;
    bool is_bit_field = false;
    unsigned bit_offset = 0;
    unsigned bit_width = 0;
};

struct c_type {
    c_kind kind = c_kind::void_type;
    std::size_t size = 0;
    std::size_t align = 1;
    std::string name;       // how messages spell it: "int", "struct point", "POINT", "char *"
    bool complete = true;   // false for a struct or union declared and not (yet) defined
    bool is_signed = false; // integers and enums
    type_ptr target;        // pointer: the pointee; array: the element; enum: the underlying type;
                            // function: the result
    bool const_target = false;            // pointer: the pointee is const
    std::size_t count = 0;                // array: elements (0 for `[]`)
    std::vector<c_field> fields;          // struct, union
    bool irregular = false;               // struct, union: packed or with bit-fields
    std::vector<type_ptr> params;         // function
    std::vector<std::string> param_names; // function, "" where the declaration names none
    bool variadic = false;                // function
    unsigned depth = 0; // how many types deep it is built (a scalar 0): bounds every walk
};

// Bounds on what a declaration text may build, so untrusted text costs memory and time in
// proportion to its length and every walk over a type (its destructor's included) stays shallow.
// The largest object, in bytes: a C object must have a size_t size, and a struct's layout
// counts bits in a size_t.
inline constexpr std::size_t max_object_size =
    sizeof(std::size_t) >= 8 ? std::size_t(1) << 40 : std::size_t(1) << 27;
// How deep a type may be built of pointers, arrays, functions and records.
inline constexpr unsigned max_type_depth = 200;
// How long a type's spelling may grow (beyond that it ends in "..."): only messages read it.
inline constexpr std::size_t max_name_length = 256;

inline std::string clip_name(std::string name) {
    if (name.size() > max_name_length) {
        name.resize(max_name_length - 3);
        name += "...";
    }
    return name;
}

inline bool is_integer(c_kind k) noexcept {
    return (k >= c_kind::bool_type && k <= c_kind::char32_type) || k == c_kind::enum_type;
}
inline bool is_floating(c_kind k) noexcept {
    return k == c_kind::float_type || k == c_kind::double_type || k == c_kind::long_double;
}
inline bool is_record(c_kind k) noexcept {
    return k == c_kind::struct_type || k == c_kind::union_type;
}
// Whether a pointer points to one of the char types: `char *` takes and gives strings.
inline bool is_char_pointer(const c_type &t) noexcept {
    if (t.kind != c_kind::pointer || !t.target)
        return false;
    const c_kind k = t.target->kind;
    return k == c_kind::char_type || k == c_kind::signed_char || k == c_kind::unsigned_char;
}

// The alignment a member of type T gets inside a struct, which is what C layout uses; it can be
// less than alignof(T) (double and long long on x86-32 System V: 4, not 8).
template <class T>
struct member_alignment {
    struct probe {
        char c;
        T t;
    };
    static constexpr std::size_t value = offsetof(probe, t);
};

// The C kind of a C++ scalar type, by its exact type (so `long` and `long long` stay apart).
template <class T>
constexpr c_kind kind_of() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, bool>)
        return c_kind::bool_type;
    else if constexpr (std::is_same_v<U, char>)
        return c_kind::char_type;
    else if constexpr (std::is_same_v<U, signed char>)
        return c_kind::signed_char;
    else if constexpr (std::is_same_v<U, unsigned char>)
        return c_kind::unsigned_char;
    else if constexpr (std::is_same_v<U, short>)
        return c_kind::short_type;
    else if constexpr (std::is_same_v<U, unsigned short>)
        return c_kind::unsigned_short;
    else if constexpr (std::is_same_v<U, int>)
        return c_kind::int_type;
    else if constexpr (std::is_same_v<U, unsigned>)
        return c_kind::unsigned_int;
    else if constexpr (std::is_same_v<U, long>)
        return c_kind::long_type;
    else if constexpr (std::is_same_v<U, unsigned long>)
        return c_kind::unsigned_long;
    else if constexpr (std::is_same_v<U, long long>)
        return c_kind::long_long;
    else if constexpr (std::is_same_v<U, unsigned long long>)
        return c_kind::unsigned_long_long;
    else if constexpr (std::is_same_v<U, wchar_t>)
        return c_kind::wchar_type;
    else if constexpr (std::is_same_v<U, char16_t>)
        return c_kind::char16_type;
    else if constexpr (std::is_same_v<U, char32_t>)
        return c_kind::char32_type;
    else if constexpr (std::is_same_v<U, float>)
        return c_kind::float_type;
    else if constexpr (std::is_same_v<U, double>)
        return c_kind::double_type;
    else {
        static_assert(std::is_same_v<U, long double>,
                      "ctypes: no C scalar type matches this C++ type (char8_t?): pass a "
                      "char, an integer or a floating type");
        return c_kind::long_double;
    }
}

// How C spells a scalar kind.
inline const char *kind_name(c_kind k) noexcept {
    static const char *const names[] = {"void",
                                        "_Bool",
                                        "char",
                                        "signed char",
                                        "unsigned char",
                                        "short",
                                        "unsigned short",
                                        "int",
                                        "unsigned int",
                                        "long",
                                        "unsigned long",
                                        "long long",
                                        "unsigned long long",
                                        "wchar_t",
                                        "char16_t",
                                        "char32_t",
                                        "float",
                                        "double",
                                        "long double"};
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof names / sizeof names[0] ? names[i] : "";
}

template <class T>
type_ptr scalar(c_kind kind, const char *name) {
    auto t = std::make_shared<c_type>();
    t->kind = kind;
    t->size = sizeof(T);
    t->align = member_alignment<T>::value;
    t->name = name;
    t->is_signed = static_cast<T>(-1) < static_cast<T>(0);
    return t;
}

inline type_ptr void_type() {
    auto t = std::make_shared<c_type>();
    t->kind = c_kind::void_type;
    t->name = "void";
    return t;
}

inline std::string pointer_name(const c_type &target, bool is_const) {
    std::string base = (is_const ? "const " : "") + target.name;
    if (target.kind == c_kind::function)
        return clip_name(std::move(base)); // already spelled with (*)
    return clip_name(base + (base.back() == '*' ? "*" : " *"));
}

inline type_ptr pointer_to(type_ptr target, bool const_target = false) {
    auto t = std::make_shared<c_type>();
    t->kind = c_kind::pointer;
    t->size = sizeof(void *);
    t->align = member_alignment<void *>::value;
    t->name = pointer_name(*target, const_target);
    t->depth = target->depth + 1;
    t->const_target = const_target;
    t->target = std::move(target);
    return t;
}

inline type_ptr array_of(type_ptr element, std::size_t count) {
    auto t = std::make_shared<c_type>();
    t->kind = c_kind::array;
    t->size = element->size * count; // the parser keeps it within max_object_size
    t->align = element->align;
    t->count = count;
    t->depth = element->depth + 1;
    t->name =
        clip_name(element->name + "[" + (count ? std::to_string(count) : std::string()) + "]");
    t->target = std::move(element);
    return t;
}

inline type_ptr function_of(type_ptr result, std::vector<type_ptr> params,
                            std::vector<std::string> names, bool variadic) {
    auto t = std::make_shared<c_type>();
    t->kind = c_kind::function;
    std::string text = result->name + "(*)(";
    t->depth = result->depth + 1;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (text.size() <= max_name_length)
            text += (i ? ", " : "") + params[i]->name;
        t->depth = std::max(t->depth, params[i]->depth + 1);
    }
    if (variadic)
        text += params.empty() ? "..." : ", ...";
    else if (params.empty())
        text += "void";
    t->name = clip_name(text + ")");
    t->target = std::move(result);
    t->params = std::move(params);
    t->param_names = std::move(names);
    t->variadic = variadic;
    return t;
}

inline std::size_t align_up(std::size_t n, std::size_t a) noexcept {
    return a <= 1 ? n : (n + a - 1) / a * a;
}

// Lays out a struct or union whose fields have their types (and bit widths) set; false when it
// would be larger than max_object_size (the record is then left incomplete).
// `pack` is the #pragma pack value in force (0: none); `packed` is __attribute__((packed)).
// Bit-fields follow the System V rule (a bit-field never crosses a boundary of its type's
// alignment unit unless packed; unnamed ones do not align the record) except on Windows, where
// GCC and MSVC give each run of same-sized bit-fields a unit of its own.
inline bool lay_out(c_type &record, std::size_t pack, bool packed) {
    const bool is_union = record.kind == c_kind::union_type;
    std::size_t bit = 0;   // next free bit (struct)
    std::size_t end = 0;   // bytes used (union)
    std::size_t align = 1; // the record's alignment
    record.irregular = packed || pack != 0;
#if defined(_WIN32)
    std::size_t unit_size = 0; // the open bit-field unit's type size, 0 when none is open
    std::size_t unit_start = 0, unit_used = 0;
#endif
    for (c_field &f : record.fields) {
        // Each field is at most max_object_size, so the bit counts below cannot wrap.
        if (bit / 8 > max_object_size || end > max_object_size)
            return false;
        record.depth = std::max(record.depth, f.type->depth + 1);
        std::size_t a = packed ? 1 : f.type->align;
        if (pack != 0)
            a = std::min(a, pack);
        if (is_union) {
            f.offset = 0;
            end = std::max(end, f.type->size);
            align = std::max(align, a);
            continue;
        }
        if (!f.is_bit_field) {
#if defined(_WIN32)
            if (unit_size) {
                bit = (unit_start + unit_size) * 8;
                unit_size = 0;
            }
#endif
            bit = align_up(bit, a * 8);
            f.offset = bit / 8;
            bit += f.type->size * 8;
            align = std::max(align, a);
            continue;
        }
        record.irregular = true;
        const std::size_t type_bits = f.type->size * 8;
#if defined(_WIN32)
        if (unit_size == f.type->size && f.bit_width != 0 && unit_used + f.bit_width <= type_bits) {
            f.offset = unit_start;
            f.bit_offset = static_cast<unsigned>(unit_used);
            unit_used += f.bit_width;
        } else {
            if (unit_size)
                bit = (unit_start + unit_size) * 8;
            unit_size = 0;
            bit = align_up(bit, a * 8);
            if (f.bit_width != 0) {
                unit_size = f.type->size;
                unit_start = bit / 8;
                unit_used = f.bit_width;
                f.offset = unit_start;
                f.bit_offset = 0;
            }
        }
        align = std::max(align, a);
#else
        const std::size_t unit_bits = a * 8;
        if (f.bit_width == 0) {
            bit = align_up(bit, f.type->align * 8);
            f.offset = bit / 8;
            continue;
        }
        if (!packed && (bit % unit_bits) + f.bit_width > type_bits)
            bit = align_up(bit, unit_bits);
        // The storage unit: the type-sized, unit-aligned word the field lies in (packed fields
        // may start anywhere, so their unit starts at their first byte).
        std::size_t start = packed ? bit / 8 : (bit - bit % unit_bits) / 8;
        while (!packed && (bit + f.bit_width) > start * 8 + type_bits)
            start += a; // only when the alignment is smaller than the size (packing)
        f.offset = start;
        f.bit_offset = static_cast<unsigned>(bit - start * 8);
        bit += f.bit_width;
        if (!f.name.empty())
            align = std::max(align, a);
#endif
    }
#if defined(_WIN32)
    if (unit_size)
        bit = (unit_start + unit_size) * 8;
#endif
    const std::size_t used = is_union ? end : (bit + 7) / 8;
    if (used > max_object_size)
        return false;
    record.align = align;
    record.size = align_up(used, align);
    record.complete = true;
    return true;
}

} // namespace ctypes::detail::dynamic

#endif
