// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DYNAMIC_HPP
#define CTYPES_DYNAMIC_HPP

/// \file
/// Runtime-typed calls (ctypes `argtypes`/`restype`, cffi `cdef`): C declarations read at run
/// time (ctypes::cdef), functions called through them (ctypes::dynamic_function, made by
/// basic_library::get_dynamic()), and their results (ctypes::value). Calls go through libffi:
/// include this header only where it is wanted (it is not in <ctypes/ctypes.hpp>) and link the
/// CMake target `ctypes::dynamic` (or `-lffi`).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/dynamic/c_type.hpp"
#include "detail/dynamic/call_plan.hpp"
#include "detail/dynamic/fast_call.hpp"
#include "detail/dynamic/ffi_types.hpp"
#include "detail/dynamic/lexer.hpp"
#include "detail/dynamic/parser.hpp"
#include "detail/suggest.hpp"
#include "error.hpp"
#include "flags.hpp"
#include "function.hpp"
#include "library.hpp"
#include "policy.hpp"
#include "result_check.hpp"

namespace ctypes {

/// A C declaration that cannot be read: what() names the declaration text (or "the
/// declarations"), the line and column, what was found and what was expected, as in
/// \code
/// ctypes: cannot parse the declarations: line 2, column 9: found 'x', expected ';'
/// \endcode
/// code() is `std::errc::invalid_argument`.
class declaration_error : public error {
public:
    /// \param line, column 1-based position of the offending token. \param message what().
    declaration_error(std::size_t line, std::size_t column, const std::string &message)
        : error(std::make_error_code(std::errc::invalid_argument), message), line_(line),
          column_(column) {}
    /// The 1-based line of the offending token. Throws nothing.
    std::size_t line() const noexcept { return line_; }
    /// The 1-based column of the offending token. Throws nothing.
    std::size_t column() const noexcept { return column_; }

private:
    std::size_t line_, column_;
};

namespace detail::dynamic {

inline std::error_code invalid() {
    return std::make_error_code(std::errc::invalid_argument);
}

[[noreturn]] inline void throw_invalid(const std::string &message) {
    throw error(invalid(), message);
}

template <class F>
auto parsing(const std::string &what, F &&f) -> decltype(f()) {
    try {
        return f();
    } catch (const syntax_error &e) {
        throw declaration_error(e.line, e.column,
                                "ctypes: cannot parse " + what + ": line " +
                                    std::to_string(e.line) + ", column " +
                                    std::to_string(e.column) + ": " + e.text);
    }
}

inline std::string quote_text(std::string_view text) {
    constexpr std::size_t limit = 60;
    std::string s(text.substr(0, limit));
    for (char &c : s)
        if (c == '\n' || c == '\t')
            c = ' ';
    return "'" + s + (text.size() > limit ? "...'" : "'");
}

// The C type of a C++ scalar, for values made from C++ (value::of).
template <class T>
type_ptr type_of() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_arithmetic_v<U>)
        return scalar<U>(kind_of<U>(), kind_name(kind_of<U>()));
    else if constexpr (std::is_same_v<U, const char *> || std::is_same_v<U, char *>)
        return pointer_to(scalar<char>(c_kind::char_type, "char"), std::is_same_v<U, const char *>);
    else
        return pointer_to(builtin_void());
}

} // namespace detail::dynamic

/// C declarations read at run time, like cffi's `ffi.cdef()`: function prototypes (variadic
/// too), typedefs, struct, union and enum definitions, `#define NAME integer` constants, an empty
/// `#define NAME` (the name is then ignored wherever it appears, for `ZEXTERN`-style macros) and
/// `#pragma pack`. Qualifiers, `extern`, GCC `__attribute__`s and `extern "C" {` are accepted;
/// `__attribute__((packed))` packs. Layouts (sizes, alignments, offsets, bit-fields) are the
/// platform C compiler's. The standard typedefs (`int8_t` ... `uint64_t`, `size_t`, `ssize_t`,
/// `ptrdiff_t`, `intptr_t`, `uintptr_t`, `intmax_t`, `wchar_t`, `char16_t`, `char32_t`, `bool`,
/// `FILE`) are always known.
///
/// Not read: other preprocessor directives, function bodies, initializers, `_Complex`,
/// `__int128`, `va_list`.
///
/// Copies share the declarations (cheap); add() changes every copy. Reading (size_of, ...) is
/// safe from many threads at once; add() is not.
/// \see https://cffi.readthedocs.io/en/latest/ref.html#ffi-cdef-declaring-types-and-functions
/// \code
/// ctypes::cdef decls{"typedef struct { long x, y; } POINT; int f(POINT *, ...);"};
/// std::size_t bytes = decls.size_of("POINT"); // 16 on LP64
/// \endcode
class cdef {
public:
    /// Reads `text`. \throws declaration_error (line, column, found, expected) when it does not
    /// parse; nothing is kept then.
    explicit cdef(std::string_view text = {}) : d_(detail::dynamic::make_declarations()) {
        add(text);
    }

    /// Reads more declarations, which may use the earlier ones. \throws declaration_error as
    /// the constructor; the declarations read before the error stay.
    void add(std::string_view text) {
        detail::dynamic::parsing("the declarations", [&] {
            detail::dynamic::parser p(*d_, detail::dynamic::lexer(text).run());
            p.translation_unit();
        });
    }

    /// Whether a function of that name is declared. Throws nothing but std::bad_alloc.
    bool has_function(std::string_view name) const {
        return d_->functions.count(std::string(name)) != 0;
    }
    /// The names of the declared functions, sorted.
    std::vector<std::string> functions() const {
        std::vector<std::string> out;
        for (const auto &f : d_->functions)
            out.push_back(f.first);
        return out;
    }

    /// The size in bytes of a type named as in C (`"struct point"`, `"POINT[3]"`, `"char *"`),
    /// like cffi's `ffi.sizeof`. \throws declaration_error when the name does not parse;
    /// error (std::errc::invalid_argument) when the type is incomplete, void or a function.
    std::size_t size_of(std::string_view type) const { return complete(type)->size; }
    /// The alignment in bytes the type has as a struct member (C11 `_Alignof`), like cffi's
    /// `ffi.alignof`. \throws as size_of().
    std::size_t align_of(std::string_view type) const { return complete(type)->align; }
    /// The offset in bytes of `member` (a name, or `a.b` through nested members) in a struct or
    /// union type, like `offsetof`. Members of anonymous structs and unions are found by their
    /// own names. \throws as size_of(), and error when there is no such member or it is a
    /// bit-field.
    std::size_t offset_of(std::string_view type, std::string_view member) const {
        detail::dynamic::type_ptr t = complete(type);
        std::size_t offset = 0;
        std::string_view rest = member;
        while (!rest.empty()) {
            const std::size_t dot = rest.find('.');
            const std::string_view part = rest.substr(0, dot);
            const detail::dynamic::c_field *f = find_member(*t, part, offset);
            if (!f)
                detail::dynamic::throw_invalid("ctypes: " + t->name + " has no member '" +
                                               std::string(part) + "'");
            if (f->is_bit_field)
                detail::dynamic::throw_invalid("ctypes: cannot take the offset of the bit-field '" +
                                               std::string(part) + "' of " + t->name);
            offset += f->offset;
            t = f->type;
            rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
        }
        return offset;
    }

    /// The value of an enumerator or a `#define NAME integer`. \throws error
    /// (std::errc::invalid_argument) when there is none by that name.
    std::int64_t constant(std::string_view name) const {
        auto it = d_->constants.find(std::string(name));
        if (it == d_->constants.end()) {
            std::vector<std::string_view> names;
            for (const auto &c : d_->constants)
                names.emplace_back(c.first);
            detail::dynamic::throw_invalid("ctypes: no constant '" + std::string(name) +
                                           "' is declared" + detail::did_you_mean(names, name));
        }
        return it->second;
    }

    /// \cond internal
    detail::dynamic::type_ptr function_type(std::string_view name) const {
        auto it = d_->functions.find(std::string(name));
        if (it == d_->functions.end()) {
            std::vector<std::string_view> names;
            for (const auto &f : d_->functions)
                names.emplace_back(f.first);
            detail::dynamic::throw_invalid("ctypes: no function '" + std::string(name) +
                                           "' is declared in the cdef declarations" +
                                           detail::did_you_mean(names, name));
        }
        return detail::dynamic::keeping(d_, it->second);
    }
    detail::dynamic::type_ptr type(std::string_view name) const {
        return detail::dynamic::parsing("the type name " + detail::dynamic::quote_text(name), [&] {
            detail::dynamic::parser p(*d_, detail::dynamic::lexer(name).run());
            return detail::dynamic::keeping(d_, p.type_name_only());
        });
    }
    /// \endcond

private:
    detail::dynamic::type_ptr complete(std::string_view name) const {
        detail::dynamic::type_ptr t = type(name);
        if (!t->complete || t->kind == detail::dynamic::c_kind::void_type ||
            t->kind == detail::dynamic::c_kind::function)
            detail::dynamic::throw_invalid("ctypes: " + t->name +
                                           " has no size: it is incomplete, void or a function");
        return t;
    }

    static const detail::dynamic::c_field *find_member(const detail::dynamic::c_type &t,
                                                       std::string_view name, std::size_t &offset) {
        if (!detail::dynamic::is_record(t.kind))
            return nullptr;
        for (const detail::dynamic::c_field &f : t.fields) {
            if (f.name == name)
                return &f;
            if (f.name.empty() && detail::dynamic::is_record(f.type->kind)) {
                std::size_t inner = 0;
                if (const auto *g = find_member(*f.type, name, inner)) {
                    offset += f.offset + inner;
                    return g;
                }
            }
        }
        return nullptr;
    }

    detail::dynamic::declarations_ptr d_;
};

/// The result of a dynamic_function call: a C value of the function's result type, read with
/// as<T>().
///
/// Owns its bytes (a struct result is copied in); copyable. A pointer result points wherever
/// the C function said: the value does not own what it points to.
///
/// Storage: the bytes are kept inline, in a 32-byte buffer inside the object (every scalar,
/// `long double` and records of up to 32 bytes: no allocation), and on the heap only for a
/// larger record (its size rounded up to 16 bytes, as libffi writes whole registers). Making
/// a value of a scalar result allocates nothing at all.
class value {
public:
    /// A `void` value. Throws nothing.
    value() = default;
    /// Copies the bytes (and shares the C type). 	hrows std::bad_alloc for a record of more
    /// than 32 bytes.
    value(const value &o) : type_(o.type_), keep_(o.keep_) {
        if (o.heap_) {
            heap_.reset(new unsigned char[heap_size()]);
            std::memcpy(heap_.get(), o.heap_.get(), size());
        } else {
            std::memcpy(inline_, o.inline_, sizeof inline_);
        }
    }
    /// Moves the bytes; the moved-from value is void. Throws nothing.
    value(value &&o) noexcept
        : type_(o.type_), keep_(std::move(o.keep_)), heap_(std::move(o.heap_)) {
        if (!heap_) // the whole buffer: a fixed size is two moves, not a call of memcpy
            std::memcpy(inline_, o.inline_, sizeof inline_);
        o.type_ = nullptr;
    }
    /// \copydoc value(const value &)
    value &operator=(const value &o) {
        if (this != &o)
            *this = value(o);
        return *this;
    }
    /// \copydoc value(value &&)
    value &operator=(value &&o) noexcept {
        if (this != &o) {
            type_ = o.type_;
            keep_ = std::move(o.keep_);
            heap_ = std::move(o.heap_);
            if (!heap_)
                std::memcpy(inline_, o.inline_, sizeof inline_);
            o.type_ = nullptr;
        }
        return *this;
    }
    ~value() = default;

    /// The value as T.
    /// \tparam T an arithmetic type (bool and the character types included) or an enum, for
    /// integer and floating results (an integer result is read into a floating T; a floating
    /// result into an integer T is an error); a pointer type (object or function) for pointer
    /// results; `std::string` for a `char *` result (the characters up to the NUL); or a
    /// trivially copyable type of exactly the size of a struct or union result.
    /// \throws error (std::errc::invalid_argument) when T does not fit the C type: another
    /// kind, a size that differs, an integer out of T's range, a NULL `char *` as std::string, or
    /// a void result.
    template <class T>
    T as() const {
        using detail::dynamic::c_kind;
        if constexpr (std::is_same_v<T, std::string>) {
            if (!type_ || !detail::dynamic::is_char_pointer(*type_))
                mismatch("std::string (it takes a char * result)");
            const char *p = as<const char *>();
            if (!p)
                detail::dynamic::throw_invalid("ctypes: the result is a NULL " + type_->name +
                                               ", not a string");
            return std::string(p);
        } else if constexpr (std::is_enum_v<T>) {
            return static_cast<T>(as<std::underlying_type_t<T>>());
        } else if constexpr (std::is_integral_v<T>) {
            if (!type_ || !detail::dynamic::is_integer(type_->kind))
                mismatch("an integer type");
            if (type_->is_signed) {
                const long long v = signed_integer();
                if constexpr (std::is_same_v<T, bool>) {
                    if (v != 0 && v != 1)
                        out_of_range(std::to_string(v), "bool");
                } else if (!fits<T>(v)) {
                    out_of_range(std::to_string(v), "the requested type");
                }
                return static_cast<T>(v);
            }
            const unsigned long long v = unsigned_integer();
            if (v > static_cast<unsigned long long>(std::numeric_limits<T>::max()))
                out_of_range(std::to_string(v), "the requested type");
            return static_cast<T>(v);
        } else if constexpr (std::is_floating_point_v<T>) {
            if (!type_ || (!detail::dynamic::is_integer(type_->kind) &&
                           !detail::dynamic::is_floating(type_->kind)))
                mismatch("a floating type");
            if (detail::dynamic::is_integer(type_->kind))
                return type_->is_signed ? static_cast<T>(signed_integer())
                                        : static_cast<T>(unsigned_integer());
            switch (type_->kind) {
            case c_kind::float_type:
                return static_cast<T>(read<float>());
            case c_kind::double_type:
                return static_cast<T>(read<double>());
            default:
                return static_cast<T>(read<long double>());
            }
        } else if constexpr (std::is_pointer_v<T>) {
            if (!type_ || type_->kind != c_kind::pointer)
                mismatch("a pointer type");
            void *p = read<void *>();
            if constexpr (std::is_function_v<std::remove_pointer_t<T>>)
                return reinterpret_cast<T>(p);
            else
                return static_cast<T>(p);
        } else {
            static_assert(std::is_trivially_copyable_v<T>,
                          "ctypes: value::as<T>() needs a number, a pointer, std::string or a "
                          "trivially copyable type of the struct's size");
            if (!type_ || !detail::dynamic::is_record(type_->kind))
                mismatch("a struct or union");
            if (sizeof(T) != type_->size)
                detail::dynamic::throw_invalid(
                    "ctypes: the result is " + type_->name + " of " + std::to_string(type_->size) +
                    " bytes, but as<T>() asks for " + std::to_string(sizeof(T)) + " (sizeof(T))");
            T out;
            std::memcpy(static_cast<void *>(&out), data(), sizeof(T));
            return out;
        }
    }

    /// A value of the C type matching T, for dynamic_function::call() and for arguments after
    /// `...`: an arithmetic type gives its C type (`int`, `unsigned long`, `double`, ...), a
    /// `const char *` / `char *` a string pointer, any other object pointer or `nullptr` a
    /// `void *`. \throws std::bad_alloc only.
    /// \code
    /// std::vector<ctypes::value> args{ctypes::value::of(0.5)};
    /// double c = cos.call(args).as<double>();
    /// \endcode
    template <class T>
    static value of(T x) {
        static_assert(std::is_arithmetic_v<T> || std::is_pointer_v<T> || std::is_null_pointer_v<T>,
                      "ctypes: value::of(x) takes a number or a pointer");
        value v(
            detail::dynamic::type_of<std::conditional_t<std::is_null_pointer_v<T>, void *, T>>());
        if constexpr (std::is_pointer_v<T> && std::is_function_v<std::remove_pointer_t<T>>) {
            void *p = reinterpret_cast<void *>(x);
            std::memcpy(v.raw(), &p, sizeof p);
        } else if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>) {
            const void *p = x;
            std::memcpy(v.raw(), &p, sizeof p);
        } else {
            std::memcpy(v.raw(), &x, sizeof x);
        }
        return v;
    }

    /// True for the result of a `void` function. Throws nothing.
    bool is_void() const noexcept {
        return !type_ || type_->kind == detail::dynamic::c_kind::void_type;
    }
    /// True for the integer types, bool, the character types and enums. Throws nothing.
    bool is_integer() const noexcept { return type_ && detail::dynamic::is_integer(type_->kind); }
    /// True for a signed integer type. Throws nothing.
    bool is_signed() const noexcept { return is_integer() && type_->is_signed; }
    /// True for float, double and long double. Throws nothing.
    bool is_floating() const noexcept { return type_ && detail::dynamic::is_floating(type_->kind); }
    /// True for pointers. Throws nothing.
    bool is_pointer() const noexcept {
        return type_ && type_->kind == detail::dynamic::c_kind::pointer;
    }
    /// True for `char *`, `signed char *`, `unsigned char *` (const or not). Throws nothing.
    bool is_string() const noexcept { return type_ && detail::dynamic::is_char_pointer(*type_); }
    /// True for structs and unions. Throws nothing.
    bool is_record() const noexcept { return type_ && detail::dynamic::is_record(type_->kind); }
    /// The C type as C spells it (`"unsigned long"`, `"const char *"`, `"struct point"`).
    std::string type_name() const { return type_ ? type_->name : "void"; }
    /// The value's bytes, size() of them, in the C type's representation; valid while the value
    /// lives. Throws nothing.
    const void *data() const noexcept {
        return heap_ ? static_cast<const void *>(heap_.get()) : inline_;
    }
    /// sizeof the C type; 0 for void. Throws nothing.
    std::size_t size() const noexcept { return type_ ? type_->size : 0; }

    /// \cond internal
    explicit value(detail::dynamic::type_ptr type) { set_type(std::move(type)); }
    // A scalar of a shared type (detail::dynamic::interned), which lives until exit.
    explicit value(const detail::dynamic::c_type *interned) noexcept : type_(interned) {}
    // Makes a void value one of `type`, its bytes not yet written. Throws std::bad_alloc.
    void set_type(detail::dynamic::type_ptr type) {
        type_ = type.get();
        keep_ = std::move(type);
        // libffi writes whole registers: at least an ffi_arg, records rounded up to 16 bytes.
        if (heap_size() > sizeof inline_)
            heap_.reset(new unsigned char[heap_size()]);
    }
    // Makes a void value a scalar of a shared type, its bytes not yet written.
    void set_type(const detail::dynamic::c_type *interned) noexcept { type_ = interned; }
    // Makes a void value a scalar of a shared type from its register image: the whole register
    // into the inline buffer, of which the low size() bytes are read (little-endian only).
    void set_register(const detail::dynamic::c_type *interned, std::uint64_t bits) noexcept {
        type_ = interned;
        std::memcpy(inline_, &bits, sizeof bits);
    }
    void *raw() noexcept { return heap_ ? static_cast<void *>(heap_.get()) : inline_; }
    /// The bytes a value can hold inline, without allocating.
    static constexpr std::size_t inline_capacity = 32;
    const detail::dynamic::c_type *c_type() const noexcept { return type_; }
    // A small integer result arrives widened to an ffi_arg; keep it in its own width.
    void narrow() noexcept {
        using namespace detail::dynamic;
        if (!is_integer() || type_->size >= sizeof(ffi_arg))
            return;
        ffi_arg wide;
        std::memcpy(&wide, raw(), sizeof wide);
        unsigned char bytes[sizeof(ffi_arg)];
        switch (type_->size) {
        case 1: {
            const auto v = static_cast<std::uint8_t>(wide);
            std::memcpy(bytes, &v, 1);
            break;
        }
        case 2: {
            const auto v = static_cast<std::uint16_t>(wide);
            std::memcpy(bytes, &v, 2);
            break;
        }
        default: {
            const auto v = static_cast<std::uint32_t>(wide);
            std::memcpy(bytes, &v, 4);
            break;
        }
        }
        std::memcpy(raw(), bytes, type_->size);
    }
    long long signed_integer() const noexcept {
        switch (type_->size) {
        case 1:
            return read<std::int8_t>();
        case 2:
            return read<std::int16_t>();
        case 4:
            return read<std::int32_t>();
        default:
            return read<std::int64_t>();
        }
    }
    unsigned long long unsigned_integer() const noexcept {
        switch (type_->size) {
        case 1:
            return read<std::uint8_t>();
        case 2:
            return read<std::uint16_t>();
        case 4:
            return read<std::uint32_t>();
        default:
            return read<std::uint64_t>();
        }
    }
    /// \endcond

private:
    template <class T>
    T read() const noexcept {
        T v;
        std::memcpy(&v, data(), sizeof v);
        return v;
    }
    template <class T>
    static bool fits(long long v) noexcept {
        if constexpr (std::is_signed_v<T>)
            return v >= static_cast<long long>(std::numeric_limits<T>::min()) &&
                   v <= static_cast<long long>(std::numeric_limits<T>::max());
        else
            return v >= 0 && static_cast<unsigned long long>(v) <= std::numeric_limits<T>::max();
    }
    [[noreturn]] void mismatch(const char *wanted) const {
        detail::dynamic::throw_invalid("ctypes: the result is " + type_name() +
                                       ", which as<T>() cannot read as " + wanted);
    }
    [[noreturn]] void out_of_range(const std::string &v, const char *wanted) const {
        detail::dynamic::throw_invalid("ctypes: the result " + v + " (" + type_name() +
                                       ") does not fit " + wanted);
    }

    // libffi writes whole registers: at least an ffi_arg, records rounded up to 16 bytes.
    std::size_t heap_size() const noexcept { return detail::dynamic::align_up(size(), 16); }

    const detail::dynamic::c_type *type_ = nullptr;
    detail::dynamic::type_ptr keep_; // owns type_ unless it is a shared scalar type
    alignas(16) unsigned char inline_[inline_capacity]; // written before it is read: not zeroed
    std::unique_ptr<unsigned char[]> heap_;             // records of more than inline_capacity
};

namespace detail::dynamic {

template <class X>
inline constexpr bool is_string_arg =
    std::is_same_v<X, std::string> || std::is_same_v<X, const char *> ||
    std::is_same_v<X, char *> ||
    (std::is_array_v<X> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<X>>, char>);

template <class X>
inline constexpr bool is_dynamic_arg =
    std::is_arithmetic_v<X> || std::is_enum_v<X> || std::is_pointer_v<X> ||
    std::is_null_pointer_v<X> || std::is_array_v<X> || std::is_same_v<X, std::string> ||
    std::is_same_v<X, value> || std::is_trivially_copyable_v<X>;

// Where a conversion happens, for its messages: a call's argument i, or (i == result_index) what
// a dynamic_callback returns.
inline constexpr std::size_t result_index = static_cast<std::size_t>(-1);

struct call_site {
    const c_type &function;
    const std::string &name;
    const char *doing = "cannot call";

    std::string parameter(std::size_t i) const {
        if (i == result_index)
            return "the result (" + function.target->name + ")";
        std::string s = "argument " + std::to_string(i + 1);
        if (i < function.params.size()) {
            if (i < function.param_names.size() && !function.param_names[i].empty())
                s += " ('" + function.param_names[i] + "', " + function.params[i]->name + ")";
            else
                s += " (" + function.params[i]->name + ")";
        } else {
            s += " (after ...)";
        }
        return s;
    }
    [[noreturn]] void fail(std::size_t i, const std::string &text) const {
        throw_invalid(std::string("ctypes: ") + doing + " '" + name + "': " + parameter(i) + " " +
                      text);
    }
};

template <class I>
void store_integer(const c_type &p, I x, arg_slot &s, const call_site &at, std::size_t i) {
    const bool neg = std::is_signed_v<I> && x < 0;
    using wide = std::conditional_t<std::is_signed_v<I>, long long, unsigned long long>;
    const auto u =
        static_cast<unsigned long long>(static_cast<wide>(x)); // NOLINT: two's complement
    const auto text = [&] {
        return std::is_signed_v<I> ? std::to_string(static_cast<long long>(x)) : std::to_string(u);
    };
    if (p.kind == c_kind::bool_type) {
        if (u > 1)
            at.fail(i, "takes 0 or 1 (a bool), not " + text());
    } else if (p.is_signed) {
        const unsigned bits = static_cast<unsigned>(p.size * 8);
        const long long lo =
            bits >= 64 ? std::numeric_limits<long long>::min() : -(1LL << (bits - 1));
        const long long hi =
            bits >= 64 ? std::numeric_limits<long long>::max() : (1LL << (bits - 1)) - 1;
        if ((!neg && u > static_cast<unsigned long long>(hi)) ||
            (neg && static_cast<long long>(x) < lo))
            at.fail(i, "cannot hold " + text() + ": it does not fit");
    } else {
        const unsigned bits = static_cast<unsigned>(p.size * 8);
        const unsigned long long hi = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
        if (neg || u > hi)
            at.fail(i, "cannot hold " + text() + ": it does not fit");
    }
    store_width(p.size, u, s);
}

template <class F>
void store_floating(const c_type &p, F x, arg_slot &s) {
    if (p.kind == c_kind::float_type) {
        const auto v = static_cast<float>(x);
        std::memcpy(s.bytes, &v, sizeof v);
    } else if (p.kind == c_kind::double_type) {
        const auto v = static_cast<double>(x);
        std::memcpy(s.bytes, &v, sizeof v);
    } else {
        s.ld = static_cast<long double>(x);
    }
}

// Converts one argument by its parameter's C type into `s` (or points `where` at it).
template <class X>
void convert(const c_type &p, const X &x, arg_slot &s, void *&where, const call_site &at,
             std::size_t i) {
    where = &s;
    const char *what_is = "a number";
    if constexpr (std::is_same_v<X, value>) {
        if (x.is_void())
            at.fail(i, "cannot take a void value");
        if (x.is_integer()) {
            if (x.is_signed())
                convert(p, x.signed_integer(), s, where, at, i);
            else
                convert(p, x.unsigned_integer(), s, where, at, i);
        } else if (x.is_floating()) {
            convert(p, x.template as<long double>(), s, where, at, i);
        } else if (x.is_pointer()) {
            if (p.kind != c_kind::pointer)
                at.fail(i, "takes " + p.name + ", not a pointer");
            s.p = x.template as<void *>();
        } else {
            if (!is_record(p.kind) || p.size != x.size())
                at.fail(i, "takes " + p.name + ", not " + x.type_name());
            where = const_cast<void *>(x.data());
        }
        return;
    } else if constexpr (std::is_same_v<X, std::string>) {
        if (!is_char_pointer(p) || !p.const_target)
            at.fail(i, "takes " + p.name + ", not a std::string (only a const char * does)");
        s.p = const_cast<char *>(x.c_str());
        return;
    } else if constexpr (std::is_null_pointer_v<X>) {
        if (p.kind != c_kind::pointer)
            at.fail(i, "takes " + p.name + ", not nullptr");
        s.p = nullptr;
        return;
    } else if constexpr (std::is_array_v<X> || std::is_pointer_v<X>) {
        if (p.kind != c_kind::pointer)
            at.fail(i, "takes " + p.name + ", not a pointer");
        if constexpr (std::is_pointer_v<X> && std::is_function_v<std::remove_pointer_t<X>>)
            s.p = reinterpret_cast<void *>(x);
        else
            s.p = const_cast<void *>(static_cast<const void *>(x));
        return;
    } else if constexpr (std::is_same_v<X, bool>) {
        if (!is_integer(p.kind))
            at.fail(i, "takes " + p.name + ", not a bool");
        store_integer(p, static_cast<int>(x), s, at, i);
        return;
    } else if constexpr (std::is_enum_v<X>) {
        convert(p, static_cast<std::underlying_type_t<X>>(x), s, where, at, i);
        return;
    } else if constexpr (std::is_integral_v<X>) {
        if (is_integer(p.kind))
            store_integer(p, x, s, at, i);
        else if (is_floating(p.kind))
            store_floating(p, x, s);
        else
            at.fail(i, "takes " + p.name + ", not " + what_is);
        return;
    } else if constexpr (std::is_floating_point_v<X>) {
        if (!is_floating(p.kind))
            at.fail(i, "takes " + p.name + ", not a floating-point number");
        store_floating(p, x, s);
        return;
    } else {
        static_assert(std::is_trivially_copyable_v<X>,
                      "ctypes: a dynamic_function argument must be a number, a pointer, nullptr, "
                      "a std::string, a ctypes::value or a trivially copyable struct; pass "
                      ".c_str(), .data() or a pointer instead");
        if (!is_record(p.kind))
            at.fail(i, "takes " + p.name + ", not a struct");
        if (sizeof(X) != p.size)
            at.fail(i, "is " + p.name + " of " + std::to_string(p.size) + " bytes, but the " +
                           "argument has " + std::to_string(sizeof(X)) + " (sizeof)");
        where = const_cast<void *>(static_cast<const void *>(&x));
    }
}

// An argument after `...`: typed from its value, after C's default promotions.
template <class X>
ffi_type *promote(const X &x, arg_slot &s, void *&where, const call_site &at, std::size_t i) {
    where = &s;
    if constexpr (std::is_same_v<X, value>) {
        if (x.is_void() || x.is_record())
            at.fail(i, "cannot be a " + x.type_name() + ": C's default promotions take scalars");
        if (x.is_integer()) { // its own width, then C's promotion to int
            if (x.size() < sizeof(int) || (x.size() == sizeof(int) && x.is_signed()))
                return promote(static_cast<int>(x.is_signed()
                                                    ? x.signed_integer()
                                                    : static_cast<long long>(x.unsigned_integer())),
                               s, where, at, i);
            if (x.size() == sizeof(int))
                return promote(static_cast<unsigned>(x.unsigned_integer()), s, where, at, i);
            return x.is_signed() ? promote(x.signed_integer(), s, where, at, i)
                                 : promote(x.unsigned_integer(), s, where, at, i);
        }
        if (x.is_floating()) {
            if (x.c_type()->kind == c_kind::long_double)
                return promote(x.template as<long double>(), s, where, at, i);
            return promote(x.template as<double>(), s, where, at, i);
        }
        s.p = x.template as<void *>();
        return &ffi_type_pointer;
    } else if constexpr (std::is_same_v<X, std::string>) {
        s.p = const_cast<char *>(x.c_str());
        return &ffi_type_pointer;
    } else if constexpr (std::is_null_pointer_v<X>) {
        s.p = nullptr;
        return &ffi_type_pointer;
    } else if constexpr (std::is_array_v<X> || std::is_pointer_v<X>) {
        if constexpr (std::is_pointer_v<X> && std::is_function_v<std::remove_pointer_t<X>>)
            s.p = reinterpret_cast<void *>(x);
        else
            s.p = const_cast<void *>(static_cast<const void *>(x));
        return &ffi_type_pointer;
    } else if constexpr (std::is_enum_v<X>) {
        return promote(static_cast<std::underlying_type_t<X>>(x), s, where, at, i);
    } else if constexpr (std::is_integral_v<X>) {
        if constexpr (sizeof(X) < sizeof(int) || std::is_same_v<X, bool>) {
            const int v = static_cast<int>(x); // NOLINT: C's promotion keeps the sign
            std::memcpy(s.bytes, &v, sizeof v);
            return &ffi_type_sint;
        } else {
            std::memcpy(s.bytes, &x, sizeof x);
            return ffi_layout::integer(sizeof(X), std::is_signed_v<X>);
        }
    } else if constexpr (std::is_same_v<X, long double>) {
        s.ld = x;
        return &ffi_type_longdouble;
    } else if constexpr (std::is_floating_point_v<X>) {
        const double v = static_cast<double>(x);
        std::memcpy(s.bytes, &v, sizeof v);
        return &ffi_type_double;
    } else {
        // A struct is fine for a declared parameter, so only the call can tell.
        at.fail(i, "is a struct: C's default promotions after ... take only scalars; pass a "
                   "pointer or a number");
    }
}

// A policy's result check applied to a dynamic_function's result.
using result_checker = void (*)(const value &, const call_context &);

template <class Check>
struct is_status_check : std::false_type {};
template <auto Category, auto... Success>
struct is_status_check<status_check<Category, Success...>> : std::true_type {};
template <class Check>
struct is_errcheck : std::false_type {};
template <class F>
struct is_errcheck<errcheck<F>> : std::true_type {};

// The checker of a policy's result check for a function returning `result`: the typed path's
// checks, each given the result as the C++ type it takes (an errcheck<F>'s F the ctypes::value).
// A result the check cannot take is refused at lookup.
template <class Check>
result_checker checker_for(const c_type &result, const std::string &name) {
    const auto refuse = [&](const char *check, const char *wanted) {
        throw_invalid("ctypes: '" + name + "' is checked by " + check + ", which takes " + wanted +
                      " result, but it returns " + result.name);
    };
    if constexpr (!Check::checks) {
        (void)refuse;
        return nullptr;
    } else if constexpr (std::is_same_v<Check, hresult_check>) {
        if (!is_integer(result.kind) || result.size != 4 || !result.is_signed)
            throw_invalid("ctypes: '" + name +
                          "' is checked as an HRESULT function, but it "
                          "returns " +
                          result.name +
                          ": declare it as returning long (Windows) "
                          "or int32_t");
        return [](const value &v, const call_context &c) {
            hresult_check::check(v.as<std::int32_t>(), c.function());
        };
    } else if constexpr (std::is_same_v<Check, minus_one_errno_check>) {
        if (!is_integer(result.kind) || !result.is_signed)
            refuse("minus_one_errno_check", "a signed integer");
        return [](const value &v, const call_context &c) {
            minus_one_errno_check::check(v.as<long long>(), c);
        };
    } else if constexpr (std::is_same_v<Check, null_errno_check>) {
        if (result.kind != c_kind::pointer)
            refuse("null_errno_check", "a pointer");
        return [](const value &v, const call_context &c) {
            null_errno_check::check(v.as<const void *>(), c);
        };
    } else if constexpr (is_status_check<Check>::value) {
        if (!is_integer(result.kind))
            refuse("status_check", "an integer");
        return [](const value &v, const call_context &c) {
            if (v.is_signed())
                Check::check(v.as<long long>(), c.function());
            else
                Check::check(v.as<unsigned long long>(), c.function());
        };
    } else if constexpr (is_errcheck<Check>::value) {
        if (result.kind == c_kind::void_type)
            refuse("errcheck", "a non-void");
        return [](const value &v, const call_context &c) { Check::check(v, c); };
    } else {
        throw_invalid("ctypes: '" + name +
                      "': a dynamic_function applies hresult_check, minus_one_errno_check, "
                      "null_errno_check, status_check and errcheck<F> only; use a policy with "
                      "plain_result and check the value");
    }
}

} // namespace detail::dynamic

/// A foreign function called through a signature known only at run time (ctypes' `argtypes`
/// and `restype`), made by basic_library::get_dynamic().
///
/// Copyable; every copy keeps the library mapped (Guarantee 3). Calls go through libffi with a
/// call interface (cif) prepared once, at lookup (a variadic function keeps one per shape of
/// its calls' arguments, up to eight shapes, prepared on first use), or through the fast path
/// (uses_fast_path()). For a signature of scalars and pointers the lookup also plans each
/// parameter's conversion, so a call of plain numbers, pointers and strings is checked with a
/// few comparisons; call<R>() then reads the result straight into R. Argument and result types
/// that need no check of the values are validated once and remembered (see call<R>()).
/// Calling from many threads at once is safe; a copy starts with the original's remembered
/// types and then keeps its own.
/// \see
/// https://docs.python.org/3/library/ctypes.html#specifying-the-required-argument-types-function-prototypes
/// \code
/// ctypes::CDLL libm{"libm.so.6"};
/// auto cos = libm.get_dynamic("cos", "double(double)");
/// double one = cos(0.0).as<double>();
/// \endcode
class dynamic_function {
public:
    /// An empty function; calling it throws error. Throws nothing.
    dynamic_function() = default;

    /// Calls the foreign function.
    /// \param args one per declared parameter, converted by the parameter's C type: integer
    /// parameters take integers (and bool, enums), range-checked; floating parameters take any
    /// number; pointer parameters take pointers, arrays, `nullptr`, and `const char *`
    /// parameters also a `std::string` (its `c_str()`, valid for the call); a struct or union
    /// parameter takes a trivially copyable object of exactly its size; any parameter takes a
    /// ctypes::value of a matching kind. For a variadic function the arguments after the
    /// declared ones are typed from their C++ types after C's default promotions.
    /// \return the result as a ctypes::value (void for a `void` function).
    /// \throws error (std::errc::invalid_argument) naming the function and the parameter when
    /// the count is wrong or an argument does not fit, before anything is called; whatever the
    /// policy's result check throws (call_error for the errno and status checks, hresult_error
    /// for OleDLL); an exception a callback parked.
    template <class... X>
    value operator()(const X &...args) const {
        require_dynamic_args<X...>();
        return remembered_or<value>([&] { return call_value<X...>(args...); }, args...);
    }

    /// Calls the foreign function and reads its result as R, with no ctypes::value in between:
    /// `f.call<int>(2, 3)` is `f(2, 3).as<int>()`, converted and checked the same way, and is
    /// the quickest way to call a runtime signature. When the C++ types of R and the arguments
    /// take the C signature with no per-value check (every value of each argument's type fits
    /// its parameter: an `int` for an `int` or a `long`, a `double` for a `double`, any pointer
    /// for a pointer; R holds every value of the C result), that is checked on the first such
    /// call and remembered, and later calls are the bare call: on the fast path the arguments
    /// loaded into their registers and the result read from its register, on libffi one
    /// `ffi_call` with the prepared cif reading the arguments where they lie. Other types are
    /// checked per call. \tparam R what value::as<T>() takes, or `void` to discard the
    /// result. \param args as operator().
    /// \throws as operator(), and as value::as<R>() when the result does not fit R.
    /// \code
    /// auto add = lib.get_dynamic("add", "int add(int, int)");
    /// int five = add.call<int>(2, 3);
    /// \endcode
    template <class R, class... X>
    R call(const X &...args) const {
        require_dynamic_args<X...>();
        return remembered_or<R>([&] { return call_typed<R, X...>(args...); }, args...);
    }

    /// Calls the foreign function with arguments whose number is known only at run time (an
    /// interpreter's, a command line's): each ctypes::value is converted by its parameter's C
    /// type as operator() converts a C++ value of the value's type (see value::of); the ones
    /// after a variadic function's declared parameters are passed with their own C types, after
    /// the default promotions. \throws as operator().
    value call(const std::vector<value> &args) const { return call(args.data(), args.size()); }

    /// The span form of call(const std::vector<value> &), for an interpreter that keeps its
    /// arguments in its own array: `count` values from `args` (which may be null when `count`
    /// is 0), each checked against its parameter's C type (the kind, the range of an integer,
    /// a record's size) with the same messages as operator(), the count against the declared
    /// parameters. Allocates nothing for up to 16 arguments. The values must live for the call.
    /// \throws as operator(): error (std::errc::invalid_argument) naming the function and the
    /// parameter, before anything is called.
    /// \code
    /// ctypes::value args[2] = {ctypes::value::of(2), ctypes::value::of(3)};
    /// int five = add.call(args, 2).as<int>();
    /// \endcode
    value call(const value *args, std::size_t count) const {
        check_call(count);
        constexpr std::size_t small = 16;
        detail::dynamic::arg_slot slot_buf[small];
        void *where_buf[small];
        ffi_type *type_buf[small];
        std::unique_ptr<detail::dynamic::arg_slot[]> slot_heap;
        std::unique_ptr<void *[]> where_heap;
        std::unique_ptr<ffi_type *[]> type_heap;
        detail::dynamic::arg_slot *slots = slot_buf;
        void **where = where_buf;
        ffi_type **types = type_buf;
        if (count > small) {
            slot_heap.reset(new detail::dynamic::arg_slot[count]);
            where_heap.reset(new void *[count]);
            type_heap.reset(new ffi_type *[count]);
            slots = slot_heap.get();
            where = where_heap.get();
            types = type_heap.get();
        }
        const detail::dynamic::call_site at{*sig_->type, name_};
        for (std::size_t i = 0; i < count;)
            convert_one(args[i], slots[i], where[i], types[i], at, i);
        return invoke(where, types, count);
    }

    /// The raw address of the function. Throws nothing.
    void *address() const noexcept { return fn_; }
    /// The symbol name it was looked up by. Throws nothing.
    const std::string &name() const noexcept { return name_; }
    /// The declared C type, spelled as C does: `double(*)(double)`. Throws nothing but
    /// std::bad_alloc.
    std::string signature() const { return sig_ ? sig_->type->name : std::string(); }
    /// The number of declared parameters. Throws nothing.
    std::size_t arity() const noexcept { return sig_ ? sig_->type->params.size() : 0; }
    /// Whether the function is variadic. Throws nothing.
    bool is_variadic() const noexcept { return sig_ && sig_->type->variadic; }
    /// The C type of declared parameter `i`, or of the result for `i == arity()`, as C spells it.
    /// \throws error when `i > arity()`.
    std::string type_name(std::size_t i) const {
        if (!sig_ || i > arity())
            detail::dynamic::throw_invalid("ctypes: '" + name_ + "' has no parameter " +
                                           std::to_string(i + 1));
        return i == arity() ? sig_->type->target->name : sig_->type->params[i]->name;
    }
    /// The capture flags calls use (use_errno, use_last_error), as
    /// function::flags(). Throws nothing.
    call_flags flags() const noexcept { return detail::flags_of(capture_); }
    /// True unless default-constructed or moved from. Throws nothing.
    explicit operator bool() const noexcept { return fn_ != nullptr; }

    /// Whether calls take the fast path of our own instead of libffi: for a non-variadic
    /// signature whose parameters are all integers, pointers, floats and doubles that fit the
    /// argument registers and whose result is one of those or void. On x86-64 System V that is
    /// six integer and eight vector registers, on Windows x64 four parameters (each in its
    /// place's integer or vector register); elsewhere (32-bit x86, AArch64) it is always
    /// false. Throws nothing.
    bool uses_fast_path() const noexcept { return fast_; }
    /// A copy whose calls all go through libffi, for comparing the two engines (the tests, the
    /// benchmarks). Throws nothing but std::bad_alloc.
    dynamic_function via_libffi() const {
        dynamic_function f = *this;
        f.libffi_only_ = true;
        f.fast_ = false;
        f.lane_ = detail::dynamic::lane_cache();
        return f;
    }

    /// \cond internal
    dynamic_function(void *fn, std::shared_ptr<const detail::dynamic::prepared_signature> sig,
                     load_flags flags, detail::state_ptr state, std::string name,
                     detail::dynamic::result_checker check)
        : fn_(fn), sig_(std::move(sig)), capture_(detail::capture_of(flags)),
          fast_(sig_ && sig_->fast),
          result_(sig_ ? sig_->result_form : detail::dynamic::result_plan{}), check_(check),
          state_(std::move(state)), name_(std::move(name)) {}
    const detail::dynamic::type_ptr &c_type() const noexcept { return sig_->type; }
    /// \endcond

private:
    // The C++ types the lane can take at all (which of them fit is checked per function).
    template <class R, class... X>
    static constexpr bool
        lane_types = (std::is_void_v<R> || std::is_same_v<R, value> || std::is_arithmetic_v<R> ||
                      std::is_enum_v<R> || std::is_pointer_v<R> ||
                      (std::is_trivially_copyable_v<R> && std::is_class_v<R>)) &&
                     (true && ... &&
                      (detail::dynamic::is_lane_register<X> || detail::dynamic::is_lane_direct<X>));
    template <class R, class... X>
    static constexpr bool lane_fast_types =
        (std::is_void_v<R> || std::is_same_v<R, value> || std::is_integral_v<R> ||
         std::is_enum_v<R> || std::is_pointer_v<R> || std::is_same_v<R, float> ||
         std::is_same_v<R, double>)&&(true && ... && detail::dynamic::is_lane_register<X>);

    template <class... X>
    static constexpr void require_dynamic_args() noexcept {
        static_assert((true && ... && detail::dynamic::is_dynamic_arg<X>),
                      "ctypes: a dynamic_function argument must be a number, a pointer, nullptr, "
                      "a std::string, a ctypes::value or a trivially copyable struct; pass "
                      ".c_str(), .data() or a pointer instead");
    }

    // The remembered bare call of (R, X...) once an earlier call admitted it (lane_admits), else
    // `checked()`: the call that converts and checks each argument.
    // Only the key tests and the bare lanes are inline: the other remembered lane (lane_call)
    // and the checked call (call_value, call_typed) are out-of-line calls taking scalars by
    // value, so that a bare call keeps the frame of a plain indirect call (no saved registers,
    // no arguments stored for the other paths).
    template <class R, class Checked, class... X>
    R remembered_or(const Checked &checked, const X &...args) const {
        if constexpr (lane_types<R, X...>) {
            const void *lane = lane_.get();
#if CTYPES_DETAIL_FAST_CALL
            if constexpr (lane_fast_types<R, X...>)
                if (lane == detail::dynamic::lane_key<0, R, X...>())
                    return lane_bare<R>(args...);
#endif
            if constexpr (!std::is_same_v<R, value>)
                if (lane == detail::dynamic::lane_key<2, R, X...>())
                    return lane_libffi<R>(args...);
            if (lane == detail::dynamic::lane_key<1, R, X...>())
                return lane_call<R, X...>(args...);
        }
        return checked();
    }

    template <class... X>
    CTYPES_DETAIL_NOINLINE value call_value(detail::dynamic::pass_t<X>... args) const {
        if constexpr (lane_types<value, X...>)
            if (lane_admits<value, X...>())
                return lane_call<value, X...>(args...);
        return general_call(args...);
    }

    // The planned call, or the general conversion (which writes the errors).
    template <class... X>
    value general_call(const X &...args) const {
        constexpr std::size_t n = sizeof...(X);
        if constexpr ((true && ... && detail::dynamic::is_plain_arg<X>)) {
            std::uint64_t bits = 0;
            if (plain_call(bits, args...)) {
                value result = result_value(bits);
                check_result(result);
                return result;
            }
        }
        check_call(n);
        std::array<detail::dynamic::arg_slot, n ? n : 1> slots;
        std::array<void *, n ? n : 1> where{};
        std::array<ffi_type *, n ? n : 1> types{};
        const detail::dynamic::call_site at{*sig_->type, name_};
        std::size_t i = 0;
        (convert_one(args, slots[i], where[i], types[i], at, i), ...);
        (void)slots;
        (void)at;
        (void)i;
        return invoke(where.data(), types.data(), n);
    }

    template <class R, class... X>
    CTYPES_DETAIL_NOINLINE R call_typed(detail::dynamic::pass_t<X>... args) const {
        if constexpr (lane_types<R, X...>)
            if (lane_admits<R, X...>())
                return lane_call<R, X...>(args...);
        if constexpr ((true && ... && detail::dynamic::is_plain_arg<X>)) {
            std::uint64_t bits = 0;
            if (plain_call(bits, args...)) {
                if (CTYPES_DETAIL_UNLIKELY(check_ != nullptr))
                    check_result(result_value(bits));
                if constexpr (std::is_void_v<R>) {
                    return;
                } else {
                    R out;
                    if (detail::dynamic::read_image(sig_->result_form, bits, out))
                        return out;
                    return result_value(bits).template as<R>();
                }
            }
        }
        if constexpr (std::is_void_v<R>)
            general_call(args...);
        else
            return general_call(args...).template as<R>();
    }

    // Whether (R, X...) take the lane (call_plan.hpp): checked once per instantiation and
    // function, the answer remembered either way.
    template <class R, class... X>
    bool lane_admits() const {
        using namespace detail::dynamic;
        const void *key = lane_key<0, R, X...>();
        if (lane_.rejected() == key || !sig_ || !fn_)
            return false;
        const detail::dynamic::c_type &t = *sig_->type;
        constexpr bool registers = lane_fast_types<R, X...>;
        const std::size_t fixed = t.params.size();
        bool ok =
            check_ == nullptr &&
            (t.variadic ? fixed <= sizeof...(X) && sizeof...(X) <= variadic_cifs::max_arguments
                        : fixed == sizeof...(X)) &&
            sig_->expanded.size() == sig_->params.size() && (!fast_ || registers) &&
            lane_returns<R, value>(*t.target, sig_->result_form, fast_);
        std::size_t k = 0;
        // The arguments after `...` are typed from X alone (lane_promote).
        ((ok = ok && (k < fixed ? lane_takes<X>(*t.params[k], sig_->plan[k], fast_)
                                : is_lane_register<X>),
          ++k),
         ...);
        (void)k;
        if (ok) {
            if (fast_ && capture_ == 0 && registers && lane_result_exact<R>())
                lane_.set(key);
            else if (!fast_ && capture_ == 0 && !sig_->variadic && !std::is_same_v<R, value>)
                lane_.set(lane_key<2, R, X...>());
            else
                lane_.set(lane_key<1, R, X...>());
        } else
            lane_.reject(key);
        return ok;
    }

#if CTYPES_DETAIL_FAST_CALL
    // The bare lane: the fast path with nothing to capture, then what a callback parked.
    template <class R, class... X>
    R lane_bare(const X &...args) const {
        using namespace detail::dynamic;
        const std::uint64_t bits =
            lane_registers(fn_, lane_vector_result<R>(), lane_register(args)...);
        if (CTYPES_DETAIL_UNLIKELY(detail::callback_pending != 0))
            detail::rethrow_parked();
        if constexpr (std::is_integral_v<R> || std::is_enum_v<R>)
            return lane_narrow<R>(bits); // lane_result_exact: no extension to make
        else
            return lane_result<R>(bits);
    }
#endif

    // Whether an R reads the lane's result with no extension from the C width: not for an
    // integer R wider than the C result (which comes back in the register's low bytes only),
    // which the bare lane leaves to lane_call.
    template <class R>
    bool lane_result_exact() const noexcept {
        if constexpr (std::is_enum_v<R>)
            return lane_result_exact<std::underlying_type_t<R>>();
        else if constexpr (std::is_integral_v<R>)
            return sizeof(R) <= result_.size;
        else
            return true;
    }

    // An integer R of a result no narrower than R: its low bytes (a bool from the low byte
    // only, as the ABI leaves the register's other bits undefined).
    template <class R>
    static R lane_narrow(std::uint64_t bits) noexcept {
        if constexpr (std::is_enum_v<R>)
            return static_cast<R>(lane_narrow<std::underlying_type_t<R>>(bits));
        else if constexpr (std::is_same_v<R, bool>)
            return static_cast<std::uint8_t>(bits) != 0;
        else
            return static_cast<R>(bits);
    }

    // Whether a lane call's result comes back in a vector register: known from R but for a
    // value.
    template <class R>
    bool lane_vector_result() const noexcept {
        if constexpr (std::is_same_v<R, float> || std::is_same_v<R, double>)
            return true;
        else if constexpr (std::is_same_v<R, value>)
            return result_.form == detail::dynamic::arg_form::float32 ||
                   result_.form == detail::dynamic::arg_form::float64;
        else
            return false;
    }

    // A lane call: the arguments as they are, no check left to make.
    template <class R, class... X>
    CTYPES_DETAIL_NOINLINE R lane_call(detail::dynamic::pass_t<X>... args) const {
        using namespace detail::dynamic;
        constexpr std::size_t n = sizeof...(X);
#if CTYPES_DETAIL_FAST_CALL
        if constexpr (lane_fast_types<R, X...>) {
            if (fast_) {
                const bool vector = lane_vector_result<R>();
                const std::uint64_t bits =
                    captured([&] { return lane_registers(fn_, vector, lane_register(args)...); });
                return lane_result<R>(bits);
            }
        }
#endif
        void *slots[n ? n : 1];
        void *where[n ? n : 1];
        // A variadic call's promoted extra arguments, which `where` points into until the call.
        arg_slot promoted[n ? n : 1];
        ffi_cif *cif = const_cast<ffi_cif *>(&sig_->cif);
        if (CTYPES_DETAIL_UNLIKELY(sig_->variadic != nullptr)) {
            // The declared arguments as they lie, the others promoted; the cif of this shape,
            // remembered for this instantiation once found.
            using record = variadic_cifs::lane_record;
            const void *key = lane_key<1, R, X...>();
            const auto *known = static_cast<const record *>(lane_.variadic());
            const std::size_t fixed = sig_->params.size();
            ffi_type *types[n ? n : 1] = {};
            std::size_t j = 0;
            // `typed`: std::true_type to write each argument's ffi_type into `types` too.
            const auto put = [&](auto typed, const auto &x) {
                using Y = std::remove_cv_t<std::remove_reference_t<decltype(x)>>;
                ffi_type *t = nullptr; // stays null for a type lane_admits does not admit
                if (j < fixed) {
                    where[j] = lane_address(x, slots[j]);
                    t = sig_->params[j];
                } else if constexpr (is_lane_register<Y>) {
                    t = lane_promote<Y>(x, promoted[j], where[j]);
                }
                if constexpr (decltype(typed)::value)
                    types[j] = t;
                (void)t;
                ++j;
            };
            if (known && known->key == key) {
                (put(std::false_type{}, args), ...);
                cif = known->cif;
            } else {
                (put(std::true_type{}, args), ...);
                cif = sig_->variadic->find(static_cast<unsigned>(fixed), static_cast<unsigned>(n),
                                           sig_->result, types);
                if (cif)
                    if (const record *r = sig_->variadic->record(key, cif))
                        lane_.set_variadic(r);
            }
            (void)put;
            if (!cif) { // the table is full: the checked path, which prepares its own
                if constexpr (std::is_void_v<R>)
                    return (void)general_call(args...);
                else if constexpr (std::is_same_v<R, value>)
                    return general_call(args...);
                else
                    return general_call(args...).template as<R>();
            }
        } else {
            std::size_t k = 0;
            ((where[k] = lane_address(args, slots[k]), ++k), ...);
            (void)k;
        }
        (void)slots;
        (void)promoted;
        if constexpr (std::is_same_v<R, value>) {
            if (result_.form == arg_form::other && !result_.is_void) { // a record, ...
                if (CTYPES_DETAIL_UNLIKELY(sig_->variadic != nullptr))
                    return general_call(args...);
                return call_engine(where, nullptr, n, n);
            }
            alignas(16) unsigned char ret[16];
            captured([&] {
                ffi_call(cif, FFI_FN(fn_), ret, where);
                return 0;
            });
            return lane_result<value>(result_image(ret));
        } else {
            // libffi writes whole registers: 16 bytes at least, a record rounded up to 16.
            alignas(16) unsigned char ret[libffi_result_bytes<R>];
            captured([&] {
                ffi_call(cif, FFI_FN(fn_), ret, where);
                return 0;
            });
            return libffi_result<R>(ret);
        }
    }

    // The bare libffi lane (key 2): the arguments where they lie, one ffi_call with the
    // prepared cif, then what a callback parked.
    template <class R, class... X>
    R lane_libffi(const X &...args) const {
        using namespace detail::dynamic;
        constexpr std::size_t n = sizeof...(X);
        void *slots[n ? n : 1];
        void *where[n ? n : 1];
        std::size_t k = 0;
        ((where[k] = lane_address(args, slots[k]), ++k), ...);
        (void)k;
        (void)slots;
        alignas(16) unsigned char ret[libffi_result_bytes<R>];
        ffi_call(const_cast<ffi_cif *>(&sig_->cif), FFI_FN(fn_), ret, where);
        if (CTYPES_DETAIL_UNLIKELY(detail::callback_pending != 0))
            detail::rethrow_parked();
        return libffi_result<R>(ret);
    }

    // The bytes libffi writes for a result R: whole registers, 16 at least, a record rounded
    // up to 16.
    template <class R>
    static constexpr std::size_t libffi_result_bytes = [] {
        constexpr std::size_t size = sizeof(std::conditional_t<std::is_void_v<R>, char, R>);
        return size <= 16 ? std::size_t{16} : (size + 15) / 16 * 16;
    }();

    // A lane's libffi result bytes as R (R is not ctypes::value).
    template <class R>
    R libffi_result(const unsigned char *ret) const {
        if constexpr (std::is_void_v<R>) {
            (void)ret;
            return;
        } else if constexpr (std::is_integral_v<R> || std::is_enum_v<R> || std::is_pointer_v<R> ||
                             std::is_same_v<R, float> || std::is_same_v<R, double>) {
            // The C result's form is known from R (lane_returns): an integer widened to
            // an ffi_arg, a pointer, a float or a double. Where an ffi_arg is narrower
            // than 64 bits, an integer's width decides (result_image).
            constexpr bool integer = std::is_integral_v<R> || std::is_enum_v<R>;
            if constexpr (integer && sizeof(ffi_arg) < sizeof(std::uint64_t))
                return lane_result<R>(result_image(ret));
            using image =
                std::conditional_t<std::is_same_v<R, float>, std::uint32_t,
                                   std::conditional_t<std::is_same_v<R, double>, std::uint64_t,
                                                      std::conditional_t<std::is_pointer_v<R>,
                                                                         std::uintptr_t, ffi_arg>>>;
            image bits;
            std::memcpy(&bits, ret, sizeof bits);
            return lane_result<R>(static_cast<std::uint64_t>(bits));
        } else { // long double, a record
            R out;
            std::memcpy(static_cast<void *>(&out), ret, sizeof(R));
            return out;
        }
    }

    // A lane call's result image (extended here) as R.
    template <class R>
    R lane_result(std::uint64_t bits) const {
        using namespace detail::dynamic;
        if constexpr (std::is_void_v<R>) {
            (void)bits;
        } else if constexpr (std::is_same_v<R, value>) {
            return result_value(bits); // a value keeps the C width: nothing to extend
        } else if constexpr (std::is_enum_v<R>) {
            return static_cast<R>(lane_result<std::underlying_type_t<R>>(bits));
        } else if constexpr (std::is_integral_v<R>) {
            // The C type's range is within R's: an R no wider is the same type, its low bytes.
            if (sizeof(R) > result_.size)
                bits = extend_result(result_, bits);
            return lane_narrow<R>(bits);
        } else if constexpr (std::is_same_v<R, float>) {
            const auto low = static_cast<std::uint32_t>(bits);
            float f;
            std::memcpy(&f, &low, 4);
            return f;
        } else if constexpr (std::is_same_v<R, double>) {
            double d;
            std::memcpy(&d, &bits, 8);
            return d;
        } else {
            static_assert(std::is_pointer_v<R>, "a lane result is a scalar");
            const auto a = static_cast<std::uintptr_t>(bits);
            if constexpr (std::is_function_v<std::remove_pointer_t<R>>)
                return reinterpret_cast<R>(a);
            else
                return static_cast<R>(reinterpret_cast<void *>(a));
        }
    }

    void check_call(std::size_t n) const {
        if (!fn_)
            detail::dynamic::throw_invalid("ctypes: cannot call an empty dynamic_function");
        const auto &t = *sig_->type;
        const std::size_t want = t.params.size();
        if (n == want || (t.variadic && n > want))
            return;
        std::string list;
        for (std::size_t i = 0; i < want; ++i)
            list += (i ? ", " : "") + t.params[i]->name;
        detail::dynamic::throw_invalid(
            "ctypes: cannot call '" + name_ + "': it takes " + (t.variadic ? "at least " : "") +
            std::to_string(want) + (want == 1 ? " argument" : " arguments") +
            (want ? " (" + list + ")" : std::string()) + ", " + std::to_string(n) + " given");
    }

    template <class X>
    void convert_one(const X &x, detail::dynamic::arg_slot &s, void *&where, ffi_type *&type,
                     const detail::dynamic::call_site &at, std::size_t &i) const {
        if (i < sig_->params.size()) {
            detail::dynamic::convert<X>(*sig_->type->params[i], x, s, where, at, i);
            type = sig_->params[i];
        } else {
            if constexpr (std::is_array_v<X>)
                type = detail::dynamic::promote<const std::remove_extent_t<X> *>(&x[0], s, where,
                                                                                 at, i);
            else
                type = detail::dynamic::promote<X>(x, s, where, at, i);
        }
        ++i;
    }

    // The policy's result check, if it has one, on every path a call takes.
    void check_result(const value &result) const {
        if (CTYPES_DETAIL_UNLIKELY(check_ != nullptr))
            check_(result, call_context(name_, flags()));
    }

    // The planned call (detail/dynamic/call_plan.hpp) for a plain signature: false, before any
    // call, when the function is empty, not plain, called with another number of arguments or
    // with an argument the plan does not take (the general path then converts it or says why
    // not); otherwise the result's image, extended from its C width.
    template <class... X>
    bool plain_call(std::uint64_t &out, const X &...args) const {
        using namespace detail::dynamic;
        constexpr std::size_t n = sizeof...(X);
        if (!sig_ || !sig_->plain || sig_->plan.size() != n)
            return false;
        const param_plan *plan = sig_->plan.data();
        std::size_t k = 0;
        (void)plan;
        (void)k;
#if CTYPES_DETAIL_FAST_CALL
        if (sig_->fast && !libffi_only_) {
            const unsigned vectors = sig_->fast_vectors;
            std::uint64_t regs[fast_register_count];
            clear_image(regs, vectors);
            const auto load = [&](const auto &x) {
                const param_plan &p = plan[k++];
                return image_of(p, x, regs[p.reg]);
            };
            (void)load; // no arguments
            if (!(true && ... && load(args)))
                return false;
            const bool vector = sig_->result_form.form == arg_form::float32 ||
                                sig_->result_form.form == arg_form::float64;
            out = captured([&] { return fast_call_image(fn_, regs, vectors, vector); });
            out = extend_result(sig_->result_form, out);
            return true;
        }
#endif
        arg_slot slots[n ? n : 1];
        void *where[n ? n : 1];
        const auto load = [&](const auto &x) {
            const param_plan &p = plan[k];
            std::uint64_t bits;
            if (!image_of(p, x, bits))
                return false;
            store_image(p, bits, slots[k]);
            where[k] = &slots[k];
            ++k;
            return true;
        };
        (void)load; // no arguments
        if (!(true && ... && load(args)))
            return false;
        alignas(16) unsigned char ret[16];
        captured([&] {
            ffi_call(const_cast<ffi_cif *>(&sig_->cif), FFI_FN(fn_), ret, where);
            return 0;
        });
        out = extend_result(sig_->result_form, result_image(ret));
        return true;
    }

    // The call under the use_errno / use_last_error swap, then what a callback parked during
    // it, rethrown after errno was swapped back (callback.hpp).
    template <class F>
    auto captured(F &&f) const {
        if (CTYPES_DETAIL_UNLIKELY(capture_ != 0)) {
            auto r = [&] {
                detail::capture_scope scope(capture_);
                return f();
            }();
            if (CTYPES_DETAIL_UNLIKELY(detail::callback_pending != 0))
                detail::rethrow_parked();
            return r;
        }
        auto r = f();
        if (CTYPES_DETAIL_UNLIKELY(detail::callback_pending != 0))
            detail::rethrow_parked();
        return r;
    }

    // libffi's result bytes as an image: small integers arrive widened to an ffi_arg.
    std::uint64_t result_image(const unsigned char *ret) const noexcept {
        using detail::dynamic::arg_form;
        const auto &r = result_;
        if (r.is_void)
            return 0;
        if (r.form == arg_form::integer && r.size <= sizeof(ffi_arg)) {
            ffi_arg wide;
            std::memcpy(&wide, ret, sizeof wide);
            return static_cast<std::uint64_t>(wide);
        }
        if (r.form == arg_form::pointer) {
            void *p;
            std::memcpy(&p, ret, sizeof p);
            return reinterpret_cast<std::uintptr_t>(p);
        }
        if (r.form == arg_form::float32) {
            std::uint32_t bits;
            std::memcpy(&bits, ret, 4);
            return bits;
        }
        std::uint64_t bits;
        std::memcpy(&bits, ret, 8);
        return bits;
    }

    // The result from its register image. One named value, made in the caller's place; a scalar
    // of up to 8 bytes is the register's low bytes, written inline with no test of its kind.
    value result_value(std::uint64_t bits) const {
        value v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (sig_->result_in_register)
            v.set_register(sig_->result_interned, bits);
        else
#endif
            result_value_other(v, bits);
        return v;
    }
    CTYPES_DETAIL_NOINLINE void result_value_other(value &v, std::uint64_t bits) const {
        const detail::dynamic::result_plan &r = sig_->result_form;
        if (r.is_void)
            return;
        if (sig_->result_interned)
            v.set_type(sig_->result_interned);
        else
            v.set_type(sig_->type->target);
        detail::dynamic::store_result(r, bits, v.raw());
    }

    value invoke(void **where, ffi_type **types, std::size_t n) const {
        if (CTYPES_DETAIL_UNLIKELY(sig_->expanded.size() != sig_->params.size()))
            return invoke_split(where, types, n);
        return call_engine(where, types, n, sig_->params.size());
    }

    // The records libffi must see as two scalars (detail::dynamic::split_for_libffi): their
    // halves as separate arguments.
    value invoke_split(void **where, ffi_type **types, std::size_t n) const {
        std::vector<void *> w;
        std::vector<ffi_type *> ty;
        for (std::size_t i = 0; i < n; ++i) {
            w.push_back(where[i]);
            if (i < sig_->split.size() && sig_->split[i]) {
                w.push_back(static_cast<unsigned char *>(where[i]) + 8);
                ty.push_back(&ffi_type_uint64);
                ty.push_back(&ffi_type_double);
            } else {
                ty.push_back(types[i]);
            }
        }
        return call_engine(w.data(), ty.data(), w.size(), sig_->expanded.size());
    }

    value call_engine(void **where, ffi_type **types, std::size_t n, std::size_t fixed) const {
        const auto &t = *sig_->type;
        ffi_cif variadic_cif;
        ffi_cif *cif = const_cast<ffi_cif *>(&sig_->cif);
        if (t.variadic && sig_->variadic)
            if (ffi_cif *kept = sig_->variadic->find(static_cast<unsigned>(fixed),
                                                     static_cast<unsigned>(n), sig_->result, types))
                cif = kept;
        if (t.variadic && cif == &sig_->cif) {
            const ffi_status st =
                ffi_prep_cif_var(&variadic_cif, FFI_DEFAULT_ABI, static_cast<unsigned>(fixed),
                                 static_cast<unsigned>(n), sig_->result, types);
            if (st != FFI_OK)
                detail::dynamic::throw_invalid("ctypes: cannot call '" + name_ +
                                               "': libffi cannot prepare the variadic call (" +
                                               detail::dynamic::ffi_status_name(st) + ")");
            cif = &variadic_cif;
        }
        value result = sig_->result_interned ? value(sig_->result_interned) : value(t.target);
        const bool fast = sig_->fast && !libffi_only_;
        captured([&] {
            engine(fast, cif, where, result.raw());
            return 0;
        });
        result.narrow();
        check_result(result);
        return result;
    }

    void engine(bool fast, ffi_cif *cif, void **where, void *result) const {
#if CTYPES_DETAIL_FAST_CALL
        if (fast)
            return detail::dynamic::fast_call(fn_, *sig_->type, sig_->fast_vectors, where, result);
#else
        (void)fast;
#endif
        ffi_call(cif, FFI_FN(fn_), result, where);
    }

    void *fn_ = nullptr;
    std::shared_ptr<const detail::dynamic::prepared_signature> sig_;
    unsigned char capture_ = 0;
    bool libffi_only_ = false;
    bool fast_ = false;                     // sig_->fast && !libffi_only_
    detail::dynamic::result_plan result_{}; // sig_->result_form, at hand for the lane
    detail::dynamic::lane_cache lane_;
    detail::dynamic::result_checker check_ = nullptr;
    detail::state_ptr state_; // keeps the library mapped
    std::string name_;
};

namespace detail::dynamic {

template <class Convention>
ffi_abi abi_of(bool variadic) {
#if defined(__i386__) || defined(_M_IX86)
    using plain = void (*)(int);
    if (!variadic && !std::is_same_v<typename Convention::template pointer<void, int>, plain>)
        return FFI_STDCALL;
#else
    (void)variadic;
#endif
    return FFI_DEFAULT_ABI;
}

// Prepares the cif of a function type once; errors name the function and the parameter.
inline std::shared_ptr<prepared_signature> prepare(const type_ptr &fn, ffi_abi abi,
                                                   const std::string &name) {
    auto sig = std::make_shared<prepared_signature>();
    sig->type = fn;
    sig->abi = abi;
    const call_site at{*fn, name};
    std::size_t i = 0;
    try {
        for (; i < fn->params.size(); ++i)
            sig->params.push_back(sig->layout.of(*fn->params[i]));
        i = fn->params.size();
        if (fn->target->kind != c_kind::void_type && !fn->target->complete)
            throw unsupported_type{fn->target->name + " is incomplete"};
        sig->result = sig->layout.of(*fn->target);
    } catch (const unsupported_type &u) {
        throw_invalid("ctypes: cannot declare '" + name + "': " +
                      (i < fn->params.size() ? at.parameter(i) : std::string("the result")) +
                      " cannot be passed: " + u.text);
    }
    sig->split = split_for_libffi(*fn);
    for (std::size_t j = 0; j < fn->params.size(); ++j) {
        if (sig->split[j]) {
            sig->expanded.push_back(&ffi_type_uint64);
            sig->expanded.push_back(&ffi_type_double);
        } else {
            sig->expanded.push_back(sig->params[j]);
        }
    }
    // The probe lays the record types out (ffi_prep_cif fills in their sizes) for the check
    // below; a non-variadic function then keeps its cif for every call.
    ffi_cif probe;
    const ffi_status st =
        fn->variadic
            ? ffi_prep_cif_var(&probe, FFI_DEFAULT_ABI, static_cast<unsigned>(sig->params.size()),
                               static_cast<unsigned>(sig->params.size()), sig->result,
                               sig->params.data())
            : ffi_prep_cif(&probe, abi, static_cast<unsigned>(sig->params.size()), sig->result,
                           sig->params.data());
    const ffi_status real =
        fn->variadic || st != FFI_OK
            ? st
            : ffi_prep_cif(&sig->cif, abi, static_cast<unsigned>(sig->expanded.size()), sig->result,
                           sig->expanded.data());
    if (real != FFI_OK)
        throw_invalid("ctypes: cannot declare '" + name + "': libffi refuses the signature (" +
                      ffi_status_name(real) + ")");
    sig->fast = fast_call_suits(*fn) && abi == FFI_DEFAULT_ABI;
    if (fn->variadic)
        sig->variadic = std::make_unique<variadic_cifs>();
    sig->plain = !fn->variadic && sig->expanded.size() == fn->params.size();
    for (std::size_t j = 0; j < fn->params.size(); ++j) {
        param_plan pp = plan_parameter(*fn->params[j]);
        if (sig->fast)
            pp.reg = fast_register_of(*fn, j);
        sig->plain = sig->plain && pp.form != arg_form::other;
        sig->plan.push_back(pp);
    }
    sig->result_form = plan_result(*fn->target);
    sig->plain =
        sig->plain && (sig->result_form.is_void || sig->result_form.form != arg_form::other);
    sig->result_interned = interned(*fn->target);
    // (void has the `other` form and no shared copy)
    sig->result_in_register =
        sig->result_interned != nullptr && sig->result_form.form != arg_form::other;
    if (sig->fast)
        sig->fast_vectors = fast_vectors_of(*fn);
    // libffi lays records out from their elements: where that differs from C's layout the call
    // would be wrong, so it is refused instead.
    const auto same = [&](const c_type &c, const ffi_type *f) {
        return !is_record(c.kind) || (f->size == c.size && f->alignment == c.align);
    };
    for (std::size_t j = 0; j < fn->params.size(); ++j)
        if (!same(*fn->params[j], sig->params[j]))
            throw_invalid("ctypes: cannot declare '" + name + "': " + at.parameter(j) +
                          " has a layout libffi cannot reproduce");
    if (!same(*fn->target, sig->result))
        throw_invalid("ctypes: cannot declare '" + name + "': the result " + fn->target->name +
                      " has a layout libffi cannot reproduce");
    return sig;
}

// N of `name@N` for a C function type, counted as stdcall_argument_bytes counts a C++ one.
inline std::size_t argument_bytes(const c_type &fn) {
    std::size_t bytes = 0;
    for (const type_ptr &p : fn.params)
        bytes += round_to_slots(p->size);
    return bytes;
}

// An inline declaration: `double(double)` or `double cos(double)`.
inline type_ptr inline_function(std::string_view text, const std::string &name) {
    const declarations_ptr scratch = make_declarations();
    auto decl = parsing("the declaration " + quote_text(text) + " of '" + name + "'", [&] {
        parser p(*scratch, lexer(text).run());
        return p.single_declaration();
    });
    if (decl.second->kind != c_kind::function)
        throw_invalid("ctypes: the declaration " + quote_text(text) + " of '" + name +
                      "' declares " + decl.second->name + ", not a function");
    if (!decl.first.empty() && decl.first != name)
        throw_invalid("ctypes: the declaration " + quote_text(text) + " declares '" + decl.first +
                      "', not '" + name + "'");
    return keeping(scratch, decl.second);
}

template <class Decl>
struct declaration_source;
template <>
struct declaration_source<cdef> {
    static type_ptr function(const cdef &d, const std::string &name) {
        return d.function_type(name);
    }
};
template <>
struct declaration_source<std::string> {
    static type_ptr function(const std::string &d, const std::string &name) {
        return inline_function(d, name);
    }
};
template <>
struct declaration_source<std::string_view> {
    static type_ptr function(std::string_view d, const std::string &name) {
        return inline_function(d, name);
    }
};
template <>
struct declaration_source<const char *> {
    static type_ptr function(const char *d, const std::string &name) {
        if (!d)
            throw_invalid("ctypes: get_dynamic(\"" + name + "\") needs a declaration, not null");
        return inline_function(d, name);
    }
};
template <std::size_t N>
struct declaration_source<char[N]> : declaration_source<const char *> {};

} // namespace detail::dynamic

namespace detail::dynamic {

// The state a libffi closure calls into: its cif, the C++ callable, and the closure itself.
struct closure_state {
    type_ptr type;                                 // the function type
    std::shared_ptr<prepared_signature> signature; // the cif and the ffi_types it points to
    ffi_closure *closure = nullptr;
    void *code = nullptr;
    std::string name;
    std::function<value(const std::vector<value> &)> call;

    closure_state() = default;
    closure_state(const closure_state &) = delete;
    closure_state &operator=(const closure_state &) = delete;
    ~closure_state() {
        if (closure)
            ffi_closure_free(closure);
    }

    // Called by libffi with the C arguments. Nothing may unwind into C: an exception (from the
    // callable or from converting its result) is parked for the façade call that reached C and
    // the result is zero.
    static void entry(ffi_cif *, void *ret, void **args, void *user) noexcept {
        auto *self = static_cast<closure_state *>(user);
        const c_type &fn = *self->type;
        const std::size_t ret_size =
            fn.target->kind == c_kind::void_type
                ? 0
                : (is_integer(fn.target->kind) && fn.target->size < sizeof(ffi_arg)
                       ? sizeof(ffi_arg)
                       : fn.target->size);
        if (ret_size)
            std::memset(ret, 0, ret_size);
        try {
            std::vector<value> in;
            in.reserve(fn.params.size());
            for (std::size_t i = 0; i < fn.params.size(); ++i) {
                value v(fn.params[i]);
                std::memcpy(v.raw(), args[i], fn.params[i]->size);
                in.push_back(std::move(v));
            }
            // Façade calls the callable makes see only their own callbacks' exceptions.
            const detail::parked_set_aside aside;
            const value out = self->call(in);
            if (fn.target->kind == c_kind::void_type)
                return;
            arg_slot slot;
            void *where = nullptr;
            const call_site at{fn, self->name, "a callback of type"};
            convert(*fn.target, out, slot, where, at, result_index);
            if (is_integer(fn.target->kind) && fn.target->size < sizeof(ffi_arg)) {
                value narrow(fn.target);
                std::memcpy(narrow.raw(), where, fn.target->size);
                const ffi_arg wide =
                    fn.target->is_signed
                        ? static_cast<ffi_arg>(static_cast<ffi_sarg>(narrow.signed_integer()))
                        : static_cast<ffi_arg>(narrow.unsigned_integer());
                std::memcpy(ret, &wide, sizeof wide);
            } else {
                std::memcpy(ret, where, fn.target->size);
            }
        } catch (...) {
            park_callback_exception();
        }
    }
};

// What a dynamic_callback's callable returned, as a value of the C result type.
template <class R>
value callback_result(R &&r) {
    using T = std::decay_t<R>;
    if constexpr (std::is_same_v<T, value>)
        return std::forward<R>(r);
    else if constexpr (std::is_enum_v<T>)
        return value::of(static_cast<std::underlying_type_t<T>>(r));
    else
        return value::of(r);
}

} // namespace detail::dynamic

/// A C function pointer made at run time for a runtime signature (ctypes `CFUNCTYPE(...)(f)`,
/// cffi `ffi.callback`), calling a C++ callable through a libffi closure.
///
/// The callable receives the C arguments as a `const std::vector<ctypes::value> &` (read each
/// with as<T>()) and returns the C result: a ctypes::value, a number or a pointer (converted by
/// the result's C type, checked as an argument is), or nothing for a `void` result.
/// An exception it throws never unwinds through C: it is parked and rethrown in the C++ caller
/// when the foreign call that reached the callback returns (any function or dynamic_function
/// call does so), exactly as for ctypes::callback. The C caller then sees a zero result.
///
/// Move-only; the function pointer is valid while the object lives. Calls from many threads at
/// once are safe if the callable is. The calling convention is the platform's C one (cdecl,
/// CFUNCTYPE) unless a convention is given: `ctypes::stdcall_convention{}` makes a stdcall
/// closure (WINFUNCTYPE), which differs from cdecl on 32-bit x86 only (there libffi's
/// FFI_STDCALL: the callback pops its arguments), on Windows and Linux alike.
/// \see https://docs.python.org/3/library/ctypes.html#callback-functions
/// \code
/// ctypes::dynamic_callback cmp{"int(const void *, const void *)",
///     [](const std::vector<ctypes::value> &a) {
///         return *a[0].as<const int *>() - *a[1].as<const int *>();
///     }};
/// qsort(values, n, sizeof(int), cmp.get());
/// \endcode
class dynamic_callback {
public:
    /// \param type the callback's C type: a function type (`"int(const void *, const void *)"`)
    /// or a pointer to one (`"void (*)(int)"`).
    /// \param f the callable (see the class).
    /// \throws declaration_error when `type` does not parse; error (std::errc::invalid_argument)
    /// when it is not a function type or libffi cannot make a closure of it (a record with a
    /// layout libffi cannot reproduce, an incomplete type); std::bad_alloc when libffi has no
    /// closure memory.
    /// \param convention `ctypes::cdecl_convention{}` (the default) or
    /// `ctypes::stdcall_convention{}`; any other type is rejected at compile time.
    template <class F, class Conv = cdecl_convention>
    dynamic_callback(std::string_view type, F &&f, Conv convention = {})
        : dynamic_callback(cdef(), type, std::forward<F>(f), convention) {}

    /// As above, with the names `decls` declares: a typedef of a function pointer type
    /// (`"XML_StartElementHandler"`), or a type written with its typedefs.
    template <class F, class Conv = cdecl_convention>
    dynamic_callback(const cdef &decls, std::string_view type, F &&f, Conv convention = {}) {
        static_assert(std::is_same_v<Conv, cdecl_convention> ||
                          std::is_same_v<Conv, stdcall_convention>,
                      "ctypes: a dynamic_callback's convention must be ctypes::cdecl_convention "
                      "(CFUNCTYPE) or ctypes::stdcall_convention (WINFUNCTYPE); pass one of those");
        (void)convention;
        detail::dynamic::type_ptr t = decls.type(type);
        if (t->kind == detail::dynamic::c_kind::pointer &&
            t->target->kind == detail::dynamic::c_kind::function)
            t = t->target;
        if (t->kind != detail::dynamic::c_kind::function)
            detail::dynamic::throw_invalid(
                "ctypes: a dynamic_callback needs a function type, not " + t->name);
        make(t, std::string(type), wrap(std::forward<F>(f)),
             detail::dynamic::abi_of<Conv>(t->variadic));
    }

    /// Moves the closure; the moved-from object holds none (get() is null). Throws nothing.
    dynamic_callback(dynamic_callback &&) noexcept = default;
    /// \copydoc dynamic_callback(dynamic_callback &&)
    dynamic_callback &operator=(dynamic_callback &&) noexcept = default;

    /// The C function pointer, valid while this object lives. Throws nothing.
    void *get() const noexcept { return state_ ? state_->code : nullptr; }
    /// The C function pointer as a function pointer type of the caller's choice.
    template <class P>
    P get_as() const noexcept {
        static_assert(std::is_pointer_v<P> && std::is_function_v<std::remove_pointer_t<P>>,
                      "ctypes: dynamic_callback::get_as<P>() needs a function pointer type");
        return reinterpret_cast<P>(get());
    }
    /// The callback's C type as C spells it. Throws nothing but std::bad_alloc.
    std::string signature() const { return state_ ? state_->type->name : std::string(); }

private:
    template <class F>
    static std::function<value(const std::vector<value> &)> wrap(F &&f) {
        using D = std::decay_t<F>;
        static_assert(std::is_invocable_v<D &, const std::vector<value> &>,
                      "ctypes: a dynamic_callback's callable takes the arguments as "
                      "const std::vector<ctypes::value> &");
        return [g = D(std::forward<F>(f))](const std::vector<value> &args) mutable -> value {
            using R = std::invoke_result_t<D &, const std::vector<value> &>;
            if constexpr (std::is_void_v<R>) {
                g(args);
                return value();
            } else {
                return detail::dynamic::callback_result(g(args));
            }
        };
    }

    void make(const detail::dynamic::type_ptr &fn, std::string name,
              std::function<value(const std::vector<value> &)> call, ffi_abi abi) {
        using namespace detail::dynamic;
        auto st = std::make_unique<closure_state>();
        st->type = fn;
        st->name = std::move(name);
        st->call = std::move(call);
        if (fn->variadic)
            throw_invalid("ctypes: a dynamic_callback cannot be variadic ('" + st->name + "')");
        st->signature = prepare(fn, abi, st->name);
        st->closure = static_cast<ffi_closure *>(ffi_closure_alloc(sizeof(ffi_closure), &st->code));
        if (!st->closure)
            throw std::bad_alloc();
        const ffi_status s = ffi_prep_closure_loc(st->closure, &st->signature->cif,
                                                  &closure_state::entry, st.get(), st->code);
        if (s != FFI_OK)
            throw_invalid("ctypes: libffi cannot make a closure of type " + fn->name + " (" +
                          ffi_status_name(s) + ")");
        state_ = std::move(st);
    }

    std::unique_ptr<detail::dynamic::closure_state> state_;
};

namespace detail {

template <class Decl>
struct dynamic_lookup<Decl, std::void_t<decltype(dynamic::declaration_source<Decl>::function)>> {
    using function_type = dynamic_function;

    template <class Policy, class Find>
    static dynamic_function make(const symbol_name &name, const Decl &decl, load_flags call_flags,
                                 load_flags library_flags, const state_ptr &state, Find &&find) {
        const std::string label = name.label();
        if ((call_flags & ~(use_errno | use_last_error | rethrow_callbacks)) != load_flags::none)
            throw error(errc::bad_flags, "ctypes: get_dynamic(" + name.argument() +
                                             ") takes only use_errno, use_last_error and "
                                             "rethrow_callbacks as flags; rtld_* flags belong to "
                                             "the library");
        const dynamic::type_ptr fn = dynamic::declaration_source<Decl>::function(decl, label);
        using convention = typename Policy::convention;
        const ffi_abi abi = dynamic::abi_of<convention>(fn->variadic);
        auto sig = dynamic::prepare(fn, abi, label);
        auto check = dynamic::checker_for<typename Policy::result_check>(*fn->target, label);
        // The typed lookup's decoration (stdcall's `_name@N`, a convention's own `decorate`),
        // from the declaration's bytes of arguments.
        void *p = find(fn->variadic ? decoration{}
                                    : decoration_for<convention>(dynamic::argument_bytes(*fn)));
        return dynamic_function(p, std::move(sig), library_flags | call_flags, state, label, check);
    }
};

} // namespace detail

} // namespace ctypes

#endif
