// Typed calls of every shape, and symbol lookup with its errors (DESIGN.md "Symbols").
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "platform.hpp"

#if !defined(_WIN32)
#include <dlfcn.h>
#endif

namespace {
struct point {
    int x, y;
};
struct rect {
    point lo, hi;
};
struct eight {
    int v[8];
};
struct mixed {
    double d;
    float f;
    char c;
};

const ctypes::CDLL &shapes() {
    static const ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    return lib;
}
} // namespace

TEST_CASE("integers of every width keep their width across the call", "[function]") {
    const auto &lib = shapes();
    CHECK(lib.get<std::int8_t(std::int8_t, std::int8_t)>("add_i8")(100, 100) == -56);
    CHECK(lib.get<std::uint8_t(std::uint8_t, std::uint8_t)>("add_u8")(200, 100) == 44);
    CHECK(lib.get<std::int16_t(std::int16_t, std::int16_t)>("add_i16")(30000, 30000) == -5536);
    CHECK(lib.get<std::uint16_t(std::uint16_t, std::uint16_t)>("add_u16")(65535, 2) == 1);
    CHECK(lib.get<std::int32_t(std::int32_t, std::int32_t)>("add_i32")(-7, 3) == -4);
    CHECK(lib.get<std::uint32_t(std::uint32_t, std::uint32_t)>("add_u32")(0xFFFFFFFFu, 2) == 1);
    CHECK(lib.get<std::int64_t(std::int64_t, std::int64_t)>("add_i64")(INT64_C(1) << 40, -1) ==
          (INT64_C(1) << 40) - 1);
    CHECK(lib.get<std::uint64_t(std::uint64_t, std::uint64_t)>("add_u64")(
              std::numeric_limits<std::uint64_t>::max(), 2) == 1);
    auto is_even = lib.get<bool(int)>("is_even");
    CHECK(is_even(4));
    CHECK_FALSE(is_even(5));
}

TEST_CASE("float and double arguments and results", "[function]") {
    const auto &lib = shapes();
    CHECK(lib.get<float(float, float)>("scale_f")(1.5f, 4.0f) == 6.0f);
    CHECK(lib.get<double(double, double)>("scale_d")(0.25, -8.0) == -2.0);
    auto mix = lib.get<double(std::int8_t, std::uint16_t, std::int32_t, std::int64_t, float, double,
                              std::uint8_t, std::int16_t, std::uint32_t, double)>("mix_args");
    CHECK(mix(-1, 2, 3, 4, 0.5f, 0.25, 5, -6, 7, 0.125) == Approx(14.875));
}

TEST_CASE("pointers in and out", "[function]") {
    const auto &lib = shapes();
    int nums[] = {1, 2, 3, 4};
    CHECK(lib.get<int(int, int *)>("our_function")(4, nums) == 10);
    int out[3] = {};
    lib.get<void(int *, int, int)>("fill")(out, 3, 9);
    CHECK((out[0] == 9 && out[1] == 9 && out[2] == 9));
    CHECK(std::string(lib.get<const char *()>("fixture_name")()) == "shapes");
    CHECK(lib.get<void *()>("null_pointer")() == nullptr);
}

TEST_CASE("void functions and functions without parameters", "[function]") {
    const auto &lib = shapes();
    auto noop = lib.get<void()>("noop");
    auto count = lib.get<int()>("noop_count");
    const int before = count();
    noop();
    noop();
    CHECK(count() == before + 2);
}

TEST_CASE("structs by value in and out", "[function]") {
    const auto &lib = shapes();
    const point p = lib.get<point(int, int)>("make_point")(3, -4);
    CHECK((p.x == 3 && p.y == -4));
    CHECK(lib.get<int(rect)>("rect_area")(rect{{1, 1}, {4, 5}}) == 12);
    const eight e = lib.get<eight(eight)>("reverse_eight")(eight{{1, 2, 3, 4, 5, 6, 7, 8}});
    CHECK((e.v[0] == 8 && e.v[7] == 1 && e.v[3] == 5));
    const mixed m = lib.get<mixed(mixed)>("halve_mixed")(mixed{3.0, 5.0f, 'a'});
    CHECK((m.d == 1.5 && m.f == 2.5f && m.c == 'b'));
}

TEST_CASE("variadic functions take extra arguments with C's promotions", "[function]") {
    const auto &lib = shapes();
    auto sum_ints = lib.get<int(int, ...)>("sum_ints");
    CHECK(sum_ints(0) == 0);
    const short s = 5;
    const char c = 2;
    CHECK(sum_ints(4, 1, s, c, true) == 9); // short, char and bool promote to int
    auto sum_doubles = lib.get<double(int, ...) noexcept>("sum_doubles");
    CHECK(sum_doubles(3, 1.5f, 2.25, 0.25f) == 4.0); // float promotes to double
}

TEST_CASE("noexcept signatures are accepted", "[function]") {
    auto add = shapes().get<int(int, int) noexcept>("add_i32");
    CHECK(add(2, 3) == 5);
}

#if !defined(_WIN32) // windows_test.cpp compares with GetProcAddress
TEST_CASE("address() is the loader's own address for the symbol", "[function][posix]") {
    const auto &lib = shapes();
    auto add = lib.get<int(int, int)>("add_i32");
    CHECK(reinterpret_cast<void *>(add.address()) == ::dlsym(lib.native_handle(), "add_i32"));
    int (*raw)(int, int) = add.address();
    CHECK(raw(20, 22) == 42);
    CHECK(add.name() == "add_i32");
}
#endif

TEST_CASE("functions are copyable and each copy keeps the library", "[function][lifetime]") {
    const auto &lib = shapes();
    const long before = lib.use_count();
    auto a = lib.get<int(int, int)>("add_i32");
    auto b = a;
    CHECK(lib.use_count() == before + 2);
    CHECK(b(1, 1) == 2);
    ctypes::function<int(int, int)> empty;
    CHECK_FALSE(empty);
    empty = std::move(b);
    CHECK(empty);
    CHECK_FALSE(b); // a moved-from function is empty
    CHECK(b.address() == nullptr);
    CHECK(lib.use_count() == before + 2);
    ctypes::function<int(int, int)> constructed{std::move(empty)};
    CHECK_FALSE(empty);
    CHECK(constructed(2, 2) == 4);
    CHECK(lib.use_count() == before + 2);
}

// Issue 14's target: an import table of hundreds of functions pays three pointers per entry
// (24 bytes on 64-bit platforms): the address, the library's state and the symbol's record.
TEST_CASE("function, variable and owned_ptr are three pointers each", "[function][memory]") {
    STATIC_REQUIRE(sizeof(ctypes::function<int(int, int)>) == 3 * sizeof(void *));
    STATIC_REQUIRE(sizeof(ctypes::function<int(const char *, ...)>) == 3 * sizeof(void *));
    STATIC_REQUIRE(sizeof(ctypes::variable<int>) == 3 * sizeof(void *));
    STATIC_REQUIRE(sizeof(ctypes::owned_ptr<char>) == 3 * sizeof(void *));
    STATIC_REQUIRE(sizeof(ctypes::CDLL) == sizeof(void *));
}

TEST_CASE("copies of a use_errno function share its swap thunk and report the foreign address",
          "[function][lifetime]") {
    const auto &lib = shapes();
    const auto plain = lib.get<int(int, int)>("add_i32");
    const auto a = lib.get<int(int, int)>("add_i32", ctypes::use_errno);
    const auto b = a;
    CHECK(a.address() == plain.address());
    CHECK(b.address() == plain.address());
    CHECK(a.flags() == ctypes::use_errno);
    CHECK(b.name() == "add_i32");
    CHECK(b(2, 3) == 5);
}

TEST_CASE("a missing symbol is a symbol_error naming symbol and library", "[function][errors]") {
    const auto &lib = shapes();
    try {
        lib.get<int(int)>("no_such_function");
        FAIL("a missing symbol did not throw");
    } catch (const ctypes::symbol_error &e) {
        const std::string what = e.what();
        CHECK(what.rfind("ctypes: cannot find symbol 'no_such_function' in '" CTYPES_TEST_SHAPES
                         "': ",
                         0) == 0);
#if !defined(_WIN32)
        CHECK(what.find("undefined symbol: no_such_function") != std::string::npos);
#endif
        CHECK(e.code() == test_platform::missing_symbol());
    }
}

TEST_CASE("lookups report through error_code without throwing", "[function][errors]") {
    const auto &lib = shapes();
    std::error_code ec;
    auto missing = lib.get<int(int)>("no_such_function", ec);
    CHECK(ec == test_platform::missing_symbol());
    CHECK_FALSE(missing);
    auto found = lib.get<int(int, int)>("add_i32", ec);
    CHECK_FALSE(ec);
    CHECK(found(1, 2) == 3);
    if (test_platform::knows_symbol_kinds) {
        auto data = lib.get<int()>("counter", ctypes::use_errno, ec);
        CHECK(ec == ctypes::errc::not_a_function);
        CHECK_FALSE(data);
    }
}

TEST_CASE("try_get() and has() for optional symbols", "[function]") {
    const auto &lib = shapes();
    CHECK_FALSE(lib.try_get<int(int)>("no_such_function").has_value());
    auto add = lib.try_get<int(int, int)>("add_i32");
    REQUIRE(add.has_value());
    CHECK((*add)(4, 5) == 9);
    if (test_platform::knows_symbol_kinds) // exists, wrong kind
        CHECK_THROWS_AS(lib.try_get<int()>("counter"), ctypes::symbol_error);
    CHECK(lib.has("add_i32"));
    CHECK(lib.has(std::string("counter")));
    CHECK_FALSE(lib.has("no_such_function"));
    CHECK_FALSE(lib.has(static_cast<const char *>(nullptr)));
}

#if !defined(_WIN32)
TEST_CASE("get<Sig>() refuses a data symbol, naming its size", "[function][errors][posix]") {
    try {
        shapes().get<int()>("wide_counter");
        FAIL("a data symbol was accepted as a function");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::not_a_function);
        CHECK(std::string(e.what()) == "ctypes: symbol 'wide_counter' in '" CTYPES_TEST_SHAPES
                                       "' is a data object of 8 bytes, not a function; use "
                                       "var<T>()");
    }
}
#endif

// rtld flags on get() do not compile (compile.get_load_flag).
TEST_CASE("a null symbol name on get() is a clear error", "[function][errors]") {
    const auto &lib = shapes();
    CHECK_THROWS_AS(lib.get<int()>(static_cast<const char *>(nullptr)), ctypes::symbol_error);
}

#if !defined(_WIN32)
TEST_CASE("a symbol found through a dependency resolves like dlsym", "[function][posix]") {
    // dlsym on a library handle searches its dependencies too; libz depends on libc.
    ctypes::CDLL libz{"libz.so.1"};
    auto strlen = libz.get<std::size_t(const char *)>("strlen");
    CHECK(strlen("abc") == 3);
}
#endif
