// ctypes-call: call a C function in a shared library from the shell.
//
//   ctypes-call [--errno] [--cdef FILE]... LIBRARY 'C-DECLARATION' [ARG...]
//   ctypes-call --list LIBRARY
//   ctypes-call --find NAME
//
// Exit status: 0 success; 1 the library or the symbol cannot be had; 2 a usage error, a
// declaration that does not parse, or an argument that does not fit its type.
#include <ctypes/dynamic.hpp>
#include <ctypes/find_library.hpp>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace dd = ctypes::detail::dynamic;

const char usage[] =
    "usage: ctypes-call [--errno] [--cdef FILE]... LIBRARY 'C-DECLARATION' [ARG...]\n"
    "       ctypes-call --list LIBRARY\n"
    "       ctypes-call --find NAME\n"
    "\n"
    "Loads LIBRARY (a path, a soname, or a short name as find_library takes it), declares the\n"
    "function ('double cos(double)', or a name the --cdef files declare), converts each ARG by\n"
    "its parameter's type, calls it and prints the result.\n"
    "\n"
    "ARG: a number, a string (for char *), NULL, or for a pointer parameter:\n"
    "  &TYPE         a zeroed TYPE the function may write, printed after the result\n"
    "  &TYPE=VALUE   the same, starting as VALUE\n"
    "  buf:N         N zeroed bytes, printed after the result as a string\n"
    "Arguments after the ... of a variadic function: integers are int (long long if larger),\n"
    "numbers with '.' or 'e' double, NULL a null pointer, anything else a string.\n"
    "\n"
    "  --errno      print errno after the call: errno 34 ERANGE\n"
    "  --cdef FILE  read C declarations from FILE first\n"
    "  --list       print LIBRARY's exported symbols: name, kind, size\n"
    "  --find NAME  print find_library(NAME)\n";

struct usage_error {
    std::string text;
};

const char *errno_name(int e) {
    switch (e) {
#define CTYPES_CALL_ERRNO(name)                                                                    \
    case name:                                                                                     \
        return #name;
        CTYPES_CALL_ERRNO(EPERM)
        CTYPES_CALL_ERRNO(ENOENT)
        CTYPES_CALL_ERRNO(ESRCH)
        CTYPES_CALL_ERRNO(EINTR)
        CTYPES_CALL_ERRNO(EIO)
        CTYPES_CALL_ERRNO(ENXIO)
        CTYPES_CALL_ERRNO(E2BIG)
        CTYPES_CALL_ERRNO(ENOEXEC)
        CTYPES_CALL_ERRNO(EBADF)
        CTYPES_CALL_ERRNO(ECHILD)
        CTYPES_CALL_ERRNO(EAGAIN)
        CTYPES_CALL_ERRNO(ENOMEM)
        CTYPES_CALL_ERRNO(EACCES)
        CTYPES_CALL_ERRNO(EFAULT)
        CTYPES_CALL_ERRNO(EBUSY)
        CTYPES_CALL_ERRNO(EEXIST)
        CTYPES_CALL_ERRNO(EXDEV)
        CTYPES_CALL_ERRNO(ENODEV)
        CTYPES_CALL_ERRNO(ENOTDIR)
        CTYPES_CALL_ERRNO(EISDIR)
        CTYPES_CALL_ERRNO(EINVAL)
        CTYPES_CALL_ERRNO(ENFILE)
        CTYPES_CALL_ERRNO(EMFILE)
        CTYPES_CALL_ERRNO(ENOTTY)
        CTYPES_CALL_ERRNO(EFBIG)
        CTYPES_CALL_ERRNO(ENOSPC)
        CTYPES_CALL_ERRNO(ESPIPE)
        CTYPES_CALL_ERRNO(EROFS)
        CTYPES_CALL_ERRNO(EMLINK)
        CTYPES_CALL_ERRNO(EPIPE)
        CTYPES_CALL_ERRNO(EDOM)
        CTYPES_CALL_ERRNO(ERANGE)
        CTYPES_CALL_ERRNO(ENAMETOOLONG)
        CTYPES_CALL_ERRNO(ENOSYS)
        CTYPES_CALL_ERRNO(ENOTEMPTY)
        CTYPES_CALL_ERRNO(EILSEQ)
#undef CTYPES_CALL_ERRNO
    default:
        return "";
    }
}

// The shortest text that reads back as the same value, as Python prints floats (without its
// trailing ".0": `1`, `1024`, `0.8775825618903728`).
template <class F>
std::string shortest(F v) {
    char buf[64];
    for (int digits = 1; digits <= 21; ++digits) {
        if constexpr (std::is_same_v<F, long double>)
            std::snprintf(buf, sizeof buf, "%.*Lg", digits, v);
        else
            std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(v));
        F back;
        if constexpr (std::is_same_v<F, float>)
            back = std::strtof(buf, nullptr);
        else if constexpr (std::is_same_v<F, double>)
            back = std::strtod(buf, nullptr);
        else
            back = std::strtold(buf, nullptr);
        if (back == v || std::isnan(v))
            break;
    }
    return buf;
}

// Prints `size` bytes at `p` as a value of C type `t`.
std::string show(const dd::c_type &t, const void *p) {
    const auto read = [&](auto sample) {
        decltype(sample) v;
        std::memcpy(&v, p, sizeof v);
        return v;
    };
    if (dd::is_integer(t.kind)) {
        if (t.is_signed) {
            long long v = t.size == 1   ? read(std::int8_t{})
                          : t.size == 2 ? read(std::int16_t{})
                          : t.size == 4 ? read(std::int32_t{})
                                        : read(std::int64_t{});
            return std::to_string(v);
        }
        unsigned long long v = t.size == 1   ? read(std::uint8_t{})
                               : t.size == 2 ? read(std::uint16_t{})
                               : t.size == 4 ? read(std::uint32_t{})
                                             : read(std::uint64_t{});
        return std::to_string(v);
    }
    switch (t.kind) {
    case dd::c_kind::float_type:
        return shortest(read(float{}));
    case dd::c_kind::double_type:
        return shortest(read(double{}));
    case dd::c_kind::long_double:
        return shortest(read(static_cast<long double>(0)));
    case dd::c_kind::pointer: {
        const void *q = read(static_cast<const void *>(nullptr));
        if (!q)
            return "NULL";
        if (dd::is_char_pointer(t))
            return static_cast<const char *>(q);
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, reinterpret_cast<std::uintptr_t>(q));
        return buf;
    }
    case dd::c_kind::array: {
        std::string out = "{";
        for (std::size_t i = 0; i < t.count && i < 64; ++i)
            out += (i ? ", " : "") +
                   show(*t.target, static_cast<const unsigned char *>(p) + i * t.target->size);
        return out + "}";
    }
    case dd::c_kind::struct_type:
    case dd::c_kind::union_type: {
        std::string out = "{";
        bool first = true;
        for (const dd::c_field &f : t.fields) {
            if (f.is_bit_field)
                continue;
            out += (first ? "" : ", ") + (f.name.empty() ? std::string() : f.name + " = ") +
                   show(*f.type, static_cast<const unsigned char *>(p) + f.offset);
            first = false;
        }
        return out + "}";
    }
    default:
        return "";
    }
}

// Storage that an argument points to, printed after the call.
struct output {
    std::string label;
    dd::type_ptr type; // null: a buf:N, printed as a string
    std::vector<unsigned char> bytes;
};

// An integer as the command line spells it: decimal, 0x hexadecimal or 0 octal; a leading '-'
// makes it signed.
struct integer_text {
    long long v = 0;
    unsigned long long u = 0;
    bool is_unsigned = false;

    bool read(const std::string &s) {
        if (s.empty())
            return false;
        char *end = nullptr;
        errno = 0;
        is_unsigned = s[0] != '-';
        if (is_unsigned)
            u = std::strtoull(s.c_str(), &end, 0);
        else
            v = std::strtoll(s.c_str(), &end, 0);
        return errno == 0 && end && *end == '\0';
    }
    ctypes::value as_value() const {
        return is_unsigned ? ctypes::value::of(u) : ctypes::value::of(v);
    }
    unsigned long long bits() const { return is_unsigned ? u : static_cast<unsigned long long>(v); }
};

bool parse_floating(const std::string &s, long double &v) {
    if (s.empty())
        return false;
    char *end = nullptr;
    v = std::strtold(s.c_str(), &end);
    return end && *end == '\0';
}

class caller {
public:
    caller(const ctypes::cdef &decls, const ctypes::dynamic_function &f) : decls_(decls), f_(f) {}

    ctypes::value make(std::size_t i, const std::string &text) {
        const dd::type_ptr &fn = f_.c_type();
        const std::string label = label_of(i);
        if (i >= fn->params.size())
            return extra(label, text);
        const dd::c_type &p = *fn->params[i];
        if (dd::is_integer(p.kind)) {
            integer_text n;
            if (!n.read(text))
                bad(label, text, "is not an integer");
            return n.as_value();
        }
        if (dd::is_floating(p.kind)) {
            long double v = 0;
            if (!parse_floating(text, v))
                bad(label, text, "is not a number");
            return ctypes::value::of(v);
        }
        if (p.kind == dd::c_kind::pointer) {
            if (text == "NULL")
                return ctypes::value::of(nullptr);
            if (const void *q = storage(label, text))
                return ctypes::value::of(q);
            if (dd::is_char_pointer(p)) {
                strings_.push_back(text);
                return ctypes::value::of(strings_.back().c_str());
            }
            integer_text n;
            if (text.rfind("0x", 0) == 0 && n.read(text))
                return ctypes::value::of(
                    reinterpret_cast<const void *>(static_cast<std::uintptr_t>(n.u)));
            bad(label, text, "is not NULL, 0x..., &TYPE or buf:N");
        }
        throw usage_error{label + " (" + p.name +
                          "): ctypes-call passes numbers, strings and pointers only"};
    }

    void print_outputs() const {
        for (const output &o : outputs_) {
            std::string text;
            if (!o.type)
                text = std::string(
                    reinterpret_cast<const char *>(o.bytes.data()),
                    strnlen(reinterpret_cast<const char *>(o.bytes.data()), o.bytes.size()));
            else
                text = show(*o.type, o.bytes.data());
            std::cout << o.label << " = " << text << "\n";
        }
    }

private:
    std::string label_of(std::size_t i) const {
        const dd::type_ptr &fn = f_.c_type();
        if (i < fn->param_names.size() && !fn->param_names[i].empty())
            return fn->param_names[i];
        return "arg" + std::to_string(i + 1);
    }

    [[noreturn]] static void bad(const std::string &label, const std::string &text,
                                 const char *why) {
        throw usage_error{label + ": '" + text + "' " + why};
    }

    // &TYPE, &TYPE=VALUE, buf:N: storage the function may write, printed after the call.
    const void *storage(const std::string &label, const std::string &text) {
        if (text.rfind("buf:", 0) == 0) {
            integer_text size;
            const bool ok = size.read(text.substr(4)) && size.is_unsigned;
            const unsigned long long n = size.u;
            if (!ok || n == 0 || n > (1u << 24))
                bad(label, text, "needs a size from 1 to 16777216 bytes");
            outputs_.push_back({label, nullptr, std::vector<unsigned char>(n + 1, 0)});
            return outputs_.back().bytes.data();
        }
        if (text.size() < 2 || text[0] != '&')
            return nullptr;
        const std::size_t eq = text.find('=');
        const std::string type_text = text.substr(1, eq == std::string::npos ? eq : eq - 1);
        const dd::type_ptr t = decls_.type(type_text);
        if (!t->complete || t->kind == dd::c_kind::void_type || t->kind == dd::c_kind::function)
            bad(label, text, "names a type without a size");
        outputs_.push_back({label, t, std::vector<unsigned char>(dd::align_up(t->size, 16), 0)});
        if (eq != std::string::npos)
            initialise(label, text, *t, text.substr(eq + 1), outputs_.back().bytes.data());
        return outputs_.back().bytes.data();
    }

    void initialise(const std::string &label, const std::string &text, const dd::c_type &t,
                    const std::string &init, unsigned char *p) {
        if (dd::is_integer(t.kind)) {
            integer_text n;
            if (!n.read(init))
                bad(label, text, "has an initial value that is not an integer");
            const unsigned long long bits = n.bits();
            std::memcpy(p, &bits, t.size); // little-endian hosts; checked by the tests
        } else if (dd::is_floating(t.kind)) {
            long double v = 0;
            if (!parse_floating(init, v))
                bad(label, text, "has an initial value that is not a number");
            if (t.kind == dd::c_kind::float_type) {
                const float f = static_cast<float>(v);
                std::memcpy(p, &f, sizeof f);
            } else if (t.kind == dd::c_kind::double_type) {
                const double d = static_cast<double>(v);
                std::memcpy(p, &d, sizeof d);
            } else {
                std::memcpy(p, &v, sizeof v);
            }
        } else if (dd::is_char_pointer(t)) {
            strings_.push_back(init);
            const char *s = strings_.back().c_str();
            std::memcpy(p, &s, sizeof s);
        } else {
            bad(label, text, "has an initial value for a type that takes none");
        }
    }

    ctypes::value extra(const std::string &label, const std::string &text) {
        if (text == "NULL")
            return ctypes::value::of(nullptr);
        if (const void *q = storage(label, text))
            return ctypes::value::of(q);
        integer_text n;
        if (n.read(text)) {
            if (!n.is_unsigned)
                return n.v >= INT32_MIN ? ctypes::value::of(static_cast<int>(n.v))
                                        : ctypes::value::of(n.v);
            return n.u <= INT32_MAX ? ctypes::value::of(static_cast<int>(n.u))
                                    : ctypes::value::of(n.u);
        }
        long double d = 0;
        if (text.find_first_of(".eE") != std::string::npos && parse_floating(text, d))
            return ctypes::value::of(static_cast<double>(d));
        strings_.push_back(text);
        return ctypes::value::of(strings_.back().c_str());
    }

    const ctypes::cdef &decls_;
    const ctypes::dynamic_function &f_;
    std::deque<std::string> strings_; // stable addresses
    std::deque<output> outputs_;
};

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error{"cannot read the --cdef file '" + path + "': " + std::strerror(errno)};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

ctypes::CDLL load(const std::string &name) {
    std::error_code ec;
    ctypes::CDLL lib{name, ec};
    if (!ec)
        return lib;
    if (name.find('/') == std::string::npos) {
        const std::string found = ctypes::find_library(name);
        if (!found.empty())
            return ctypes::CDLL{found};
    }
    return ctypes::CDLL{name}; // throws load_error with the loader's text
}

// The declared name: the identifier before the parameter list, outside any parentheses
// (`double cos(double)`, `char *(strerror)(int)`, `void (*signal(int, void (*)(int)))(int)`).
std::string declared_name(const std::string &decl) {
    std::string last;
    for (std::size_t i = 0; i < decl.size();) {
        const char c = decl[i];
        if (dd::is_ident_start(c)) {
            const std::size_t b = i;
            while (i < decl.size() && dd::is_ident_char(decl[i]))
                ++i;
            last = decl.substr(b, i - b);
            std::size_t j = i;
            while (j < decl.size() && (decl[j] == ' ' || decl[j] == '\t'))
                ++j;
            if (j < decl.size() && decl[j] == '(')
                return last;
            continue;
        }
        ++i;
    }
    return last;
}

int run(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool print_errno = false;
    ctypes::cdef decls;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << usage;
            return 0;
        } else if (a == "--errno") {
            print_errno = true;
        } else if (a == "--cdef") {
            if (i + 1 >= args.size())
                throw usage_error{"--cdef needs a FILE"};
            decls.add(read_file(args[++i]));
        } else if (a == "--list") {
            if (i + 2 != args.size())
                throw usage_error{"--list takes one LIBRARY"};
            const ctypes::CDLL lib = load(args[i + 1]);
            for (const ctypes::symbol_info &s : lib.symbols()) {
                const char *kind = s.kind == ctypes::symbol_kind::function ? "function"
                                   : s.kind == ctypes::symbol_kind::object ? "object"
                                   : s.kind == ctypes::symbol_kind::tls    ? "tls"
                                                                           : "other";
                std::cout << s.name << " " << kind << " " << s.size << "\n";
            }
            return 0;
        } else if (a == "--find") {
            if (i + 2 != args.size())
                throw usage_error{"--find takes one NAME"};
            const std::string found = ctypes::find_library(args[i + 1]);
            if (found.empty()) {
                std::cerr << "ctypes-call: find_library found no library '" << args[i + 1] << "'\n";
                return 1;
            }
            std::cout << found << "\n";
            return 0;
        } else if (a == "--") {
            ++i;
            break;
        } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
            throw usage_error{"unknown option '" + a + "'"};
        } else {
            break;
        }
    }
    if (args.size() < i + 2)
        throw usage_error{"expected LIBRARY and a C declaration"};
    const std::string &library = args[i];
    const std::string &declaration = args[i + 1];
    std::string name = declared_name(declaration);
    const bool by_name = name == declaration;
    if (name.empty())
        throw usage_error{"the declaration '" + declaration + "' names no function"};
    if (!by_name)
        decls.add(declaration + ";");
    else if (!decls.has_function(name))
        throw usage_error{"'" + name +
                          "' is not declared: write its prototype, or give a "
                          "--cdef file that declares it"};
    const ctypes::CDLL lib = load(library);
    const ctypes::dynamic_function f = lib.get_dynamic(name, decls);
    caller c(decls, f);
    std::vector<ctypes::value> values;
    for (std::size_t k = i + 2; k < args.size(); ++k)
        values.push_back(c.make(k - i - 2, args[k]));
    errno = 0;
    const ctypes::value result = f.call(values);
    const int saved_errno = errno;
    if (!result.is_void())
        std::cout << show(*result.c_type(), result.data()) << "\n";
    c.print_outputs();
    if (print_errno)
        std::cout << "errno " << saved_errno << " " << errno_name(saved_errno) << "\n";
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const usage_error &e) {
        std::cerr << "ctypes-call: " << e.text << "\n";
        if (argc <= 1)
            std::cerr << usage;
        return 2;
    } catch (const ctypes::load_error &e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const ctypes::symbol_error &e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
}
