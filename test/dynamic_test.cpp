// Runtime-typed calls: C layouts against the compiler's, cdef on real header excerpts, and calls
// through libffi into libm, libz, libc, libsqlite3, libexpat and the fixtures.
#include <ctypes/dynamic.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#if !defined(_WIN32)
#include <zlib.h>
#endif

#include "platform.hpp"

namespace {

std::string read_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct layout_type {
    const char *name;
    std::size_t size, align;
};
struct layout_member {
    const char *type, *member;
    std::size_t offset;
};

const ctypes::cdef &layout_decls() {
    static const ctypes::cdef decls{read_text(CTYPES_TEST_LAYOUT_DECLS)};
    return decls;
}

const ctypes::CDLL &dynamic_fixture() {
    static const ctypes::CDLL lib{CTYPES_TEST_DYNAMIC};
    return lib;
}

// shapes.c's sum_ints(count, ...): count ints after the count.
ctypes::dynamic_function sum_ints_of_shapes() {
    static const ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    return shapes.get_dynamic("sum_ints", "int sum_ints(int count, ...)");
}

const ctypes::cdef &fixture_decls() {
    static const ctypes::cdef decls{R"(
        struct pair { int a; int b; };
        struct mix { double d; int i; float f; };
        struct big { long long v[5]; };
        struct tiny { char c[3]; };
        union num { int i; float f; };
        union wide { double d; long long ll; };
        struct with_bits { unsigned a : 4; unsigned b : 12; int c : 16; };
        struct floats { float x, y, z; };
        struct pair pair_swap(struct pair p);
        struct mix mix_scale(struct mix m, double k);
        long long big_sum(struct big b);
        struct big big_make(long long seed);
        struct tiny tiny_rot(struct tiny t);
        union num num_next(union num n);
        double wide_half(union wide w);
        struct with_bits bits_make(int a, int b, int c);
        int bits_sum(struct with_bits w);
        struct floats floats_add(struct floats a, struct floats b);
        long double ld_mul(long double a, long double b);
        signed char char_neg(signed char c);
        unsigned short ushort_inc(unsigned short v);
        _Bool bool_not(_Bool b);
        uint64_t u64_mix(uint8_t a, int16_t b, uint32_t c, int64_t d, float e, double f);
        double places_ivif(int a, double b, long long c, float d);
        long long places_vivi(double a, short b, float c, unsigned d);
        int fail_with_errno(int e);
        int apply_twice(int (*f)(int), int x);
        double sum_mixed(const char *kinds, ...);
        int32_t std_sub(int32_t a, int32_t b);
        int data_object(void);
        struct int_double { int32_t i; double d; };
        double after_five(int a, int b, int c, int d, int e, double x, struct int_double s);
    )"};
    return decls;
}

struct pair {
    int a, b;
};
struct mix {
    double d;
    int i;
    float f;
};
struct big {
    long long v[5];
};
struct tiny {
    char c[3];
};
struct floats {
    float x, y, z;
};

// The bits of a bit-field where cdef placed it, read from the C compiler's own object.
long long bit_field(const void *object, const ctypes::detail::dynamic::c_field &f) {
    unsigned long long unit = 0;
    std::memcpy(&unit, static_cast<const unsigned char *>(object) + f.offset, f.type->size);
    unsigned long long v = (unit >> f.bit_offset) & ((1ull << f.bit_width) - 1);
    if (f.type->is_signed && (v >> (f.bit_width - 1)) & 1)
        v |= ~((1ull << f.bit_width) - 1);
    return static_cast<long long>(v);
}

} // namespace

TEST_CASE("cdef lays every declared type out as the C compiler does", "[dynamic][layout]") {
    const ctypes::cdef &decls = layout_decls();
    ctypes::CDLL lib{CTYPES_TEST_LAYOUT};
    const layout_type *types = lib.get<const layout_type *()>("layout_types")();
    const layout_member *members = lib.get<const layout_member *()>("layout_members")();
    int checked = 0;
    for (const layout_type *t = types; t->name; ++t, ++checked) {
        INFO(t->name);
        CHECK(decls.size_of(t->name) == t->size);
        CHECK(decls.align_of(t->name) == t->align);
    }
    CHECK(checked >= 50);
    checked = 0;
    for (const layout_member *m = members; m->type; ++m, ++checked) {
        INFO(m->type << " " << m->member);
        CHECK(decls.offset_of(m->type, m->member) == m->offset);
    }
    CHECK(checked >= 70);
}

TEST_CASE("cdef places each bit-field where the C compiler does", "[dynamic][layout]") {
    const ctypes::cdef &decls = layout_decls();
    ctypes::CDLL lib{CTYPES_TEST_LAYOUT};
    const void *bits = lib.get<const void *()>("layout_bits_sample")();
    const auto t = decls.type("struct bits");
    const long long expected[] = {5, 17, 123456789, -1, 9, 0x123456789a};
    std::size_t i = 0;
    for (const auto &f : t->fields) {
        if (!f.is_bit_field || f.bit_width == 0)
            continue;
        INFO(f.name);
        REQUIRE(i < 6);
        CHECK(bit_field(bits, f) == expected[i++]);
    }
    CHECK(i == 6);
    const void *bits2 = lib.get<const void *()>("layout_bits2_sample")();
    const auto t2 = decls.type("struct bits2");
    CHECK(bit_field(bits2, t2->fields[1]) == -3);
    CHECK(bit_field(bits2, t2->fields[2]) == 200);
}

TEST_CASE("cdef reads declarations, constants and type names", "[dynamic][cdef]") {
    ctypes::cdef d{R"(
        #define ANSWER (6 * 7)
        #define MASK (1 << 4 | 0x3)
        #define EMPTY
        enum mode { MODE_A = ANSWER, MODE_B, MODE_C = -2 };
        typedef struct point { long x, y; } POINT;
        EMPTY extern int f(POINT *, ...);
        static inline const char *g(void);
        int h(int values[], void (*cb)(int), char name[4]);
        int k(unsigned char small[sizeof(POINT)]);
        int big[ANSWER];
    )"};
    CHECK(d.constant("ANSWER") == 42);
    CHECK(d.constant("MASK") == 19);
    CHECK(d.constant("MODE_B") == 43);
    CHECK(d.constant("MODE_C") == -2);
    CHECK(d.has_function("f"));
    CHECK(d.has_function("g"));
    CHECK(d.size_of("POINT") == sizeof(long) * 2);
    CHECK(d.size_of("struct point") == sizeof(long) * 2);
    CHECK(d.size_of("POINT[3]") == sizeof(long) * 6);
    CHECK(d.size_of("char *") == sizeof(void *));
    CHECK(d.offset_of("POINT", "y") == sizeof(long));
    CHECK(d.functions().size() == 4);
    CHECK(d.function_type("f")->variadic);
    CHECK(d.function_type("h")->params[0]->kind == ctypes::detail::dynamic::c_kind::pointer);
    CHECK(d.function_type("h")->params[2]->name == "char *");
    CHECK(d.function_type("g")->target->name == "const char *");
    d.add("POINT twice(POINT);");
    CHECK(d.has_function("twice"));
    CHECK_THROWS_WITH(d.constant("ANSWR"),
                      Catch::Contains("no constant 'ANSWR'") && Catch::Contains("'ANSWER'"));
    CHECK_THROWS_WITH(d.offset_of("POINT", "z"), Catch::Contains("has no member 'z'"));
    CHECK_THROWS_WITH(d.size_of("struct nowhere"), Catch::Contains("has no size"));
}

TEST_CASE("cdef names the line, column, what it found and what it expected", "[dynamic][cdef]") {
    const auto error_of = [](const char *text) -> std::string {
        try {
            ctypes::cdef d{text};
        } catch (const ctypes::declaration_error &e) {
            CHECK(e.code() == std::errc::invalid_argument);
            return e.what();
        }
        return "no error";
    };
    CHECK(error_of("int f(int;") == "ctypes: cannot parse the declarations: line 1, column 10: "
                                    "found ';', expected ',' or ')' in the parameter list");
    CHECK(error_of("int f(void);\ndoubl g(int);") ==
          "ctypes: cannot parse the declarations: line 2, column 1: found unknown type name "
          "'doubl', expected a type");
    CHECK(error_of("struct s { int a }") ==
          "ctypes: cannot parse the declarations: line 1, column 18: found '}', expected ';'");
    CHECK_THAT(error_of("#include <stdio.h>"),
               Catch::Contains("line 1, column 1") && Catch::Contains("expected '#define NAME"));
    CHECK_THAT(error_of("#define MAX(a, b) a"), Catch::Contains("function-like macro 'MAX'"));
    CHECK_THAT(error_of("#define X 1.5"), Catch::Contains("expected an integer constant"));
    CHECK_THAT(error_of("int f(void) { return 0; }"), Catch::Contains("function body"));
    CHECK_THAT(error_of("int a[0];"), Catch::Contains("array size of 0"));
    CHECK_THAT(error_of("enum e { A = 1 / 0 };"), Catch::Contains("division by zero"));
    CHECK_THAT(error_of("struct s { int a : 40; };"), Catch::Contains("bit-field width of 40"));
    CHECK_THAT(error_of("struct s; struct s x;"), Catch::Contains("incomplete type struct s"));
    CHECK_THAT(error_of("int f(void) /* no end"), Catch::Contains("comment that never ends"));
    CHECK_THAT(error_of("int f(int @);"), Catch::Contains("column 11: found '@'"));
    CHECK_THAT(error_of("_Complex double c(void);"), Catch::Contains("not supported"));
    CHECK_THAT(error_of("struct s { int a; }; struct s { int b; };"),
               Catch::Contains("second definition of struct s"));
    CHECK_THAT(error_of("int f(void)"), Catch::Contains("found the end of the declarations"));
    // Deep nesting and long input are bounded by the text itself: no crash, an error or a result.
    CHECK_THAT(error_of(std::string(2000, '(').c_str()), Catch::Contains("expected a type"));
}

#if !defined(_WIN32) // the system's libz, libsqlite3 and libexpat
TEST_CASE("cdef reads the zlib API as zlib.h spells it", "[dynamic][cdef][posix]") {
    const ctypes::cdef z{read_text(CTYPES_TEST_CDEF_DIR "/zlib_api.h")};
    CHECK(z.constant("Z_DEFAULT_COMPRESSION") == Z_DEFAULT_COMPRESSION);
    CHECK(z.constant("Z_ASCII") == Z_TEXT);
    CHECK(z.size_of("z_stream") == sizeof(z_stream));
    CHECK(z.align_of("z_stream") == alignof(z_stream));
    CHECK(z.offset_of("z_stream", "msg") == offsetof(z_stream, msg));
    CHECK(z.offset_of("z_stream", "adler") == offsetof(z_stream, adler));
    CHECK(z.size_of("gz_header") == sizeof(gz_header));
    CHECK(z.offset_of("gz_header", "done") == offsetof(gz_header, done));
    CHECK(z.functions().size() >= 20);

    // The typed path is the reference: the suite links no zlib.
    ctypes::CDLL libz{"libz.so.1"};
    const char *version = libz.get<const char *()>("zlibVersion")();
    CHECK(libz.get_dynamic("zlibVersion", z)().as<std::string>() == version);
    const std::string text = "hello, hello, hello, hello";
    auto crc32 = libz.get_dynamic("crc32", z);
    auto typed_crc32 = libz.get<uLong(uLong, const Bytef *, uInt)>("crc32");
    CHECK(crc32(0, text.c_str(), text.size()).as<unsigned long>() ==
          typed_crc32(0, reinterpret_cast<const Bytef *>(text.data()),
                      static_cast<uInt>(text.size())));

    auto compress = libz.get_dynamic("compress", z);
    auto uncompress = libz.get_dynamic("uncompress", z);
    unsigned char packed[128];
    unsigned long packed_len = sizeof packed;
    REQUIRE(compress(packed, &packed_len, text.c_str(), text.size()).as<int>() == Z_OK);
    CHECK(packed_len < text.size());
    char back[64] = {};
    unsigned long back_len = sizeof back;
    REQUIRE(uncompress(back, &back_len, packed, packed_len).as<int>() == Z_OK);
    CHECK(std::string(back, back_len) == text);

    // A z_stream laid out by cdef's numbers, driven through deflateInit_/deflate/deflateEnd.
    std::vector<unsigned char> stream(z.size_of("z_stream"));
    auto init = libz.get_dynamic("deflateInit_", z);
    REQUIRE(
        init(stream.data(), Z_BEST_COMPRESSION, version, static_cast<int>(z.size_of("z_stream")))
            .as<int>() == Z_OK);
    CHECK(libz.get_dynamic("deflateEnd", z)(stream.data()).as<int>() == Z_OK);
}

TEST_CASE("cdef reads sqlite3's open/prepare/step/exec/close API", "[dynamic][cdef][posix]") {
    const ctypes::cdef s{read_text(CTYPES_TEST_CDEF_DIR "/sqlite3_api.h")};
    CHECK(s.constant("SQLITE_ROW") == 100);
    CHECK(s.constant("SQLITE_ERROR_MISSING_COLLSEQ") == (1 | (1 << 8)));
    CHECK(s.constant("SQLITE_TRANSIENT") == -1);
    ctypes::CDLL lib{"libsqlite3.so.0"};
    void *db = nullptr;
    REQUIRE(lib.get_dynamic("sqlite3_open", s)(":memory:", &db).as<int>() == 0);
    REQUIRE(db != nullptr);
    auto exec = lib.get_dynamic("sqlite3_exec", s);
    REQUIRE(exec(db, "create table t(a integer, b text); insert into t values (7, 'seven');",
                 nullptr, nullptr, nullptr)
                .as<int>() == 0);
    char *message = nullptr;
    CHECK(exec(db, "select nonsense from nowhere", nullptr, nullptr, &message).as<int>() == 1);
    REQUIRE(message != nullptr);
    CHECK(std::string(message) == "no such table: nowhere");
    lib.get_dynamic("sqlite3_free", s)(message);

    void *stmt = nullptr;
    auto prepare = lib.get_dynamic("sqlite3_prepare_v2", s);
    REQUIRE(prepare(db, std::string("select a * ?, b from t"), -1, &stmt, nullptr).as<int>() == 0);
    CHECK(lib.get_dynamic("sqlite3_bind_int64", s)(stmt, 1, 6).as<int>() == 0);
    REQUIRE(lib.get_dynamic("sqlite3_step", s)(stmt).as<int>() == s.constant("SQLITE_ROW"));
    CHECK(lib.get_dynamic("sqlite3_column_int64", s)(stmt, 0).as<long long>() == 42);
    const auto text = lib.get_dynamic("sqlite3_column_text", s)(stmt, 1);
    CHECK(text.type_name() == "const unsigned char *");
    CHECK(text.as<std::string>() == "seven");
    CHECK(lib.get_dynamic("sqlite3_finalize", s)(stmt).as<int>() == 0);
    CHECK(lib.get_dynamic("sqlite3_close", s)(db).as<int>() == 0);
}

TEST_CASE("cdef reads expat's parser API, and a struct comes back by value",
          "[dynamic][cdef][posix]") {
    const ctypes::cdef x{read_text(CTYPES_TEST_CDEF_DIR "/expat_api.h")};
    CHECK(x.constant("XML_STATUS_SUSPENDED") == 2);
    CHECK(x.constant("XML_ERROR_INVALID_TOKEN") == 4);
    CHECK(x.constant("XML_TRUE") == 1);
    ctypes::CDLL lib{"libexpat.so.1"};
    struct version {
        int major, minor, micro;
    };
    const version v = lib.get_dynamic("XML_ExpatVersionInfo", x)().as<version>();
    const std::string text = lib.get_dynamic("XML_ExpatVersion", x)().as<std::string>();
    CHECK(text == "expat_" + std::to_string(v.major) + "." + std::to_string(v.minor) + "." +
                      std::to_string(v.micro));
    void *parser = lib.get_dynamic("XML_ParserCreate", x)(nullptr).as<void *>();
    REQUIRE(parser != nullptr);
    const std::string doc = "<a><b></a>";
    CHECK(lib.get_dynamic("XML_Parse", x)(parser, doc, static_cast<int>(doc.size()), 1).as<int>() ==
          0);
    const auto code = lib.get_dynamic("XML_GetErrorCode", x)(parser);
    CHECK(code.as<int>() == x.constant("XML_ERROR_TAG_MISMATCH"));
    CHECK(lib.get_dynamic("XML_ErrorString", x)(code).as<std::string>() == "mismatched tag");
    CHECK(lib.get_dynamic("XML_GetCurrentColumnNumber", x)(parser).as<unsigned long>() ==
          lib.get<unsigned long(void *)>("XML_GetCurrentColumnNumber")(parser));
    lib.get_dynamic("XML_ParserFree", x)(parser);
}
#endif

TEST_CASE("get_dynamic takes an inline declaration, with or without the name", "[dynamic]") {
    ctypes::CDLL libm{test_platform::math_library};
    auto cos = libm.get_dynamic("cos", "double(double)");
    CHECK(cos(0.5).as<double>() == std::cos(0.5));
    CHECK(cos(0).as<double>() == 1.0); // an int converts to the double parameter
    auto named = libm.get_dynamic("cos", std::string("double cos(double x)"));
    CHECK(named.signature() == "double(*)(double)");
    CHECK(named.arity() == 1);
    CHECK(named.type_name(0) == "double");
    CHECK(named.type_name(1) == "double");
    CHECK(named(1.0).as<float>() == static_cast<float>(std::cos(1.0)));
    auto ldexp = libm.get_dynamic("ldexp", "double ldexp(double, int)");
    CHECK(ldexp(1.0, 10).as<double>() == 1024.0);

    CHECK_THROWS_WITH(libm.get_dynamic("cos", "double sin(double)"),
                      "ctypes: the declaration 'double sin(double)' declares 'sin', not 'cos'");
    CHECK_THROWS_WITH(libm.get_dynamic("cos", "double(double, doubl)"),
                      "ctypes: cannot parse the declaration 'double(double, doubl)' of 'cos': "
                      "line 1, column 16: found unknown type name 'doubl', expected a type");
    // As in C, a parenthesised name that is no type is a declarator: a double named doubl.
    CHECK_THROWS_WITH(libm.get_dynamic("cos", "double"),
                      Catch::Contains("declares double, not a function"));
    CHECK_THROWS_AS(libm.get_dynamic("cos", "double("), ctypes::declaration_error);
}

TEST_CASE("a missing symbol is a symbol_error as get gives", "[dynamic]") {
    ctypes::CDLL libm{test_platform::math_library};
    try {
        libm.get_dynamic("cosx", "double(double)");
        FAIL("no exception");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == test_platform::missing_symbol());
        CHECK_THAT(e.what(), Catch::StartsWith("ctypes: cannot find symbol 'cosx' in") &&
                                 Catch::Contains("did you mean 'cos'"));
    }
    if (test_platform::knows_symbol_kinds) // a PE export does not say whether it is data
        CHECK_THROWS_AS(dynamic_fixture().get_dynamic("data_object", fixture_decls()),
                        ctypes::symbol_error);
    CHECK_THROWS_WITH(dynamic_fixture().get_dynamic("pair_swapp", fixture_decls()),
                      "ctypes: no function 'pair_swapp' is declared in the cdef declarations "
                      "(did you mean 'pair_swap'?)");
    ctypes::CDLL empty;
    CHECK_THROWS_AS(empty.get_dynamic("cos", "double(double)"), ctypes::load_error);
    CHECK_THROWS_AS(libm.get_dynamic("cos", "double(double)", ctypes::rtld_now), ctypes::error);
}

TEST_CASE("arguments are checked against their parameters before any call", "[dynamic]") {
    const auto &d = fixture_decls();
    const auto &lib = dynamic_fixture();
    auto char_neg = lib.get_dynamic("char_neg", d);
    CHECK(char_neg(5).as<int>() == -5);
    CHECK_THROWS_WITH(char_neg(200), "ctypes: cannot call 'char_neg': argument 1 ('c', signed "
                                     "char) cannot hold 200: it does not fit");
    CHECK_THROWS_WITH(char_neg(1, 2), "ctypes: cannot call 'char_neg': it takes 1 argument "
                                      "(signed char), 2 given");
    CHECK_THROWS_WITH(char_neg(), Catch::Contains("1 argument (signed char), 0 given"));
    CHECK_THROWS_WITH(char_neg(1.5), Catch::Contains("argument 1 ('c', signed char) takes "
                                                     "signed char, not a floating-point number"));
    CHECK_THROWS_WITH(char_neg("x"), Catch::Contains("not a pointer"));
    auto ushort_inc = lib.get_dynamic("ushort_inc", d);
    CHECK(ushort_inc(65534u).as<unsigned>() == 65535u);
    CHECK_THROWS_WITH(ushort_inc(-1), Catch::Contains("cannot hold -1: it does not fit"));
    auto bool_not = lib.get_dynamic("bool_not", d);
    CHECK(bool_not(false).as<bool>());
    CHECK_FALSE(bool_not(1).as<bool>());
    CHECK_THROWS_WITH(bool_not(2), Catch::Contains("takes 0 or 1 (a bool), not 2"));
    auto pair_swap = lib.get_dynamic("pair_swap", d);
    CHECK_THROWS_WITH(pair_swap(big{}), Catch::Contains("is struct pair of 8 bytes, but the "
                                                        "argument has 40 (sizeof)"));
    CHECK_THROWS_WITH(pair_swap(nullptr), Catch::Contains("takes struct pair, not nullptr"));
    auto sum_mixed = lib.get_dynamic("sum_mixed", d);
    CHECK(sum_mixed(std::string("d"), 1.0).as<double>() == 1.0);
    auto apply = lib.get_dynamic("apply_twice", d);
    CHECK_THROWS_WITH(apply(std::string("f"), 1),
                      Catch::Contains("not a std::string (only a const char * does)"));
    const ctypes::value v = char_neg(3);
    CHECK_THROWS_WITH(v.as<void *>(), "ctypes: the result is signed char, which as<T>() cannot "
                                      "read as a pointer type");
    CHECK_THROWS_WITH(v.as<unsigned>(), Catch::Contains("the result -3 (signed char) does not "
                                                        "fit"));
    CHECK_THROWS_WITH(v.as<pair>(), Catch::Contains("cannot read as a struct or union"));
    CHECK(v.as<double>() == -3.0);
    CHECK_THROWS_WITH(ctypes::dynamic_function()(), "ctypes: cannot call an empty "
                                                    "dynamic_function");
}

TEST_CASE("records by value go in and out, in registers and in memory", "[dynamic]") {
    const auto &d = fixture_decls();
    const auto &lib = dynamic_fixture();
    const pair p = lib.get_dynamic("pair_swap", d)(pair{1, 2}).as<pair>();
    CHECK((p.a == 2 && p.b == 1));
    const mix m = lib.get_dynamic("mix_scale", d)(mix{1.5, 3, 2.5f}, 2.0).as<mix>();
    CHECK((m.d == 3.0 && m.i == 6 && m.f == 5.0f));
    CHECK(lib.get_dynamic("big_sum", d)(big{{1, 2, 3, 4, 5}}).as<long long>() == 55);
    const big b = lib.get_dynamic("big_make", d)(10).as<big>();
    CHECK((b.v[0] == 10 && b.v[1] == 11 && b.v[2] == 20 && b.v[3] == -10 && b.v[4] == 7));
    const tiny t = lib.get_dynamic("tiny_rot", d)(tiny{{'a', 'b', 'c'}}).as<tiny>();
    CHECK(std::string(t.c, 3) == "bca");
    const floats f =
        lib.get_dynamic("floats_add", d)(floats{1, 2, 3}, floats{10, 20, 30}).as<floats>();
    CHECK((f.x == 11 && f.y == 22 && f.z == 33));
    // Unions and bit-fields: described to libffi by the classes of their bytes.
    union num {
        int i;
        float f;
    };
    union wide {
        double d;
        long long ll;
    };
    num n;
    n.i = 41;
    CHECK(lib.get_dynamic("num_next", d)(n).as<num>().i == 42);
    CHECK_THROWS_WITH(lib.get_dynamic("num_next", d)(41),
                      Catch::Contains("('n', union num) takes union num, not a number"));
    wide w;
    w.d = 5.0;
    CHECK(lib.get_dynamic("wide_half", d)(w).as<double>() == 2.5);
    const auto bits = lib.get_dynamic("bits_make", d)(3, 100, -7);
    CHECK(bits.size() == 4);
    CHECK(lib.get_dynamic("bits_sum", d)(bits).as<int>() == 3 + 100 * 16 - 7 * 65536);
}

TEST_CASE("a record in the last integer register keeps the earlier vector arguments", "[dynamic]") {
    struct int_double {
        std::int32_t i;
        double d;
    };
    const auto &lib = dynamic_fixture();
    auto f = lib.get_dynamic("after_five", fixture_decls());
    auto typed = lib.get<double(int, int, int, int, int, double, int_double)>("after_five");
    const int_double s{7, 0.5};
    CHECK(typed(1, 2, 3, 4, 5, 0.25, s) == 15 + 25 + 70000 + 500000);
    CHECK(f(1, 2, 3, 4, 5, 0.25, s).as<double>() == typed(1, 2, 3, 4, 5, 0.25, s));
}

TEST_CASE("long double, every integer width and mixed registers", "[dynamic]") {
    const auto &d = fixture_decls();
    const auto &lib = dynamic_fixture();
    const long double x = lib.get_dynamic("ld_mul", d)(1.5L, 4.0L).as<long double>();
    CHECK(x == 6.0L);
    const auto mix_fn = lib.get_dynamic("u64_mix", d);
    const std::uint64_t expected = 200u + static_cast<std::uint64_t>(-3 * 3) + 35u +
                                   static_cast<std::uint64_t>(-9LL * 7) + 22u + 39u;
    CHECK(mix_fn(200, -3, 7u, -9LL, 2.0f, 3.0).as<std::uint64_t>() == expected);
}

TEST_CASE("variadic calls type the extra arguments after the default promotions", "[dynamic]") {
    const auto &d = fixture_decls();
    const auto &lib = dynamic_fixture();
    auto sum_ints = sum_ints_of_shapes();
    CHECK(sum_ints.is_variadic());
    CHECK(sum_ints(3, 1, static_cast<short>(2), 'a').as<int>() == 1 + 2 + 'a');
    CHECK(sum_ints(0).as<int>() == 0);
    auto sum_mixed = lib.get_dynamic("sum_mixed", d);
    CHECK(sum_mixed("dildp", 1.5f, 2, 3LL, 0.25, "A").as<double>() == 1.5 + 2 + 3 + 0.25 + 'A');
    CHECK(sum_mixed("L", 2.5L).as<double>() == 2.5);
    CHECK(sum_mixed("i", ctypes::value(sum_ints(1, 9))).as<double>() == 9);

    ctypes::CDLL libc{test_platform::c_runtime};
    auto snprintf = libc.get_dynamic(test_platform::c_runtime_name("snprintf"),
                                     "int(char *, size_t, const char *, ...)");
    char buf[64];
    CHECK(
        snprintf(buf, sizeof buf, "%d|%s|%.2f|%c|%lld", 42, std::string("x"), 1.5f, 'z', 1LL << 40)
            .as<int>() == 25);
    CHECK(std::string(buf) == "42|x|1.50|z|1099511627776");
}

TEST_CASE("out-parameters through pointers: strtol, frexp", "[dynamic]") {
    ctypes::CDLL libc{test_platform::c_runtime};
    auto strtol = libc.get_dynamic("strtol", "long strtol(const char *nptr, char **endptr, int)");
    const char *text = "1234xyz";
    char *end = nullptr;
    CHECK(strtol(text, &end, 10).as<long>() == 1234);
    CHECK(end == text + 4);
    ctypes::CDLL libm{test_platform::math_library};
    auto frexp = libm.get_dynamic("frexp", "double frexp(double, int *)");
    int exponent = 0;
    CHECK(frexp(1024.0, &exponent).as<double>() == 0.5);
    CHECK(exponent == 11);
}

TEST_CASE("use_errno swaps errno around dynamic calls", "[dynamic]") {
    ctypes::CDLL lib{CTYPES_TEST_DYNAMIC, ctypes::use_errno};
    auto fail = lib.get_dynamic("fail_with_errno", fixture_decls());
    CHECK(fail.flags() == ctypes::use_errno);
    ctypes::set_errno(0);
    errno = 0;
    CHECK(fail(ERANGE).as<int>() == -1);
    CHECK(ctypes::get_errno() == ERANGE);
    CHECK(errno == 0);
    auto plain = dynamic_fixture().get_dynamic("fail_with_errno", fixture_decls());
    CHECK(plain.flags() == ctypes::load_flags::none);
    auto with =
        dynamic_fixture().get_dynamic("fail_with_errno", fixture_decls(), ctypes::use_errno);
    ctypes::set_errno(0);
    with(EDOM);
    CHECK(ctypes::get_errno() == EDOM);
}

namespace {
int twice_plus_one(int x) {
    return 2 * x + 1;
}
} // namespace

TEST_CASE("a function pointer argument reaches C, and the function keeps its library loaded",
          "[dynamic]") {
    ctypes::CDLL lib{CTYPES_TEST_DYNAMIC};
    auto apply = lib.get_dynamic("apply_twice", fixture_decls());
    CHECK(apply(&twice_plus_one, 3).as<int>() == 15);
    CHECK(lib.use_count() == 1);
    CHECK_THROWS_AS(lib.unload(), ctypes::error);
    ctypes::dynamic_function copy;
    copy = apply;
    CHECK(lib.use_count() == 2);
    CHECK(copy(&twice_plus_one, 1).as<int>() == 7);
}

TEST_CASE("records libffi cannot pass are refused at lookup", "[dynamic]") {
    ctypes::CDLL libc{test_platform::c_runtime};
    const ctypes::cdef d{"struct opaque; struct opaque make(void); struct e {}; "
                         "int take(struct e); int arr(int a[2]);"};
    CHECK_THROWS_WITH(libc.get_dynamic("abs", "struct nowhere abs(int)"),
                      Catch::Contains("the result cannot be passed: struct nowhere is "
                                      "incomplete"));
    CHECK_THROWS_WITH(libc.get_dynamic("make", d), Catch::Contains("struct opaque is incomplete"));
    CHECK_THROWS_WITH(libc.get_dynamic("take", d),
                      Catch::Contains("argument 1 (struct e) cannot be passed"));
}

#if defined(__i386__) || defined(_M_IX86)
TEST_CASE("a WinDLL calls stdcall functions through libffi's FFI_STDCALL", "[dynamic][x86]") {
    ctypes::WinDLL lib{CTYPES_TEST_DYNAMIC};
    auto sub = lib.get_dynamic("std_sub", fixture_decls());
    // A cdecl call of a stdcall function would leave the stack 8 bytes off: call many times.
    long long total = 0;
    for (int i = 0; i < 1000; ++i)
        total += sub(i, 1).as<int>();
    CHECK(total == 999 * 1000 / 2 - 1000);
}
#endif

TEST_CASE("dynamic_callback: a C function pointer for a runtime signature", "[dynamic][callback]") {
    ctypes::dynamic_callback plus_one{
        "int(int)", [](const std::vector<ctypes::value> &a) { return a[0].as<int>() + 1; }};
    CHECK(plus_one.signature() == "int(*)(int)");
    auto apply = dynamic_fixture().get_dynamic("apply_twice", fixture_decls());
    CHECK(apply(plus_one.get_as<int (*)(int)>(), 5).as<int>() == 7);
    CHECK(apply(ctypes::value::of(plus_one.get()), 5).as<int>() == 7);

    // qsort through libc, with the comparison written at run time.
    ctypes::CDLL libc{test_platform::c_runtime};
    auto qsort = libc.get_dynamic(
        "qsort", "void qsort(void *, size_t, size_t, int (*)(const void *, const void *))");
    int calls = 0;
    ctypes::dynamic_callback descending{
        "int (*)(const void *, const void *)", [&](const std::vector<ctypes::value> &a) {
            ++calls;
            const int x = *a[0].as<const int *>(), y = *a[1].as<const int *>();
            return ctypes::value::of(y - x);
        }};
    int values[] = {3, 1, 4, 1, 5, 9, 2, 6};
    qsort(values, 8, sizeof(int), descending.get());
    CHECK(calls > 0);
    CHECK(std::vector<int>(values, values + 8) == std::vector<int>{9, 6, 5, 4, 3, 2, 1, 1});

    // A typedef from a cdef names the type; small integer results are widened for libffi.
    const ctypes::cdef decls{"typedef signed char (*small_fn)(signed char, double);"};
    ctypes::dynamic_callback small{decls, "small_fn", [](const std::vector<ctypes::value> &a) {
                                       return static_cast<int>(a[0].as<int>() * a[1].as<double>());
                                   }};
    CHECK(small.get_as<signed char (*)(signed char, double)>()(-3, 2.0) == -6);
}

TEST_CASE("an exception in a dynamic_callback reaches the C++ caller", "[dynamic][callback]") {
    ctypes::dynamic_callback boom{"int(int)", [](const std::vector<ctypes::value> &a) -> int {
                                      if (a[0].as<int>() == 2)
                                          throw std::runtime_error("two is not allowed");
                                      return a[0].as<int>() + 1;
                                  }};
    auto apply = dynamic_fixture().get_dynamic("apply_twice", fixture_decls());
    CHECK_THROWS_WITH(apply(boom.get_as<int (*)(int)>(), 1), "two is not allowed");
    CHECK(apply(boom.get_as<int (*)(int)>(), 5).as<int>() == 7); // nothing left parked
    // A result that does not fit the C type is reported the same way.
    ctypes::CDLL libc{test_platform::c_runtime};
    auto qsort = libc.get_dynamic(
        "qsort", "void qsort(void *, size_t, size_t, int (*)(const void *, const void *))");
    ctypes::dynamic_callback bad{"int(const void *, const void *)",
                                 [](const std::vector<ctypes::value> &) { return 1LL << 40; }};
    int values[] = {2, 1};
    CHECK_THROWS_WITH(qsort(values, 2, sizeof(int), bad.get()),
                      "ctypes: a callback of type 'int(const void *, const void *)': the result "
                      "(int) cannot hold 1099511627776: it does not fit");
    CHECK_THROWS_WITH(ctypes::dynamic_callback("int", [](const std::vector<ctypes::value> &) {}),
                      "ctypes: a dynamic_callback needs a function type, not int");
    CHECK_THROWS_WITH(
        ctypes::dynamic_callback("int(int, ...)", [](const std::vector<ctypes::value> &) {}),
        Catch::Contains("cannot be variadic"));
}

TEST_CASE("register-only signatures take the fast path, others libffi", "[dynamic][fast]") {
    const auto &d = fixture_decls();
    const auto &lib = dynamic_fixture();
    auto mixed = lib.get_dynamic("u64_mix", d);
    auto pair_swap = lib.get_dynamic("pair_swap", d);
    auto ld_mul = lib.get_dynamic("ld_mul", d);
    auto sum_ints = sum_ints_of_shapes();
    auto ivif = lib.get_dynamic("places_ivif", d);
    auto vivi = lib.get_dynamic("places_vivi", d);
#if defined(__x86_64__) && !defined(_WIN32)
    CHECK(mixed.uses_fast_path());
#else
    CHECK_FALSE(mixed.uses_fast_path()); // Windows x64: six parameters, two on the stack
#endif
#if defined(__x86_64__) || defined(_M_X64)
    CHECK(ivif.uses_fast_path());
    CHECK(vivi.uses_fast_path());
    CHECK(lib.get_dynamic("char_neg", d).uses_fast_path());
#else
    CHECK_FALSE(ivif.uses_fast_path());
#endif
    CHECK_FALSE(mixed.via_libffi().uses_fast_path());
    CHECK_FALSE(pair_swap.uses_fast_path());
    CHECK_FALSE(ld_mul.uses_fast_path());
    CHECK_FALSE(sum_ints.uses_fast_path());
    // Both engines agree on every width and sign, floats in the low half of a vector register.
    for (int k = -3; k <= 3; ++k) {
        const float f = 0.5f * static_cast<float>(k);
        const auto a =
            mixed(static_cast<unsigned char>(200 + k), -3 * k, 7u + k, -9LL * k, f, 0.25 * k);
        const auto b = mixed.via_libffi()(static_cast<unsigned char>(200 + k), -3 * k, 7u + k,
                                          -9LL * k, f, 0.25 * k);
        CHECK(a.as<std::uint64_t>() == b.as<std::uint64_t>());
        CHECK(lib.get_dynamic("char_neg", d)(k).as<int>() == -k);
        // Each place in its integer and its vector register, on every entry of both engines.
        const double ivif_want = -k + 2.5 * k * 10 + (1LL << 40) * 100.0 * k + f * 1000.0;
        CHECK(ivif(-k, 2.5 * k, (1LL << 40) * k, f).as<double>() == ivif_want);
        CHECK(ivif.call<double>(-k, 2.5 * k, (1LL << 40) * k, f) == ivif_want);
        CHECK(ivif.via_libffi()(-k, 2.5 * k, (1LL << 40) * k, f).as<double>() == ivif_want);
        const long long vivi_want = 5LL * k + (-300LL * k) * 30 + 4LL * k * 500 + 9000LL * 7000;
        CHECK(vivi(2.5 * k, -300 * k, 1.0f * k, 9000u).as<long long>() == vivi_want);
        CHECK(vivi.call<long long>(2.5 * k, static_cast<short>(-300 * k), 1.0f * k, 9000u) ==
              vivi_want);
        CHECK(vivi.via_libffi()(2.5 * k, -300 * k, 1.0f * k, 9000u).as<long long>() == vivi_want);
    }
    ctypes::CDLL libm{test_platform::math_library};
    auto cosf = libm.get_dynamic("cosf", "float cosf(float)");
    CHECK(cosf(0.5f).as<float>() == cosf.via_libffi()(0.5f).as<float>());
    CHECK(cosf(0.5f).as<float>() == libm.get<float(float)>("cosf")(0.5f));
}

TEST_CASE("cdef bounds what untrusted text may build", "[dynamic][cdef][limits]") {
    const auto error_of = [](const std::string &text) -> std::string {
        try {
            ctypes::cdef d{text};
        } catch (const ctypes::declaration_error &e) {
            return e.what();
        }
        return "no error";
    };
    namespace d = ctypes::detail::dynamic;
    // Nesting: parentheses in constants and declarators, operators, records, parameter lists.
    CHECK_THAT(
        error_of("enum { A = " + std::string(100000, '(') + "1" + std::string(100000, ')') + " };"),
        Catch::Contains("line 1, column 268: found '(' nested more than 256 levels deep"));
    CHECK_THAT(error_of("enum { A = " + std::string(100000, '-') + "1 };"),
               Catch::Contains("found '-' nested more than 256 levels deep"));
    CHECK_THAT(error_of("int " + std::string(100000, '(') + "x" + std::string(100000, ')') + ";"),
               Catch::Contains("nested more than 256 levels deep"));
    std::string records;
    for (int i = 0; i < 300; ++i)
        records += "struct s" + std::to_string(i) + " { ";
    CHECK_THAT(error_of(records), Catch::Contains("found 'struct' nested more than 256"));
    std::string params = "int f";
    for (int i = 0; i < 300; ++i)
        params += "(int (*)";
    CHECK_THAT(error_of(params), Catch::Contains("nested more than 256 levels deep"));
    // Types: pointer levels, typedef chains, sizes.
    CHECK_THAT(error_of("int " + std::string(100000, '*') + "p;"),
               Catch::Contains("found more than 200 levels of '*'"));
    std::string chain = "typedef int *p0;\n";
    for (int i = 1; i < 300; ++i)
        chain += "typedef p" + std::to_string(i - 1) + " *p" + std::to_string(i) + ";\n";
    CHECK_THAT(error_of(chain),
               Catch::Contains("line 201, column") && Catch::Contains("at most 200"));
    // The largest object is 2^40 bytes (2^27 with a 32-bit size_t).
    const std::string most = std::to_string(d::max_object_size);
    const std::string more = std::to_string(d::max_object_size + 1);
    CHECK_THAT(error_of("char a[" + most + "][" + most + "];"),
               Catch::Contains("column 7: found an array of " + most + " char[" + most +
                               "] of "
                               "more than " +
                               most + " bytes"));
    CHECK_THAT(error_of("char a[" + more + "];"), Catch::Contains("array size of " + more));
    CHECK_THAT(error_of("struct s { char a[" + most + "]; char b[" + most + "]; };"),
               Catch::Contains("column 1: found struct s of more than " + most + " bytes"));
    CHECK_THAT(error_of("int " + std::string(2000, 'x') + ";"),
               Catch::Contains("found an identifier of 2000 characters, expected at most 1024"));
    // Names that would grow exponentially through typedefs stay short, and fast.
    std::string spelled = "typedef void (*t0)(int, int);\n";
    for (int i = 1; i < 60; ++i) {
        const std::string prev = "t" + std::to_string(i - 1);
        spelled += "typedef void (*t" + std::to_string(i) + ")(" + prev + ", " + prev + ", " +
                   prev + ");\n";
    }
    const ctypes::cdef names{spelled};
    CHECK(names.size_of("t59") == sizeof(void *));
    CHECK(names.type("t59")->name.size() <= d::max_name_length);
    CHECK_THAT(names.type("t59")->name, Catch::EndsWith("..."));
    // A record larger than libffi's bound is refused by value, and taken by pointer.
    ctypes::CDLL libc{test_platform::c_runtime};
    const ctypes::cdef large{"struct large { char bytes[65537]; }; "
                             "int abs(struct large); int labs(struct large *);"};
    CHECK_THROWS_WITH(libc.get_dynamic("abs", large),
                      Catch::Contains("argument 1 (struct large) cannot be passed: struct large "
                                      "is 65537 bytes: records of more than 65536 bytes"));
    CHECK(libc.get_dynamic("labs", large).arity() == 1);
}

TEST_CASE("self-referential structs live as long as the functions that use them",
          "[dynamic][cdef]") {
    ctypes::CDLL libc{test_platform::c_runtime};
    // Inline: the declaration's own records go with the function (LeakSanitizer checks that).
    auto f = libc.get_dynamic("free", "void free(struct node { struct node *next; int v; } *)");
    const auto &node = *f.c_type()->params[0]->target;
    REQUIRE(node.fields.size() == 2);
    CHECK(node.fields[0].type->target.get() == &node);
    CHECK(f(nullptr).is_void());
    // Through a cdef: the records keep their members while a function uses them, after the
    // cdef itself has gone.
    ctypes::dynamic_function g;
    {
        const ctypes::cdef decls{"struct a { struct b *b; }; struct b { struct a *a; long n; };"
                                 "void free(struct b *);"};
        g = libc.get_dynamic("free", decls);
    }
    const auto &b = *g.c_type()->params[0]->target;
    REQUIRE(b.fields.size() == 2);
    CHECK(b.fields[0].type->target->fields.size() == 1);
    CHECK(g(nullptr).is_void());
}

namespace {

struct fastcall_style {
    template <class R, class... A>
    using pointer = R (*)(A...);
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    static std::string decorate(const std::string &name, std::size_t bytes) {
        return "@" + name + "@" + std::to_string(bytes);
    }
};

int triple(int x) {
    return 3 * x;
}

// The decoration get_dynamic asks the lookup for under Policy, for an inline declaration.
template <class Policy>
ctypes::detail::decoration decoration_of_dynamic(const std::string &declaration) {
    ctypes::detail::decoration seen;
    seen.argument_bytes = 12345;
    const ctypes::dynamic_function f = ctypes::detail::dynamic_lookup<std::string>::make<Policy>(
        "triple", declaration, ctypes::load_flags::none, ctypes::load_flags::none, nullptr,
        [&](ctypes::detail::decoration d) {
            seen = d;
            return reinterpret_cast<void *>(&triple);
        });
    if (f.arity() == 1 && !f.is_variadic()) // what `triple` really takes
        CHECK(f(7).as<int>() == 21);
    return seen;
}

} // namespace

TEST_CASE("get_dynamic decorates names as get<Sig> does", "[dynamic]") {
    namespace c = ctypes::detail;
    using stdcall = ctypes::policy<ctypes::stdcall_convention, ctypes::plain_result>;
    using fastcall = ctypes::policy<fastcall_style, ctypes::plain_result>;
    const auto plain = decoration_of_dynamic<ctypes::cdll_policy>("int(int)");
    CHECK(plain.argument_bytes == c::no_decoration);
    // Each parameter takes whole 4-byte slots, as stdcall_argument_bytes counts them.
    const auto std_bytes = decoration_of_dynamic<stdcall>("int(int, char, double, short)");
    CHECK(std_bytes.argument_bytes == c::stdcall_argument_bytes<int(int, char, double, short)>());
    CHECK(std_bytes.rule == nullptr);
    const auto own = decoration_of_dynamic<fastcall>("int(int, long long)");
    CHECK(own.argument_bytes == c::stdcall_argument_bytes<int(int, long long)>());
    REQUIRE(own.rule != nullptr);
    CHECK(own.rule("triple", own.argument_bytes) ==
          "@triple@" + std::to_string(own.argument_bytes));
    // As the typed decoration_of says for the same signatures.
    CHECK(c::decoration_of<int(int, long long), fastcall_style>().argument_bytes ==
          own.argument_bytes);
    CHECK(decoration_of_dynamic<stdcall>("int(int, ...)").argument_bytes == c::no_decoration);
}

namespace {

struct below_hundred {
    void operator()(const ctypes::value &v, const ctypes::call_context &c) const {
        if (v.as<long long>() >= 100)
            throw std::range_error(c.function() + " gave " + std::to_string(v.as<long long>()));
    }
};

} // namespace

#if !defined(_WIN32) // unlink, strtol's errno
TEST_CASE("dynamic functions apply the typed path's result checks", "[dynamic][posix]") {
    using ctypes::checked_with;
    ctypes::basic_library<checked_with<ctypes::minus_one_errno_check>> minus_one{
        test_platform::c_runtime};
    auto unlink = minus_one.get_dynamic("unlink", "int unlink(const char *)");
    try {
        unlink("/nonexistent/ctypes-dynamic-check");
        FAIL("no call_error");
    } catch (const ctypes::call_error &e) {
        CHECK(e.code() == std::errc::no_such_file_or_directory);
        CHECK_THAT(e.what(), Catch::Contains("unlink"));
    }
    CHECK_THROWS_WITH(minus_one.get_dynamic("cos", "double cos(double)"),
                      "ctypes: 'cos' is checked by minus_one_errno_check, which takes a signed "
                      "integer result, but it returns double");

    ctypes::basic_library<checked_with<ctypes::null_errno_check>> null_ptr{
        test_platform::c_runtime};
    auto fopen =
        null_ptr.get_dynamic("fopen", "FILE *fopen(const char *, const char *)", ctypes::use_errno);
    CHECK_THROWS_AS(fopen("/nonexistent/ctypes-dynamic-check", "r"), ctypes::call_error);
    CHECK_THROWS_WITH(null_ptr.get_dynamic("abs", "int abs(int)"),
                      Catch::Contains("which takes a pointer result, but it returns int"));

    ctypes::basic_library<checked_with<ctypes::status_check<std::generic_category>>> status{
        test_platform::c_runtime};
    auto abs = status.get_dynamic("abs", "int abs(int)");
    CHECK(abs(0).as<int>() == 0);
    try {
        abs(-2);
        FAIL("no call_error");
    } catch (const ctypes::call_error &e) {
        CHECK(e.code() == std::error_code(2, std::generic_category()));
    }

    ctypes::basic_library<checked_with<ctypes::errcheck<below_hundred>>> user{
        test_platform::c_runtime};
    auto labs = user.get_dynamic("labs", "long labs(long)");
    CHECK(labs(-99L).as<long>() == 99);
    CHECK_THROWS_WITH(labs(-100L), "labs gave 100");
    CHECK_THROWS_WITH(user.get_dynamic("srand", "void srand(unsigned)"),
                      Catch::Contains("checked by errcheck, which takes a non-void result"));
}
#endif

TEST_CASE("a stdcall dynamic_callback is called by C as stdcall", "[dynamic][callback]") {
    // call_stdcall calls f(i, b) for i < times through a stdcall pointer: on 32-bit x86 a cdecl
    // closure would leave the stack 8 bytes off each time; elsewhere stdcall is cdecl.
    ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    auto call = lib.get_dynamic("call_stdcall", "long call_stdcall(int (*)(int, int), int, int)");
    ctypes::dynamic_callback minus{
        "int(int, int)",
        [](const std::vector<ctypes::value> &a) { return a[0].as<int>() - a[1].as<int>(); },
        ctypes::stdcall_convention{}};
    CHECK(call(minus.get(), 1, 1000).as<long>() == 999 * 1000 / 2 - 1000);
    CHECK(minus.signature() == "int(*)(int, int)");
}
