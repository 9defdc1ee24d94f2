// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_PARSER_HPP
#define CTYPES_DETAIL_DYNAMIC_PARSER_HPP

// A recursive-descent reader of the C that the API sections of headers use: prototypes,
// typedefs, struct/union/enum definitions, integer #defines, #pragma pack, qualifiers and GCC
// attributes (skipped, except `packed`). cffi's cdef is the model of what it accepts. Every error
// names the token where it stopped, what it found and what it expected.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c_type.hpp"
#include "lexer.hpp"

namespace ctypes::detail::dynamic {

struct declarations {
    std::map<std::string, type_ptr> typedefs;
    std::map<std::string, std::shared_ptr<c_type>> tags; // "struct x", "union x", "enum x"
    std::map<std::string, type_ptr> functions;           // the function types, by name
    std::map<std::string, type_ptr> variables;
    std::map<std::string, std::int64_t> constants; // enumerators and #defines
    std::set<std::string> erased;                  // #define NAME with no value
    std::vector<std::size_t> pack_stack;
    std::size_t pack = 0;
    std::size_t count = 0; // the declarations and enumerators read, bounded by max_declarations
};

// How many declarations (and enumerators) one set may hold, and how deeply parentheses,
// declarators, parameter lists, records and operators may nest in a text.
inline constexpr std::size_t max_declarations = 1000000;
inline constexpr std::size_t max_nesting = 256;

// Every set of declarations is owned through this: a struct that points to itself (`struct node
// { struct node *next; }`, or two that point to each other) owns itself through its pointer
// member's type, so when the last owner goes the tagged records' members are dropped first,
// which breaks every such cycle (a cycle always passes through a tagged record: only a tag can be
// named before its definition).
using declarations_ptr = std::shared_ptr<declarations>;
inline declarations_ptr make_declarations() {
    return declarations_ptr(new declarations, [](declarations *d) noexcept {
        for (auto &tag : d->tags)
            tag.second->fields.clear();
        delete d;
    });
}

// A type handed out of a set of declarations: it keeps the set (and so every record it reaches
// through a pointer) alive, so the cycles above are broken only when nothing uses them.
inline type_ptr keeping(const declarations_ptr &d, type_ptr t) {
    auto holder = std::make_shared<std::pair<declarations_ptr, type_ptr>>(d, std::move(t));
    const c_type *raw = holder->second.get();
    return type_ptr(std::move(holder), raw);
}

// The C type names every declaration text may use without declaring them: <stdint.h>,
// <stddef.h>, <stdbool.h>, <wchar.h>, <uchar.h>, <stdio.h>'s FILE and <sys/types.h>'s ssize_t.
inline const std::map<std::string, type_ptr, std::less<>> &builtin_typedefs() {
    static const std::map<std::string, type_ptr, std::less<>> names = [] {
        std::map<std::string, type_ptr, std::less<>> m;
        const auto integer = [&](const char *name, auto sample) {
            using T = decltype(sample);
            m[name] = scalar<T>(kind_of<T>(), name);
        };
        integer("int8_t", std::int8_t{});
        integer("uint8_t", std::uint8_t{});
        integer("int16_t", std::int16_t{});
        integer("uint16_t", std::uint16_t{});
        integer("int32_t", std::int32_t{});
        integer("uint32_t", std::uint32_t{});
        integer("int64_t", std::int64_t{});
        integer("uint64_t", std::uint64_t{});
        integer("intptr_t", std::intptr_t{});
        integer("uintptr_t", std::uintptr_t{});
        integer("intmax_t", std::intmax_t{});
        integer("uintmax_t", std::uintmax_t{});
        integer("size_t", std::size_t{});
        integer("ptrdiff_t", std::ptrdiff_t{});
        integer("ssize_t", std::make_signed_t<std::size_t>{});
        m["wchar_t"] = scalar<wchar_t>(c_kind::wchar_type, "wchar_t");
        m["char16_t"] = scalar<char16_t>(c_kind::char16_type, "char16_t");
        m["char32_t"] = scalar<char32_t>(c_kind::char32_type, "char32_t");
        m["bool"] = scalar<bool>(c_kind::bool_type, "bool");
        auto file = std::make_shared<c_type>();
        file->kind = c_kind::struct_type;
        file->name = "FILE";
        file->complete = false;
        m["FILE"] = file;
        return m;
    }();
    return names;
}

inline const type_ptr &builtin_void() {
    static const type_ptr t = void_type();
    return t;
}

class parser {
public:
    parser(declarations &d, std::vector<token> tokens) : d_(d), t_(std::move(tokens)) {}

    // Declarations until the end of the text.
    void translation_unit() {
        int extern_c = 0;
        while (peek().kind != token_kind::end) {
            const token &t = peek();
            if (is_punct(t, ";")) {
                next();
            } else if (is_punct(t, "}") && extern_c > 0) {
                next();
                --extern_c;
            } else if (is_ident(t, "extern") && peek(1).kind == token_kind::string) {
                next();
                if (next().text != "\"C\"")
                    fail(t_[i_ - 1], "\"C\"");
                if (accept("{"))
                    ++extern_c;
            } else {
                declaration();
            }
        }
        if (extern_c > 0)
            fail(peek(), "'}' closing extern \"C\" {");
    }

    // One declaration and nothing else (`double cos(double)`, or the abstract `double(double)`);
    // the name it declares is empty for an abstract one.
    std::pair<std::string, type_ptr> single_declaration() {
        std::pair<std::string, type_ptr> out;
        const specifiers s = parse_specifiers(false);
        declarator dc;
        parse_declarator(dc, s.is_const, true);
        out.first = dc.name;
        out.second = apply(s.type, dc);
        accept(";");
        if (peek().kind != token_kind::end)
            fail(peek(), "the end of the declaration");
        return out;
    }

    // A type name, as sizeof takes one: `struct point`, `int *`, `POINT[3]`.
    type_ptr type_name_only() {
        type_ptr t = type_name();
        if (peek().kind != token_kind::end)
            fail(peek(), "the end of the type name");
        return t;
    }

private:
    struct specifiers {
        type_ptr type;
        bool is_typedef = false;
        bool is_const = false;
    };
    struct decl_op {
        enum kind_t { ptr, arr, fn } kind = ptr;
        bool const_target = false;
        std::size_t count = 0;
        std::vector<type_ptr> params;
        std::vector<std::string> names;
        bool variadic = false;
        token at;
    };
    struct declarator {
        std::string name;
        token name_token;
        std::vector<decl_op> ops;
    };

    // One level of nesting (a parenthesis, a declarator, a parameter list, a record, an
    // operator) for as long as it lives; deeper than max_nesting is an error at `at`.
    class nesting {
    public:
        nesting(parser &p, const token &at) : p_(p) {
            if (++p_.depth_ > max_nesting) {
                --p_.depth_;
                fail_text(at, "found " + describe(at) + " nested more than " +
                                  std::to_string(max_nesting) + " levels deep, expected less");
            }
        }
        nesting(const nesting &) = delete;
        nesting &operator=(const nesting &) = delete;
        ~nesting() { --p_.depth_; }

    private:
        parser &p_;
    };

    // Counts one more declaration or enumerator against max_declarations.
    void count_declaration(const token &at) {
        if (++d_.count > max_declarations)
            fail_text(at, "found more than " + std::to_string(max_declarations) +
                              " declarations, expected fewer");
    }

    // A type built at `at`: no deeper than max_type_depth.
    static const type_ptr &bounded(const type_ptr &t, const token &at) {
        if (t->depth > max_type_depth)
            fail_text(at, "found a type " + std::to_string(t->depth) +
                              " levels deep, expected at most " + std::to_string(max_type_depth));
        return t;
    }

    // Directives take effect where they stand, between any two tokens (expat's enums hold
    // #defines): the one at the current position runs before that position is looked at.
    void settle() {
        while (t_[i_].kind == token_kind::directive) {
            const token d = t_[i_++];
            directive(d);
        }
    }
    const token &peek(std::size_t k = 0) {
        settle();
        std::size_t j = i_;
        for (std::size_t n = 0; n < k && j + 1 < t_.size();) {
            ++j;
            if (t_[j].kind != token_kind::directive)
                ++n;
        }
        return t_[j];
    }
    token next() {
        token t = peek();
        if (i_ + 1 < t_.size())
            ++i_;
        return t;
    }
    static bool is_punct(const token &t, std::string_view p) {
        return t.kind == token_kind::punct && t.text == p;
    }
    static bool is_ident(const token &t, std::string_view p) {
        return t.kind == token_kind::identifier && t.text == p;
    }
    bool accept(std::string_view p) {
        if (!is_punct(peek(), p))
            return false;
        next();
        return true;
    }
    void expect(std::string_view p) {
        if (!accept(p))
            fail(peek(), "'" + std::string(p) + "'");
    }
    [[noreturn]] static void fail(const token &t, const std::string &expected) {
        throw syntax_error{t.line, t.column, "found " + describe(t) + ", expected " + expected};
    }
    [[noreturn]] static void fail_text(const token &t, std::string text) {
        throw syntax_error{t.line, t.column, std::move(text)};
    }

    static bool is_qualifier(std::string_view s) {
        static const std::string_view words[] = {
            "const",      "volatile",     "restrict",  "__restrict",    "__restrict__",
            "__const",    "__volatile__", "extern",    "static",        "inline",
            "__inline",   "__inline__",   "_Noreturn", "__extension__", "register",
            "__cdecl",    "_cdecl",       "__stdcall", "_stdcall",      "WINAPI",
            "__fastcall", "_Nullable",    "_Nonnull",  "__wur",         "__THROW"};
        return std::find(std::begin(words), std::end(words), s) != std::end(words);
    }
    static bool is_attribute(std::string_view s) {
        return s == "__attribute__" || s == "__attribute" || s == "__declspec" || s == "__asm__" ||
               s == "__asm" || s == "asm" || s == "_Alignas";
    }
    static bool is_builtin_word(std::string_view s) {
        static const std::string_view words[] = {"void",     "char",  "short",      "int",
                                                 "long",     "float", "double",     "signed",
                                                 "unsigned", "_Bool", "__signed__", "__signed"};
        return std::find(std::begin(words), std::end(words), s) != std::end(words);
    }

    const type_ptr *find_typedef(const std::string &name) const {
        auto it = d_.typedefs.find(name);
        if (it != d_.typedefs.end())
            return &it->second;
        const auto &b = builtin_typedefs();
        auto jt = b.find(name);
        return jt == b.end() ? nullptr : &jt->second;
    }

    // Whether a type name starts here (for casts, sizeof, and telling a parameter list from a
    // parenthesised declarator).
    bool starts_type(const token &t) const {
        if (t.kind != token_kind::identifier)
            return false;
        return is_builtin_word(t.text) || t.text == "struct" || t.text == "union" ||
               t.text == "enum" || t.text == "const" || t.text == "volatile" ||
               find_typedef(t.text) != nullptr;
    }

    // Skips `__attribute__((...))` and friends; true when one said `packed`.
    bool skip_attributes() {
        bool packed = false;
        while (peek().kind == token_kind::identifier && is_attribute(peek().text)) {
            const token at = next();
            if (!is_punct(peek(), "("))
                fail(peek(), "'(' after " + describe(at));
            std::size_t depth = 0;
            do {
                const token t = next();
                if (t.kind == token_kind::end)
                    fail(t, "')' closing " + describe(at));
                if (is_punct(t, "("))
                    ++depth;
                else if (is_punct(t, ")"))
                    --depth;
                else if (is_ident(t, "packed") || is_ident(t, "__packed__"))
                    packed = true;
            } while (depth > 0);
        }
        return packed;
    }

    void skip_qualifiers(bool *is_const) {
        while (true) {
            const token &t = peek();
            if (t.kind != token_kind::identifier)
                return;
            if (is_attribute(t.text)) {
                skip_attributes();
                continue;
            }
            if (!is_qualifier(t.text) && !d_.erased.count(t.text))
                return;
            if (is_const && (t.text == "const" || t.text == "__const"))
                *is_const = true;
            next();
        }
    }

    specifiers parse_specifiers(bool allow_typedef) {
        specifiers s;
        int n_signed = 0, n_unsigned = 0, n_short = 0, n_long = 0, n_char = 0, n_int = 0,
            n_float = 0, n_double = 0, n_void = 0, n_bool = 0;
        type_ptr named;
        token first = peek();
        bool builtin = false;
        while (true) {
            const token &t = peek();
            if (t.kind != token_kind::identifier)
                break;
            const std::string &w = t.text;
            if (w == "typedef") {
                if (!allow_typedef)
                    fail(t, "a type (typedef is not allowed here)");
                s.is_typedef = true;
                next();
            } else if (is_attribute(w)) {
                skip_attributes();
            } else if (w == "const" || w == "__const") {
                s.is_const = true;
                next();
            } else if (is_qualifier(w) || d_.erased.count(w)) {
                next();
            } else if (is_builtin_word(w)) {
                if (named)
                    fail(t, "a declarator after the type " + named->name);
                builtin = true;
                next();
                if (w == "signed" || w == "__signed__" || w == "__signed")
                    ++n_signed;
                else if (w == "unsigned")
                    ++n_unsigned;
                else if (w == "short")
                    ++n_short;
                else if (w == "long")
                    ++n_long;
                else if (w == "char")
                    ++n_char;
                else if (w == "int")
                    ++n_int;
                else if (w == "float")
                    ++n_float;
                else if (w == "double")
                    ++n_double;
                else if (w == "void")
                    ++n_void;
                else
                    ++n_bool;
            } else if (w == "struct" || w == "union" || w == "enum") {
                if (named || builtin)
                    fail(t, "one type, not two");
                named = w == "enum" ? enumeration() : record();
            } else if (w == "_Complex" || w == "__int128" || w == "_Float128" ||
                       w == "__float128" || w == "_Atomic" || w == "__builtin_va_list" ||
                       w == "va_list") {
                fail_text(t, "found " + describe(t) + ", expected a type libffi can pass: " + w +
                                 " is not supported");
            } else if (!named && !builtin) {
                const type_ptr *td = find_typedef(w);
                if (!td)
                    fail_text(t, "found unknown type name '" + w + "', expected a type");
                named = *td;
                next();
            } else {
                break;
            }
        }
        if (named) {
            s.type = named;
            return s;
        }
        if (!builtin)
            fail(first.kind == token_kind::end ? first : peek(), "a type");
        const auto bad = [&] { fail_text(first, "found an invalid combination of type words"); };
        if (n_signed + n_unsigned > 1 || n_short > 1 || n_long > 2 || (n_short && n_long) ||
            n_char + n_int + n_float + n_double + n_void + n_bool > 1)
            bad();
        if (n_void) {
            if (n_signed + n_unsigned + n_short + n_long)
                bad();
            s.type = builtin_void();
        } else if (n_bool) {
            if (n_signed + n_unsigned + n_short + n_long)
                bad();
            s.type = bool_type();
        } else if (n_float || n_double) {
            if (n_signed + n_unsigned + n_short || (n_float && n_long) || n_long > 1)
                bad();
            s.type = n_float  ? scalar<float>(c_kind::float_type, "float")
                     : n_long ? scalar<long double>(c_kind::long_double, "long double")
                              : scalar<double>(c_kind::double_type, "double");
        } else if (n_char) {
            if (n_short || n_long)
                bad();
            s.type = n_signed     ? scalar<signed char>(c_kind::signed_char, "signed char")
                     : n_unsigned ? scalar<unsigned char>(c_kind::unsigned_char, "unsigned char")
                                  : scalar<char>(c_kind::char_type, "char");
        } else if (n_short) {
            s.type = n_unsigned ? scalar<unsigned short>(c_kind::unsigned_short, "unsigned short")
                                : scalar<short>(c_kind::short_type, "short");
        } else if (n_long == 1) {
            s.type = n_unsigned ? scalar<unsigned long>(c_kind::unsigned_long, "unsigned long")
                                : scalar<long>(c_kind::long_type, "long");
        } else if (n_long == 2) {
            s.type = n_unsigned ? scalar<unsigned long long>(c_kind::unsigned_long_long,
                                                             "unsigned long long")
                                : scalar<long long>(c_kind::long_long, "long long");
        } else {
            s.type = n_unsigned ? scalar<unsigned>(c_kind::unsigned_int, "unsigned int")
                                : scalar<int>(c_kind::int_type, "int");
        }
        return s;
    }

    static type_ptr bool_type() { return scalar<bool>(c_kind::bool_type, "_Bool"); }

    std::shared_ptr<c_type> tag(const std::string &key, c_kind kind) {
        auto &slot = d_.tags[key];
        if (!slot) {
            slot = std::make_shared<c_type>();
            slot->kind = kind;
            slot->name = key;
            slot->complete = false;
        }
        return slot;
    }

    type_ptr record() {
        const token kw = next();
        const nesting level(*this, kw);
        const c_kind kind = kw.text == "struct" ? c_kind::struct_type : c_kind::union_type;
        bool packed = skip_attributes();
        std::shared_ptr<c_type> t;
        if (peek().kind == token_kind::identifier && !is_attribute(peek().text)) {
            const token name = next();
            t = tag(kw.text + " " + name.text, kind);
            if (t->kind != kind)
                fail_text(name, "found '" + kw.text + " " + name.text +
                                    "', which was declared as another kind of tag");
        }
        packed = skip_attributes() || packed;
        if (!is_punct(peek(), "{")) {
            if (!t)
                fail(peek(), "a tag name or '{' after " + describe(kw));
            return t;
        }
        const token brace = next();
        count_declaration(brace);
        if (!t) {
            t = std::make_shared<c_type>();
            t->kind = kind;
            t->name = kw.text + " <anonymous>";
        } else if (t->complete) {
            fail_text(brace, "found a second definition of " + t->name + ", expected one");
        }
        std::vector<c_field> fields;
        while (!accept("}")) {
            if (peek().kind == token_kind::end)
                fail(peek(), "'}' closing " + t->name);
            const specifiers s = parse_specifiers(false);
            if (accept(";")) {
                if (is_record(s.type->kind) &&
                    s.type->name.find("<anonymous>") != std::string::npos) {
                    c_field f;
                    f.type = s.type;
                    fields.push_back(std::move(f));
                }
                continue;
            }
            while (true) {
                declarator dc;
                const token at = peek();
                parse_declarator(dc, s.is_const, true);
                c_field f;
                f.name = dc.name;
                f.type = apply(s.type, dc);
                if (accept(":")) {
                    const token w = peek();
                    const std::int64_t width = constant_expression();
                    if (!is_integer(f.type->kind))
                        fail_text(at, "found a bit-field of type " + f.type->name +
                                          ", expected an integer type");
                    if (width < 0 || static_cast<std::uint64_t>(width) > f.type->size * 8 ||
                        (width == 0 && !f.name.empty()))
                        fail_text(w, "found a bit-field width of " + std::to_string(width) +
                                         ", expected 1 to " + std::to_string(f.type->size * 8));
                    f.is_bit_field = true;
                    f.bit_width = static_cast<unsigned>(width);
                } else {
                    if (dc.name.empty())
                        fail(at, "a member name");
                    check_object(at, *f.type, "member '" + dc.name + "'", true);
                }
                skip_attributes();
                fields.push_back(std::move(f));
                if (accept(","))
                    continue;
                expect(";");
                break;
            }
        }
        packed = skip_attributes() || packed;
        t->fields = std::move(fields);
        if (!lay_out(*t, d_.pack, packed)) {
            t->fields.clear();
            t->complete = false;
            t->size = 0;
            fail_text(kw, "found " + t->name + " of more than " + std::to_string(max_object_size) +
                              " bytes, expected a smaller object");
        }
        bounded(t, kw);
        return t;
    }

    // A member or variable must have a complete object type; a flexible array member `[]`
    // is allowed last in a struct (checked loosely: anywhere).
    void check_object(const token &at, const c_type &t, const std::string &what,
                      bool member) const {
        if (t.kind == c_kind::void_type || t.kind == c_kind::function ||
            (!t.complete && !(member && t.kind == c_kind::array)))
            fail_text(at, "found " + what + " of incomplete type " + t.name +
                              ", expected a complete object type");
    }

    type_ptr enumeration() {
        const token kw = next();
        skip_attributes();
        std::string key = "enum <anonymous>";
        const bool named = peek().kind == token_kind::identifier;
        if (named)
            key = "enum " + next().text;
        if (!accept("{")) {
            if (!named)
                fail(peek(), "a tag name or '{' after 'enum'");
            auto t = d_.tags.find(key);
            if (t != d_.tags.end())
                return t->second;
            return enum_type(key, 0, 0); // a forward-declared enum: int
        }
        std::int64_t next_value = 0, low = 0, high = 0;
        bool any = false;
        while (!accept("}")) {
            const token name = next();
            if (name.kind != token_kind::identifier)
                fail(name, "an enumerator name");
            count_declaration(name);
            std::int64_t v = next_value;
            if (accept("="))
                v = constant_expression();
            d_.constants[name.text] = v;
            low = any ? std::min(low, v) : v;
            high = any ? std::max(high, v) : v;
            any = true;
            next_value = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) + 1);
            if (!accept(",")) {
                expect("}");
                break;
            }
        }
        skip_attributes();
        auto t = enum_type(key, low, high);
        if (named) {
            auto &slot = d_.tags[key];
            if (slot && slot->complete && slot->kind == c_kind::enum_type)
                fail_text(kw, "found a second definition of " + key + ", expected one");
            slot = t;
        }
        return t;
    }

    static std::shared_ptr<c_type> enum_type(const std::string &name, std::int64_t low,
                                             std::int64_t high) {
        type_ptr under;
#if defined(_WIN32)
        (void)low;
        (void)high;
        under = scalar<int>(c_kind::int_type, "int");
#else
        if (low < 0)
            under = (low >= INT32_MIN && high <= INT32_MAX)
                        ? scalar<int>(c_kind::int_type, "int")
                        : scalar<long long>(c_kind::long_long, "long long");
        else
            under =
                static_cast<std::uint64_t>(high) <= UINT32_MAX
                    ? scalar<unsigned>(c_kind::unsigned_int, "unsigned int")
                    : scalar<unsigned long long>(c_kind::unsigned_long_long, "unsigned long long");
#endif
        auto t = std::make_shared<c_type>();
        t->kind = c_kind::enum_type;
        t->name = name;
        t->size = under->size;
        t->align = under->align;
        t->is_signed = under->is_signed;
        t->target = under;
        return t;
    }

    // Declarator grammar: pointers, then a name or a parenthesised declarator, then suffixes.
    void parse_declarator(declarator &dc, bool const_target, bool abstract_ok) {
        const nesting level(*this, peek());
        std::vector<decl_op> pointers;
        bool target_const = const_target;
        skip_qualifiers(nullptr); // `(XMLCALL *handler)`, `(__stdcall *f)`
        while (is_punct(peek(), "*")) {
            if (pointers.size() >= max_type_depth)
                fail_text(peek(), "found more than " + std::to_string(max_type_depth) +
                                      " levels of '*', expected fewer");
            decl_op op;
            op.at = next();
            op.kind = decl_op::ptr;
            op.const_target = target_const;
            target_const = false;
            skip_qualifiers(&target_const);
            pointers.push_back(std::move(op));
        }
        skip_qualifiers(nullptr);
        declarator inner;
        bool nested = false;
        if (is_punct(peek(), "(") && !starts_type(peek(1)) && !is_punct(peek(1), ")") &&
            !is_punct(peek(1), "...")) {
            next();
            parse_declarator(inner, false, abstract_ok);
            expect(")");
            nested = true;
            dc.name = inner.name;
            dc.name_token = inner.name_token;
        } else if (peek().kind == token_kind::identifier && !starts_type(peek())) {
            dc.name_token = next();
            dc.name = dc.name_token.text;
        } else if (!abstract_ok) {
            fail(peek(), "a name");
        }
        std::vector<decl_op> suffixes;
        while (true) {
            skip_attributes();
            if (is_punct(peek(), "[")) {
                decl_op op;
                op.at = next();
                op.kind = decl_op::arr;
                skip_qualifiers(nullptr);
                if (!is_punct(peek(), "]")) {
                    const token at = peek();
                    const std::int64_t n = constant_expression();
                    if (n <= 0 || static_cast<std::uint64_t>(n) > max_object_size)
                        fail_text(at, "found an array size of " + std::to_string(n) +
                                          ", expected a positive size");
                    op.count = static_cast<std::size_t>(n);
                }
                expect("]");
                suffixes.push_back(std::move(op));
            } else if (is_punct(peek(), "(")) {
                decl_op op;
                op.at = next();
                op.kind = decl_op::fn;
                parameters(op);
                suffixes.push_back(std::move(op));
            } else {
                break;
            }
        }
        skip_attributes();
        dc.ops = std::move(pointers);
        for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it)
            dc.ops.push_back(std::move(*it));
        if (nested)
            for (decl_op &op : inner.ops)
                dc.ops.push_back(std::move(op));
    }

    void parameters(decl_op &op) {
        const nesting level(*this, op.at);
        if (accept(")"))
            return; // `f()`: as cffi, no parameters
        if (is_ident(peek(), "void") && is_punct(peek(1), ")")) {
            next();
            next();
            return;
        }
        while (true) {
            if (accept("...")) {
                op.variadic = true;
                expect(")");
                return;
            }
            const token at = peek();
            const specifiers s = parse_specifiers(false);
            declarator dc;
            parse_declarator(dc, s.is_const, true);
            type_ptr t = apply(s.type, dc);
            if (t->kind == c_kind::array)
                t = pointer_to(t->target);
            else if (t->kind == c_kind::function)
                t = pointer_to(t);
            if (t->kind == c_kind::void_type)
                fail_text(at, "found a parameter of type void, expected a type with values");
            op.params.push_back(std::move(t));
            op.names.push_back(dc.name);
            if (accept(")"))
                return;
            if (!accept(","))
                fail(peek(), "',' or ')' in the parameter list");
        }
    }

    type_ptr apply(type_ptr t, const declarator &dc) const {
        for (const decl_op &op : dc.ops) {
            if (op.kind == decl_op::ptr) {
                t = pointer_to(t, op.const_target);
            } else if (op.kind == decl_op::arr) {
                if (t->kind == c_kind::function || t->kind == c_kind::void_type || !t->complete)
                    fail_text(op.at, "found an array of " + t->name +
                                         ", expected an element of complete object type");
                if (op.count != 0 && t->size > max_object_size / op.count)
                    fail_text(op.at, "found an array of " + std::to_string(op.count) + " " +
                                         t->name + " of more than " +
                                         std::to_string(max_object_size) +
                                         " bytes, expected a smaller object");
                t = array_of(t, op.count);
            } else {
                if (t->kind == c_kind::function || t->kind == c_kind::array)
                    fail_text(op.at, "found a function returning " + t->name +
                                         ", expected a function returning a value or a pointer");
                t = function_of(t, op.params, op.names, op.variadic);
            }
            bounded(t, op.at);
        }
        return t;
    }

    type_ptr type_name() {
        const specifiers s = parse_specifiers(false);
        declarator dc;
        parse_declarator(dc, s.is_const, true);
        if (!dc.name.empty())
            fail(dc.name_token, "a type name without a declared name");
        return apply(s.type, dc);
    }

    void declaration() {
        const specifiers s = parse_specifiers(true);
        if (accept(";"))
            return; // a struct, union or enum definition alone
        while (true) {
            declarator dc;
            count_declaration(peek());
            parse_declarator(dc, s.is_const, false);
            type_ptr t = apply(s.type, dc);
            if (is_punct(peek(), "{"))
                fail_text(peek(), "found a function body, expected ';': cdef reads declarations, "
                                  "not definitions");
            if (s.is_typedef) {
                if (is_record(t->kind) && t->name.find("<anonymous>") != std::string::npos)
                    std::const_pointer_cast<c_type>(t)->name = dc.name;
                d_.typedefs[dc.name] = t;
            } else if (t->kind == c_kind::function) {
                d_.functions[dc.name] = t;
            } else {
                if (accept("="))
                    fail_text(t_[i_ - 1], "found an initializer, expected ';': cdef reads "
                                          "declarations, not definitions");
                check_object(dc.name_token, *t, "variable '" + dc.name + "'", false);
                d_.variables[dc.name] = t;
            }
            if (accept(","))
                continue;
            if (!accept(";"))
                fail(peek(), "';' after the declaration of '" + dc.name + "'");
            return;
        }
    }

    // #define NAME integer, #define NAME (nothing), #undef NAME, #pragma pack(...).
    void directive(const token &d) {
        std::vector<token> words;
        try {
            words = lexer(d.text).run();
        } catch (const syntax_error &e) {
            throw syntax_error{d.line, d.column + e.column, e.text};
        }
        for (token &w : words) {
            w.line = d.line;
            w.column += d.column;
        }
        const token &what = words[0];
        if (is_ident(what, "define") && words.size() >= 2 &&
            words[1].kind == token_kind::identifier) {
            const token &name = words[1];
            const std::size_t after = name.column - d.column + name.text.size() - 1;
            if (after < d.text.size() && d.text[after] == '(')
                fail_text(name, "found the function-like macro '" + name.text +
                                    "', expected '#define NAME integer'");
            count_declaration(name);
            std::vector<token> rest(words.begin() + 2, words.end());
            if (rest.size() == 2 && rest[0].kind == token_kind::identifier &&
                rest[0].text == name.text)
                return; // `#define X X` (expat's enumerators): the identity
            if (rest.size() == 2 && rest[0].kind == token_kind::identifier &&
                is_qualifier(rest[0].text)) {
                d_.erased.insert(name.text); // `#define SQLITE_EXTERN extern`: a storage class
                return;
            }
            if (rest.size() == 1) { // only the end token: an empty macro, erased where used
                d_.erased.insert(name.text);
                d_.constants.erase(name.text);
                return;
            }
            std::vector<token> saved = std::exchange(t_, std::move(rest));
            const std::size_t saved_i = std::exchange(i_, 0);
            try {
                const std::int64_t v = constant_expression();
                if (peek().kind != token_kind::end)
                    fail(peek(), "the end of the integer constant of '" + name.text + "'");
                d_.constants[name.text] = v;
            } catch (...) {
                t_ = std::move(saved);
                i_ = saved_i;
                throw;
            }
            t_ = std::move(saved);
            i_ = saved_i;
            return;
        }
        if (is_ident(what, "undef") && words.size() >= 2) {
            d_.constants.erase(words[1].text);
            d_.erased.erase(words[1].text);
            return;
        }
        if (is_ident(what, "pragma") && words.size() >= 2) {
            if (!is_ident(words[1], "pack"))
                return; // #pragma once and the others change nothing cdef reads
            pragma_pack(words);
            return;
        }
        fail_text(d, "found " + describe(d) +
                         ", expected '#define NAME integer' or '#pragma pack': conditionals and "
                         "includes are not read; write the declarations they select");
    }

    void pragma_pack(const std::vector<token> &w) {
        // pack(), pack(n), pack(push), pack(push, n), pack(pop)
        std::size_t i = 2;
        const auto bad = [&](const token &t) {
            fail(t, "pack(), pack(N), pack(push[, N]) or "
                    "pack(pop), N a power of two");
        };
        if (!is_punct(w[i], "("))
            bad(w[i]);
        ++i;
        const auto size = [&](const token &t) {
            if (t.kind != token_kind::number || t.number == 0 || t.number > 16 ||
                (t.number & (t.number - 1)) != 0)
                bad(t);
            return static_cast<std::size_t>(t.number);
        };
        if (is_punct(w[i], ")")) {
            d_.pack = 0;
        } else if (is_ident(w[i], "push")) {
            d_.pack_stack.push_back(d_.pack);
            ++i;
            if (is_punct(w[i], ",")) {
                d_.pack = size(w[i + 1]);
                i += 2;
            }
            if (!is_punct(w[i], ")"))
                bad(w[i]);
        } else if (is_ident(w[i], "pop")) {
            d_.pack = d_.pack_stack.empty() ? 0 : d_.pack_stack.back();
            if (!d_.pack_stack.empty())
                d_.pack_stack.pop_back();
            if (!is_punct(w[i + 1], ")"))
                bad(w[i + 1]);
        } else {
            d_.pack = size(w[i]);
            if (!is_punct(w[i + 1], ")"))
                bad(w[i + 1]);
        }
    }

    // Integer constant expressions: literals, enumerators, #defined constants, sizeof(type),
    // casts to integer types, the unary and binary arithmetic, bitwise and shift operators.
    std::int64_t constant_expression() {
        return binary(0);
    }

    static int precedence(const token &t) {
        if (t.kind != token_kind::punct)
            return -1;
        static const std::pair<std::string_view, int> table[] = {
            {"|", 1}, {"^", 2}, {"&", 3}, {"<<", 4}, {">>", 4},
            {"+", 5}, {"-", 5}, {"*", 6}, {"/", 6},  {"%", 6}};
        for (const auto &e : table)
            if (t.text == e.first)
                return e.second;
        return -1;
    }

    std::int64_t binary(int min_prec) {
        std::int64_t left = unary();
        while (true) {
            const token op = peek();
            const int p = precedence(op);
            if (p < 0 || p < min_prec)
                return left;
            next();
            const std::int64_t right = binary(p + 1);
            const auto l = static_cast<std::uint64_t>(left), r = static_cast<std::uint64_t>(right);
            if (op.text == "|")
                left = static_cast<std::int64_t>(l | r);
            else if (op.text == "^")
                left = static_cast<std::int64_t>(l ^ r);
            else if (op.text == "&")
                left = static_cast<std::int64_t>(l & r);
            else if (op.text == "+")
                left = static_cast<std::int64_t>(l + r);
            else if (op.text == "-")
                left = static_cast<std::int64_t>(l - r);
            else if (op.text == "*")
                left = static_cast<std::int64_t>(l * r);
            else if (op.text == "<<" || op.text == ">>") {
                if (right < 0 || right > 63)
                    fail_text(op,
                              "found a shift by " + std::to_string(right) + ", expected 0 to 63");
                left = op.text == "<<" ? static_cast<std::int64_t>(l << right) : (left >> right);
            } else {
                if (right == 0)
                    fail_text(op, "found a division by zero, expected a constant");
                if (left == INT64_MIN && right == -1)
                    fail_text(op, "found an overflowing division, expected a constant");
                left = op.text == "/" ? left / right : left % right;
            }
        }
    }

    std::int64_t unary() {
        const token t = next();
        const nesting level(*this, t);
        if (t.kind == token_kind::number)
            return static_cast<std::int64_t>(t.number);
        if (is_punct(t, "-"))
            return static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(unary()));
        if (is_punct(t, "+"))
            return unary();
        if (is_punct(t, "~"))
            return ~unary();
        if (is_punct(t, "!"))
            return unary() == 0 ? 1 : 0;
        if (is_punct(t, "(")) {
            if (starts_type(peek())) {
                const type_ptr type = type_name();
                expect(")");
                return cast(type, unary());
            }
            const std::int64_t v = binary(0);
            expect(")");
            return v;
        }
        if (is_ident(t, "sizeof")) {
            const bool paren = accept("(");
            if (!paren)
                fail(peek(), "'(' after sizeof");
            const token at = peek();
            const type_ptr type = type_name();
            expect(")");
            if (!type->complete || type->kind == c_kind::function ||
                type->kind == c_kind::void_type)
                fail_text(at, "found sizeof of incomplete type " + type->name +
                                  ", expected a complete type");
            return static_cast<std::int64_t>(type->size);
        }
        if (t.kind == token_kind::identifier) {
            auto it = d_.constants.find(t.text);
            if (it != d_.constants.end())
                return it->second;
            fail_text(t, "found '" + t.text +
                             "', expected an integer constant (it names no "
                             "enumerator or #define)");
        }
        fail(t, "an integer constant");
    }

    static std::int64_t cast(const type_ptr &t, std::int64_t v) {
        if (!is_integer(t->kind) || t->size >= 8)
            return v;
        const unsigned bits = static_cast<unsigned>(t->size * 8);
        const std::uint64_t mask = (std::uint64_t(1) << bits) - 1;
        std::uint64_t u = static_cast<std::uint64_t>(v) & mask;
        if (t->is_signed && (u >> (bits - 1)))
            u |= ~mask;
        return static_cast<std::int64_t>(u);
    }

    declarations &d_;
    std::vector<token> t_;
    std::size_t i_ = 0;
    std::size_t depth_ = 0; // the nesting levels open (see nesting)
};

} // namespace ctypes::detail::dynamic

#endif
