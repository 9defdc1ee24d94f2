// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_DYNAMIC_LEXER_HPP
#define CTYPES_DETAIL_DYNAMIC_LEXER_HPP

// The tokens of C declarations: identifiers, integer and character constants, punctuators and
// preprocessor lines, each with its line and column (1-based) for error messages. Input is
// untrusted: every loop is bounded by the text's length.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ctypes::detail::dynamic {

// A declaration text that is not what the parser accepts; the public layer turns it into a
// ctypes error that names the declaration.
struct syntax_error {
    std::size_t line, column;
    std::string text; // "found 'x', expected ';'"
};

enum class token_kind { identifier, number, punct, directive, string, end };

struct token {
    token_kind kind = token_kind::end;
    std::string text; // the spelling; for a directive the line after '#', continuations joined
    std::uint64_t number = 0;
    std::size_t line = 1, column = 1;
};

inline std::string describe(const token &t) {
    switch (t.kind) {
    case token_kind::end:
        return "the end of the declarations";
    case token_kind::directive:
        return "'#" + t.text + "'";
    default:
        return "'" + t.text + "'";
    }
}

// The longest identifier read (the C standard asks compilers for 63 significant characters).
inline constexpr std::size_t max_identifier_length = 1024;

inline bool is_ident_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
inline bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
inline bool is_ident_char(char c) noexcept {
    return is_ident_start(c) || is_digit(c);
}

class lexer {
public:
    explicit lexer(std::string_view text) : s_(text) {}

    std::vector<token> run() {
        std::vector<token> out;
        bool line_start = true;
        while (true) {
            const bool newline = skip_space();
            line_start = line_start || newline;
            token t;
            t.line = line_;
            t.column = column();
            if (i_ >= s_.size()) {
                out.push_back(t);
                return out;
            }
            const char c = s_[i_];
            if (c == '#') {
                if (!line_start)
                    fail(t, "found '#' in the middle of a line, expected a declaration");
                t.kind = token_kind::directive;
                t.text = directive_line();
            } else if (is_ident_start(c)) {
                t.kind = token_kind::identifier;
                const std::size_t b = i_;
                while (i_ < s_.size() && is_ident_char(s_[i_]))
                    ++i_;
                if (i_ - b > max_identifier_length)
                    fail(t, "found an identifier of " + std::to_string(i_ - b) +
                                " characters, expected at most " +
                                std::to_string(max_identifier_length));
                t.text = std::string(s_.substr(b, i_ - b));
            } else if (is_digit(c)) {
                number(t);
            } else if (c == '\'') {
                character(t);
            } else if (c == '"') {
                string(t);
            } else {
                t.kind = token_kind::punct;
                static const char *const multi[] = {"...", "<<", ">>", "&&", "||",
                                                    "==",  "!=", "<=", ">=", "->"};
                for (const char *m : multi) {
                    if (s_.substr(i_, std::char_traits<char>::length(m)) == m) {
                        t.text = m;
                        break;
                    }
                }
                if (t.text.empty()) {
                    static const std::string_view single = "{}()[];,*=:+-~!/%&|^<>?.";
                    if (single.find(c) == std::string_view::npos)
                        fail(t,
                             std::string("found '") + printable(c) + "', expected a C declaration");
                    t.text = std::string(1, c);
                }
                i_ += t.text.size();
            }
            line_start = t.kind == token_kind::directive;
            out.push_back(std::move(t));
        }
    }

private:
    static std::string printable(char c) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            static const char hex[] = "0123456789abcdef";
            const auto u = static_cast<unsigned char>(c);
            return std::string("\\x") + hex[u >> 4] + hex[u & 15];
        }
        return std::string(1, c);
    }

    [[noreturn]] static void fail(const token &t, std::string text) {
        throw syntax_error{t.line, t.column, std::move(text)};
    }

    std::size_t column() const noexcept { return i_ - line_begin_ + 1; }

    void newline() {
        ++line_;
        line_begin_ = i_;
    }

    // Skips blanks and comments; true when a line ended.
    bool skip_space() {
        bool ended = false;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\n') {
                ++i_;
                newline();
                ended = true;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                ++i_;
            } else if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
                i_ += 2;
                newline();
            } else if (s_.substr(i_, 2) == "//") {
                while (i_ < s_.size() && s_[i_] != '\n')
                    ++i_;
            } else if (s_.substr(i_, 2) == "/*") {
                token t;
                t.line = line_;
                t.column = column();
                i_ += 2;
                while (i_ < s_.size() && s_.substr(i_, 2) != "*/") {
                    if (s_[i_++] == '\n')
                        newline();
                }
                if (i_ >= s_.size())
                    fail(t, "found a comment that never ends, expected '*/'");
                i_ += 2;
            } else {
                break;
            }
        }
        return ended;
    }

    // The directive after '#', comments removed and continuation lines joined.
    std::string directive_line() {
        ++i_;
        std::string text;
        while (i_ < s_.size() && s_[i_] != '\n') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
                i_ += 2;
                newline();
                text += ' ';
            } else if (s_.substr(i_, 2) == "/*" || s_.substr(i_, 2) == "//") {
                skip_space_in_line();
                text += ' ';
            } else {
                text += s_[i_++];
            }
        }
        return text;
    }
    void skip_space_in_line() {
        if (s_.substr(i_, 2) == "//") {
            while (i_ < s_.size() && s_[i_] != '\n')
                ++i_;
            return;
        }
        i_ += 2;
        while (i_ < s_.size() && s_.substr(i_, 2) != "*/") {
            if (s_[i_++] == '\n')
                newline();
        }
        i_ = i_ < s_.size() ? i_ + 2 : i_;
    }

    void number(token &t) {
        t.kind = token_kind::number;
        const std::size_t b = i_;
        unsigned base = 10;
        if (s_[i_] == '0' && i_ + 1 < s_.size() && (s_[i_ + 1] == 'x' || s_[i_ + 1] == 'X')) {
            base = 16;
            i_ += 2;
        } else if (s_[i_] == '0') {
            base = 8;
        }
        std::uint64_t v = 0;
        bool any = base == 8, overflow = false;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            unsigned d;
            if (is_digit(c))
                d = static_cast<unsigned>(c - '0');
            else if (base == 16 && c >= 'a' && c <= 'f')
                d = static_cast<unsigned>(c - 'a' + 10);
            else if (base == 16 && c >= 'A' && c <= 'F')
                d = static_cast<unsigned>(c - 'A' + 10);
            else
                break;
            if (d >= base)
                break;
            if (v > (UINT64_MAX - d) / base)
                overflow = true;
            v = v * base + d;
            any = true;
            ++i_;
        }
        while (i_ < s_.size() && (s_[i_] == 'u' || s_[i_] == 'U' || s_[i_] == 'l' || s_[i_] == 'L'))
            ++i_;
        t.text = std::string(s_.substr(b, i_ - b));
        if (i_ < s_.size() && (is_ident_char(s_[i_]) || s_[i_] == '.')) {
            while (i_ < s_.size() && (is_ident_char(s_[i_]) || s_[i_] == '.'))
                ++i_;
            t.text = std::string(s_.substr(b, i_ - b));
            fail(t, "found '" + t.text + "', expected an integer constant");
        }
        if (!any)
            fail(t, "found '" + t.text + "', expected hexadecimal digits");
        if (overflow)
            fail(t, "found '" + t.text + "', expected an integer constant of at most 64 bits");
        t.number = v;
    }

    void character(token &t) {
        t.kind = token_kind::number;
        const std::size_t b = i_++;
        if (i_ >= s_.size())
            fail(t, "found a character constant that never ends, expected '''");
        char c = s_[i_++];
        if (c == '\\' && i_ < s_.size()) {
            const char e = s_[i_++];
            switch (e) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case '0':
                c = '\0';
                break;
            case '\\':
                c = '\\';
                break;
            case '\'':
                c = '\'';
                break;
            default:
                fail(t, std::string("found the escape '\\") + printable(e) +
                            "', expected one of \\n \\t \\r \\0 \\\\ \\'");
            }
        }
        if (i_ >= s_.size() || s_[i_] != '\'')
            fail(t, "found a character constant that never ends, expected '''");
        ++i_;
        t.text = std::string(s_.substr(b, i_ - b));
        t.number = static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    }

    void string(token &t) {
        t.kind = token_kind::string;
        const std::size_t b = i_++;
        while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\n')
            i_ += (s_[i_] == '\\' && i_ + 1 < s_.size()) ? 2 : 1;
        if (i_ >= s_.size() || s_[i_] != '"')
            fail(t, "found a string that never ends, expected '\"'");
        ++i_;
        t.text = std::string(s_.substr(b, i_ - b));
    }

    std::string_view s_;
    std::size_t i_ = 0;
    std::size_t line_ = 1;
    std::size_t line_begin_ = 0;
};

} // namespace ctypes::detail::dynamic

#endif
