// Exported objects (ctypes in_dll) and their kind and size checks.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdint>
#include <cstring>
#include <string>

#include "platform.hpp"

namespace {
struct point {
    int x, y;
};
} // namespace

TEST_CASE("exported objects of several sizes read and write through var<T>()", "[variable]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    auto counter = lib.var<int>("counter");
    CHECK(*counter == 7);
    *counter = 40;
    CHECK(lib.get<int()>("bump_counter")() == 41); // the library sees our write
    CHECK(*counter == 41);                         // and we see its

    CHECK(*lib.var<std::int64_t>("wide_counter") == (INT64_C(1) << 40));
    CHECK(*lib.var<char>("letter") == 'x');
    auto table = lib.var<double[4]>("table");
    CHECK((*table)[2] == 2.5);
    auto origin = lib.var<const point>("origin");
    CHECK((origin->x == 3 && origin->y == 4));
    auto greeting = lib.var<const char[6]>("greeting");
    CHECK(std::strcmp(*greeting, "hello") == 0);
    CHECK(counter.name() == "counter");
    auto moved = std::move(counter);
    CHECK_FALSE(counter); // a moved-from handle is empty
    CHECK(counter.get() == nullptr);
    CHECK(*moved == 41);
    counter = std::move(moved);
    CHECK_FALSE(moved);
    CHECK(lib.use_count() == 4); // counter, table, origin, greeting; the temporary is gone
}

#if !defined(_WIN32) // PE exports record no size or kind
TEST_CASE("var<T>() refuses a size that differs from the export", "[variable][errors][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    try {
        lib.var<int>("wide_counter");
        FAIL("a 4-byte view of an 8-byte object was accepted");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::size_mismatch);
        CHECK(std::string(e.what()) == "ctypes: symbol 'wide_counter' in '" CTYPES_TEST_SHAPES
                                       "' is an object of 8 bytes, but var<T>() declares 4 "
                                       "(sizeof(T))");
    }
    std::error_code ec;
    CHECK_FALSE(lib.var<double[3]>("table", ec));
    CHECK(ec == ctypes::errc::size_mismatch);
}

TEST_CASE("var<T>() refuses a function symbol", "[variable][errors][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    try {
        lib.var<int>("bump_counter");
        FAIL("a function was accepted as an object");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::not_an_object);
        CHECK(std::string(e.what()).find("is a function, not a data object; use get<Sig>()") !=
              std::string::npos);
    }
}
#endif

TEST_CASE("var<T>() on a missing symbol is a symbol_error, or an error_code",
          "[variable][errors]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    CHECK_THROWS_AS(lib.var<int>("no_such_object"), ctypes::symbol_error);
    std::error_code ec;
    auto v = lib.var<int>("no_such_object", ec);
    CHECK(ec == test_platform::missing_symbol());
    CHECK_FALSE(v);
}

#if !defined(_WIN32)
TEST_CASE("a system library's exported object: libc's environ", "[variable][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    auto environ_ = libc.var<char **>("environ");
    REQUIRE(*environ_ != nullptr);
    CHECK(std::strchr((*environ_)[0], '=') != nullptr);
}
#endif
