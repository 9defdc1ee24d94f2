// Memory and data across the boundary (DESIGN.md "Memory"): buffers, strings, owned pointers
// freed by their own library, aggregates by value, variadic promotions and out-parameters.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include "platform.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#if !defined(_WIN32)
#include <sqlite3.h>
#endif

namespace {
// The fixture's types, declared as a C++ user would: same members, same order.
struct POINT {
    std::int32_t x, y;
};
struct RECT {
    std::int32_t left, top, right, bottom;
};
struct EIGHT {
    int v[8];
};
struct RECORD {
    char name[16];
    double samples[3];
    std::uint8_t count;
};
union NUMBER {
    std::int32_t i;
    float f;
    std::uint8_t bytes[4];
};
#pragma pack(push, 1)
struct PACKED {
    char tag;
    std::int32_t value;
    std::int16_t extra;
};
#pragma pack(pop)
struct FLAGS {
    unsigned kind : 3;
    unsigned level : 5;
    unsigned payload : 24;
};
struct FDF {
    float f;
    double d;
    float g;
};
struct LDTAG {
    long double x;
    int tag;
};

const ctypes::CDLL &memory() {
    static const ctypes::CDLL lib{CTYPES_TEST_MEMORY};
    return lib;
}
#if !defined(_WIN32)
const ctypes::CDLL &libc() {
    static const ctypes::CDLL lib{"libc.so.6"};
    return lib;
}
#endif

struct counts {
    long allocations, frees, mismatches;
};
counts allocator_counts() {
    const auto &lib = memory();
    return {lib.get<long()>("mem_allocations")(), lib.get<long()>("mem_frees")(),
            lib.get<long()>("mem_mismatches")()};
}
} // namespace

TEST_CASE("create_string_buffer has ctypes' sizes, raw and value", "[memory][buffer]") {
    auto hello = ctypes::create_string_buffer("Hello");
    CHECK(hello.size() == 6);
    CHECK(hello.raw() == std::string("Hello\0", 6));
    CHECK(hello.value() == "Hello");

    auto sized = ctypes::create_string_buffer("Hi", 8);
    CHECK(sized.size() == 8);
    CHECK(sized.raw() == std::string("Hi\0\0\0\0\0\0", 8));
    CHECK(sized.value() == "Hi");

    auto zeros = ctypes::create_string_buffer(4);
    CHECK(zeros.size() == 4);
    CHECK(zeros.raw() == std::string(4, '\0'));
    CHECK(zeros.value().empty());

    auto exact = ctypes::create_string_buffer("abc", 3); // fits exactly: no NUL, as in ctypes
    CHECK(exact.raw() == "abc");
    CHECK(exact.value() == "abc");

    auto embedded = ctypes::create_string_buffer(std::string("a\0b", 3));
    CHECK(embedded.size() == 4);
    CHECK(embedded.value() == "a");
    CHECK(embedded.raw() == std::string("a\0b\0", 4));
}

TEST_CASE("assign_raw stores bytes as given, like ctypes' buf.raw = ...", "[memory][buffer]") {
    auto buf = ctypes::create_string_buffer("abcdef");
    buf.assign_raw(std::string("X\0Y", 3));
    CHECK(buf.raw() == std::string("X\0Ydef\0", 7)); // no NUL added, the rest unchanged
    CHECK(buf.value() == "X");
    buf.assign_raw(std::string(7, 'q'));
    CHECK(buf.raw() == std::string(7, 'q'));
    buf.assign_raw({});
    CHECK(buf.raw() == std::string(7, 'q'));
    try {
        buf.assign_raw(std::string(8, 'r'));
        FAIL("an 8-byte raw value fitted a 7-byte buffer");
    } catch (const std::length_error &e) {
        CHECK(std::string(e.what()) ==
              "ctypes: cannot store 8 raw elements in a buffer of 7 elements");
    }
    CHECK(buf.raw() == std::string(7, 'q'));
    auto wide = ctypes::create_unicode_buffer(3);
    wide.assign_raw(L"ab");
    CHECK(wide.raw() == std::wstring(L"ab\0", 3));
}

TEST_CASE("byte pointer parameters take what ctypes passes there, and refuse the rest",
          "[memory][buffer]") {
    using ctypes::function;
    // Containers of bytes only to the const forms: C cannot write into a const container.
    STATIC_REQUIRE(std::is_invocable_v<function<int(const unsigned char *)>, const std::string &>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(const std::byte *)>, std::vector<char>>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(const void *)>, std::vector<std::byte> &>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(const std::uint8_t *)>, const char *>);
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(unsigned char *)>, std::string &>);
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(void *)>, std::vector<char> &>);
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(unsigned char *)>, const char *>);
    // Buffers to every form; a const buffer only to the const ones.
    STATIC_REQUIRE(std::is_invocable_v<function<int(unsigned char *)>, ctypes::string_buffer &>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(std::byte *)>, ctypes::string_buffer &>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(void *)>, ctypes::unicode_buffer &>);
    STATIC_REQUIRE(
        std::is_invocable_v<function<int(const void *)>, const ctypes::unicode_buffer &>);
    STATIC_REQUIRE_FALSE(
        std::is_invocable_v<function<int(unsigned char *)>, const ctypes::string_buffer &>);
    STATIC_REQUIRE_FALSE(
        std::is_invocable_v<function<int(unsigned char *)>, ctypes::unicode_buffer &>);
    // Containers of wider elements are not bytes: pass .data() for those.
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(const void *)>, std::vector<int>>);
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(const unsigned char *)>, std::wstring>);
    // Pointers as before: any object pointer and nullptr to void*.
    STATIC_REQUIRE(std::is_invocable_v<function<int(void *)>, int *>);
    STATIC_REQUIRE(std::is_invocable_v<function<int(void *)>, std::nullptr_t>);
    STATIC_REQUIRE_FALSE(std::is_invocable_v<function<int(void *)>, const int *>);
}

TEST_CASE("an initializer longer than the buffer is an error naming both sizes",
          "[memory][buffer]") {
    CHECK_THROWS_MATCHES(ctypes::create_string_buffer("Hello", 3), std::length_error,
                         Catch::Message("ctypes: cannot create a buffer of 3 elements from an "
                                        "initializer of 5 elements: it does not fit"));
    CHECK_THROWS_AS(ctypes::create_unicode_buffer(L"wide", 2), std::length_error);
    auto buf = ctypes::create_string_buffer(4);
    CHECK_THROWS_WITH(buf.assign("toolong"),
                      "ctypes: cannot store 7 elements in a buffer of 4 elements");
    buf.assign("ok");
    CHECK(buf.value() == "ok");
}

TEST_CASE("resize grows, keeps the contents, and never goes below the original size",
          "[memory][buffer]") {
    auto buf = ctypes::create_string_buffer("abc"); // 4
    buf.resize(10);
    CHECK(buf.size() == 10);
    CHECK(buf.raw() == std::string("abc\0\0\0\0\0\0\0", 10));
    buf.resize(4); // back to the original size is allowed
    CHECK(buf.size() == 4);
    CHECK_THROWS_MATCHES(buf.resize(3), std::length_error,
                         Catch::Message("ctypes: cannot resize a buffer of 4 elements to 3: the "
                                        "minimum is its original size 4"));
    CHECK(buf.value() == "abc");
}

#if !defined(_WIN32)
TEST_CASE("buffers pass as char* and const char* arguments", "[memory][buffer]") {
    const auto &lib = memory();
    auto upper = lib.get<void(char *)>("text_upper");
    auto length = lib.get<std::size_t(const char *)>("text_length");
    auto buf = ctypes::create_string_buffer("mixed Case", 32);
    upper(buf);
    CHECK(buf.value() == "MIXED CASE");
    CHECK(length(buf) == 10);

    auto snprintf = libc().get<int(char *, std::size_t, const char *, ...)>("snprintf");
    auto out = ctypes::create_string_buffer(16);
    CHECK(snprintf(out, out.size(), "%s-%d", "n", 42) == 4);
    CHECK(out.value() == "n-42");
}
#endif

TEST_CASE("unicode buffers pass as wchar_t* and const wchar_t*", "[memory][buffer]") {
    const auto &lib = memory();
    auto w = ctypes::create_unicode_buffer(L"Hello");
    CHECK(w.size() == 6);
    CHECK(w.value() == L"Hello");
    CHECK(lib.get<std::size_t(const wchar_t *)>("wide_length")(w) == 5);
    auto fill = lib.get<void(wchar_t *, std::size_t, wchar_t)>("wide_fill");
    auto z = ctypes::create_unicode_buffer(5);
    fill(z, z.size(), L'z');
    CHECK(z.value() == L"zzzz");
    CHECK(z.raw() == std::wstring(L"zzzz\0", 5));
}

#if !defined(_WIN32)
TEST_CASE("std::string and std::wstring arguments become C strings for the call",
          "[memory][string]") {
    const auto &lib = memory();
    auto length = lib.get<std::size_t(const char *)>("text_length");
    const std::string s = "seven!!";
    CHECK(length(s) == 7);
    CHECK(length(std::string("temporary")) == 9); // lives until the end of the full expression
    CHECK(length("literal") == 7);
    CHECK(length(nullptr) == static_cast<std::size_t>(-1));
    char mutable_text[] = "abc";
    CHECK(length(mutable_text) == 3);
    CHECK(lib.get<std::size_t(const wchar_t *)>("wide_length")(std::wstring(L"wide")) == 4);

    // libc strtol through a std::string, and strcmp with two of them.
    auto strcmp = libc().get<int(const char *, const char *)>("strcmp");
    CHECK(strcmp(std::string("same"), "same") == 0);
    CHECK(strcmp(std::string("a"), std::string("b")) < 0);
}
#endif

#if !defined(_WIN32)
TEST_CASE("string_at and wstring_at read C strings and counted ranges", "[memory][string]") {
    const char bytes[] = "ab\0cd";
    CHECK(ctypes::string_at(bytes) == "ab");
    CHECK(ctypes::string_at(bytes, 5) == std::string("ab\0cd", 5));
    CHECK(ctypes::string_at(nullptr, 0).empty());
    CHECK_THROWS_MATCHES(ctypes::string_at(nullptr), std::invalid_argument,
                         Catch::Message("ctypes: string_at() cannot read a C string at a null "
                                        "pointer"));
    CHECK_THROWS_WITH(ctypes::string_at(nullptr, 3),
                      "ctypes: string_at() cannot read 3 bytes at a null pointer");
    const wchar_t wide[] = L"xy\0z";
    CHECK(ctypes::wstring_at(wide) == L"xy");
    CHECK(ctypes::wstring_at(wide, 4) == std::wstring(L"xy\0z", 4));
    CHECK_THROWS_AS(ctypes::wstring_at(nullptr), std::invalid_argument);
    CHECK_THROWS_AS(ctypes::wstring_at(nullptr, 1), std::invalid_argument);

    // A string a C function returns, read back.
    auto name = libc().get<char *(int)>("strerror");
    CHECK_FALSE(ctypes::string_at(name(ENOENT)).empty());
}
#endif

TEST_CASE("owned pointers are freed by the allocating library's own free", "[memory][owned]") {
    const auto &lib = memory();
    const counts before = allocator_counts();
    {
        auto dup = lib.get_owning<char *(const char *)>("mem_strdup", "mem_free");
        ctypes::owned_ptr<char> copy = dup("owned text");
        static_assert(std::is_same_v<decltype(dup(""))::element_type, char>);
        REQUIRE(copy);
        CHECK(ctypes::string_at(copy.get()) == "owned text");
        CHECK(allocator_counts().allocations == before.allocations + 1);
        CHECK(allocator_counts().frees == before.frees);

        auto wdup = lib.get_owning<wchar_t *(const wchar_t *)>("mem_wcsdup", "mem_free");
        auto wide = wdup(std::wstring(L"wide"));
        CHECK(ctypes::wstring_at(wide.get()) == L"wide");

        auto new_rect = lib.get_owning<RECT *(int, int, int, int)>("mem_new_rect", "mem_free");
        auto r = new_rect(1, 2, 3, 4);
        CHECK((r->left == 1 && r->bottom == 4));
        auto moved = std::move(r); // move-only: the pointer changes hands, freed once
        CHECK_FALSE(r);
        CHECK(moved->right == 3);
    }
    const counts after = allocator_counts();
    CHECK(after.allocations == before.allocations + 3);
    CHECK(after.frees == before.frees + 3);
    CHECK(after.mismatches == before.mismatches);
}

TEST_CASE("an owned pointer keeps its library loaded: unload() refuses while it lives",
          "[memory][owned]") {
    ctypes::CDLL lib{CTYPES_TEST_MEMORY};
    auto owned = [&] {
        auto dup = lib.get_owning<char *(const char *)>("mem_strdup", "mem_free");
        CHECK(lib.use_count() == 2); // the allocating function and the free
        return dup("kept");
    }();
    CHECK(lib.use_count() == 1); // the deleter inside the owner
    CHECK_THROWS_MATCHES(lib.unload(), ctypes::error,
                         Catch::Message("ctypes: cannot unload '" CTYPES_TEST_MEMORY
                                        "': 1 function, variable or owned pointer still uses it"));
    try {
        lib.unload();
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::in_use);
    }
    CHECK(ctypes::string_at(owned.get()) == "kept");
    const long frees = lib.get<long()>("mem_frees")();
    owned.reset(); // the free runs through the still-mapped library, then lets go of it
    CHECK(lib.get<long()>("mem_frees")() == frees + 1);
    CHECK(lib.use_count() == 0);
    CHECK_FALSE(owned.get_deleter());
    CHECK_NOTHROW(lib.unload());
}

TEST_CASE("an owner holds the library exactly while it owns memory", "[memory][owned]") {
    ctypes::CDLL lib{CTYPES_TEST_MEMORY};
    auto dup = lib.get_owning<char *(const char *)>("mem_strdup", "mem_free");
    const long base = lib.use_count(); // the allocating function and the free inside dup
    auto a = dup("a");
    CHECK(lib.use_count() == base + 1);
    auto b = std::move(a); // the deleter moves with the pointer
    CHECK_FALSE(a);
    CHECK(lib.use_count() == base + 1); // counted once: the moved-from deleter holds nothing
    b.reset(dup("b").release());        // reset(p) frees "a" and keeps the deleter for "b"
    CHECK(ctypes::string_at(b.get()) == "b");
    CHECK(lib.use_count() == base + 1);
    char *raw = b.release(); // the caller owns it now; the owner lets go of the library
    CHECK(lib.use_count() == base);
    auto c = dup.deleter().own(raw);
    CHECK(lib.use_count() == base + 1);
    c = nullptr;
    CHECK(lib.use_count() == base);
    ctypes::owned_ptr<char> empty;
    CHECK_FALSE(empty.get_deleter());
}

TEST_CASE("get_free().own() adopts a pointer that came out of the library another way",
          "[memory][owned]") {
    const auto &lib = memory();
    const counts before = allocator_counts();
    {
        auto split =
            lib.get<int(const char *, ctypes::out<std::size_t>, ctypes::out<char *>)>("split_pair");
        auto [rc, key_length, raw_value] = split("name=value");
        REQUIRE(rc == 0);
        CHECK(key_length == 4);
        auto value = lib.get_free("mem_free").own(raw_value);
        CHECK(ctypes::string_at(value.get()) == "value");

        auto [bad, no_length, no_value] = split("no separator");
        CHECK(bad == -1);
        CHECK(no_length == 0); // outputs start value-initialised
        CHECK(no_value == nullptr);
        CHECK_FALSE(lib.get_free("mem_free").own(no_value));
    }
    CHECK(allocator_counts().frees == before.frees + 1);
    CHECK(allocator_counts().mismatches == before.mismatches);
}

TEST_CASE("missing allocating or free symbols are reported", "[memory][owned]") {
    const auto &lib = memory();
    CHECK_THROWS_AS((lib.get_owning<char *(const char *)>("mem_strdup", "no_such_free")),
                    ctypes::symbol_error);
    CHECK_THROWS_AS((lib.get_owning<char *(const char *)>("no_such_dup", "mem_free")),
                    ctypes::symbol_error);
    std::error_code ec;
    auto f = lib.get_owning<char *(const char *)>("mem_strdup", "no_such_free", ec);
    CHECK(ec == test_platform::missing_symbol());
    CHECK_FALSE(f);
    ec.clear();
    CHECK_FALSE(lib.get_free("no_such_free", ec));
    CHECK(ec == test_platform::missing_symbol());
}

#if !defined(_WIN32)
TEST_CASE("a free is the definition the library's own calls reach", "[memory][owned][posix]") {
    // libc's strdup allocates with the malloc that the global scope provides (an interposed one
    // under AddressSanitizer or an LD_PRELOADed allocator), so its memory must go to the global
    // free, not necessarily the one libc.so.6 itself defines.
    const auto global_free = ctypes::CDLL::self().get<void(void *)>("free").address();
    CHECK(libc().get_free("free").get().address() == global_free);
    // The fixture's free exists nowhere else: its own definition.
    CHECK(memory().get_free("mem_free").get().address() ==
          memory().get<void(void *)>("mem_free").address());
}
#endif

#if !defined(_WIN32)
TEST_CASE("libc strdup with libc free", "[memory][owned][system]") {
    auto strdup = libc().get_owning<char *(const char *)>("strdup", "free");
    auto copy = strdup(std::string("from libc"));
    CHECK(ctypes::string_at(copy.get()) == "from libc");
    copy.get()[0] = 'F'; // it is ours to write
    CHECK(ctypes::string_at(copy.get(), 4) == "From");
}
#endif

#if !defined(_WIN32)
TEST_CASE("sqlite3_mprintf with sqlite3_free, and sqlite3_exec's error message",
          "[memory][owned][system]") {
    ctypes::CDLL sqlite{"libsqlite3.so.0"};
    auto mprintf = sqlite.get_owning<char *(const char *, ...)>("sqlite3_mprintf", "sqlite3_free");
    auto text = mprintf("%s=%d, %.2f", "answer", 42, 2.5f); // float promoted to double
    CHECK(ctypes::string_at(text.get()) == "answer=42, 2.50");
    auto quoted = mprintf("%Q", "it's");
    CHECK(ctypes::string_at(quoted.get()) == "'it''s'");

    using db_handle = sqlite3 *;
    auto open = sqlite.get<int(const char *, ctypes::out<db_handle>)>("sqlite3_open");
    auto close = sqlite.get<int(sqlite3 *)>("sqlite3_close");
    auto exec = sqlite.get<int(sqlite3 *, const char *, void *, void *, ctypes::out<char *>)>(
        "sqlite3_exec");
    auto [open_rc, db] = open(":memory:");
    REQUIRE(open_rc == SQLITE_OK);
    auto [ok_rc, no_message] = exec(db, "CREATE TABLE t(x)", nullptr, nullptr);
    CHECK(ok_rc == SQLITE_OK);
    CHECK(no_message == nullptr);
    auto [rc, errmsg] = exec(db, std::string("SELECT * FROM missing_table"), nullptr, nullptr);
    CHECK(rc == SQLITE_ERROR);
    auto message = sqlite.get_free("sqlite3_free").own(errmsg);
    REQUIRE(message);
    CHECK(ctypes::string_at(message.get()) == "no such table: missing_table");
    CHECK(close(db) == SQLITE_OK);
    message = nullptr;
    text.reset();
    sqlite.get_free("sqlite3_free")(quoted.release()); // released, then freed by hand
    mprintf = {};
    CHECK(sqlite.use_count() == 3); // open, close, exec: owners and their frees are gone
}
#endif

TEST_CASE("RECT and POINT by value and through pointers", "[memory][aggregate]") {
    const auto &lib = memory();
    auto make = lib.get<POINT(std::int32_t, std::int32_t)>("point_make");
    auto from_points = lib.get<RECT(POINT, POINT)>("rect_from_points");
    auto inside = lib.get<int(const RECT *, POINT)>("point_in_rect");
    auto get = lib.get<int(int, RECT *)>("rect_get");
    auto offset = lib.get<void(RECT *, std::int32_t, std::int32_t)>("rect_offset");
    auto roundtrip = lib.get<RECT(RECT)>("rect_by_value_roundtrip");

    const POINT p = make(-3, 9);
    CHECK((p.x == -3 && p.y == 9));
    RECT r = from_points(make(10, 20), {0, 5}); // braced initialisation of a struct parameter
    CHECK((r.left == 0 && r.top == 5 && r.right == 10 && r.bottom == 20));
    CHECK(inside(&r, {0, 5}) == 1);
    CHECK(inside(&r, POINT{10, 5}) == 0);
    offset(&r, 1, -1);
    CHECK((r.left == 1 && r.top == 4 && r.right == 11 && r.bottom == 19));
    RECT filled{};
    CHECK(get(7, &filled) == 1);
    CHECK((filled.left == 7 && filled.top == 14 && filled.right == 107 && filled.bottom == 64));
    CHECK(get(-1, nullptr) == 0);
    const RECT back = roundtrip({1, 2, 3, 4});
    CHECK((back.left == 1 && back.top == 2 && back.right == 3 && back.bottom == 4));
}

TEST_CASE("an 8-int struct, a struct with arrays inside, a union", "[memory][aggregate]") {
    const auto &lib = memory();
    const EIGHT e = lib.get<EIGHT(int)>("eight_iota")(10);
    for (int i = 0; i < 8; ++i)
        CHECK(e.v[i] == 10 + i);
    CHECK(lib.get<long(EIGHT)>("eight_weighted")(e) == 10 * 36 + 168);

    auto make = lib.get<RECORD(const char *, double, double, double)>("record_make");
    const RECORD rec = make(std::string("sensor"), 1.0, 2.0, 6.0);
    CHECK(std::string(rec.name) == "sensor");
    CHECK(rec.count == 3);
    CHECK(rec.samples[2] == 6.0);
    CHECK(lib.get<double(RECORD)>("record_mean")(rec) == 3.0);

    const NUMBER n = lib.get<NUMBER(float)>("number_from_float")(1.0f);
    CHECK(n.i == 0x3f800000);
    NUMBER m{};
    m.i = 0x12345678;
    CHECK(lib.get<std::uint32_t(NUMBER)>("number_bits")(m) == 0x12345678u);
}

TEST_CASE("packed structs and bit-fields", "[memory][aggregate]") {
    const auto &lib = memory();
    static_assert(sizeof(PACKED) == 7);
    CHECK(lib.get<int()>("packed_size")() == static_cast<int>(sizeof(PACKED)));
    const PACKED p =
        lib.get<PACKED(char, std::int32_t, std::int16_t)>("packed_make")('A', -70000, 1234);
    CHECK((p.tag == 'A' && p.value == -70000 && p.extra == 1234));
    CHECK(lib.get<std::int64_t(PACKED)>("packed_sum")(p) == 65 - 70000 + 1234);

    const FLAGS f = lib.get<FLAGS(unsigned, unsigned, unsigned)>("flags_make")(5, 17, 0xABCDEF);
    CHECK((f.kind == 5 && f.level == 17 && f.payload == 0xABCDEFu));
    FLAGS g{};
    g.kind = 7;
    g.level = 31;
    g.payload = 1;
    CHECK(lib.get<unsigned(FLAGS)>("flags_total")(g) == 39);
}

TEST_CASE("long double and float/double mixes", "[memory][aggregate]") {
    const auto &lib = memory();
    CHECK(lib.get<long double(long double, long double)>("ld_scale")(1.5L, 4.0L) == 6.0L);
    const FDF v = lib.get<FDF(FDF)>("fdf_twice")({1.5f, 2.25, -3.0f});
    CHECK((v.f == 3.0f && v.d == 4.5 && v.g == -6.0f));
    const LDTAG t = lib.get<LDTAG(long double, int)>("ldtag_make")(0.25L, 9);
    CHECK((t.x == 0.5L && t.tag == 10));
}

#if !defined(_WIN32)
TEST_CASE("variadic arguments undergo C's default promotions", "[memory][variadic]") {
    auto snprintf = libc().get<int(char *, std::size_t, const char *, ...)>("snprintf");
    auto buf = ctypes::create_string_buffer(64);
    const float f = 1.25f;
    const char c = 'x';
    const short s = -5;
    const unsigned char uc = 200;
    const bool b = true;
    CHECK(snprintf(buf, buf.size(), "%.2f %c %d %d %d", f, c, s, uc, b) == 15);
    CHECK(buf.value() == "1.25 x -5 200 1");
    CHECK(snprintf(buf, buf.size(), "%s|%ld|%p", std::string("str").c_str(), 7L, nullptr) > 0);
    CHECK(buf.value().rfind("str|7|", 0) == 0);
}
#endif

#if !defined(_WIN32)
TEST_CASE("out-parameters return with the result", "[memory][out]") {
    ctypes::CDLL libm{"libm.so.6"};
    auto frexp = libm.get<double(double, ctypes::out<int>)>("frexp");
    auto [mantissa, exponent] = frexp(8.0);
    CHECK(mantissa == 0.5);
    CHECK(exponent == 4);
    static_assert(std::is_same_v<decltype(frexp)::result_type, std::tuple<double, int>>);
    static_assert(std::is_same_v<decltype(frexp)::pointer, double (*)(double, int *)>);

    auto modf = libm.get<double(double, ctypes::out<double>)>("modf");
    auto [fraction, whole] = modf(3.75);
    CHECK(fraction == 0.75);
    CHECK(whole == 3.0);

    auto strtol = libc().get<long(const char *, ctypes::out<char *>, int)>("strtol");
    const std::string text = "1234xyz";
    auto [value, end] = strtol(text, 10);
    CHECK(value == 1234);
    CHECK(end == text.c_str() + 4);
    CHECK(std::string(end) == "xyz");

    const auto &lib = memory();
    auto div_mod = lib.get<void(int, int, ctypes::out<int>, ctypes::out<int>)>("div_mod");
    static_assert(std::is_same_v<decltype(div_mod(1, 1)), std::tuple<int, int>>);
    auto [q, r] = div_mod(17, 5);
    CHECK((q == 3 && r == 2));
    auto center = lib.get<void(RECT, ctypes::out<POINT>)>("rect_center");
    static_assert(std::is_same_v<decltype(center(RECT{})), POINT>);
    const POINT c = center({0, 0, 10, 20});
    CHECK((c.x == 5 && c.y == 10));
    auto get = lib.get<int(int, ctypes::out<RECT>)>("rect_get");
    auto [ok, rect] = get(3);
    CHECK(ok == 1);
    CHECK((rect.left == 3 && rect.bottom == 56));
    CHECK(get.address() == lib.get<int(int, RECT *)>("rect_get").address());
}
#endif

#if !defined(_WIN32)
TEST_CASE("out-parameters with use_errno and a variadic tail", "[memory][out]") {
    auto strtol =
        libc().get<long(const char *, ctypes::out<char *>, int)>("strtol", ctypes::use_errno);
    ctypes::set_errno(0);
    auto [value, end] = strtol("99999999999999999999999", 10);
    CHECK(value == std::numeric_limits<long>::max());
    CHECK(*end == '\0');
    CHECK(ctypes::get_errno() == ERANGE);

    auto sscanf = libc().get<int(const char *, const char *, ...)>("sscanf");
    int a = 0;
    CHECK(sscanf("41", "%d", &a) == 1);
    CHECK(a == 41);
}
#endif

#if !defined(_WIN32)
TEST_CASE("implicit conversions that worked before still work", "[memory][string]") {
    // int to long; derived-to-base pointers; nullptr and 0 to pointers.
    CHECK(libc().get<long(long)>("labs")(-5) == 5);
    struct base {
        std::int32_t left, top, right, bottom;
    };
    struct derived : base {};
    derived d{};
    auto get = memory().get<int(int, base *)>("rect_get");
    CHECK(get(2, &d) == 1);
    CHECK((d.left == 2 && d.right == 102));
    CHECK(get(-1, nullptr) == 0);
    CHECK(get(-1, 0) == 0);
    CHECK(memory().get<std::size_t(const char *)>("text_length")(0) ==
          static_cast<std::size_t>(-1));
}
#endif
