// Checked functions made from addresses C hands back, and callbacks called from C++.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>

namespace {
using binary = int(int, int);
struct operations {
    binary *add;
    binary *sub;
    std::size_t (*span)(const char *, char);
};
} // namespace

TEST_CASE("a function from an address C returned: checked, converting, tied to its library",
          "[function][address]") {
    ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    auto pick = lib.get<binary *(const char *)>("pick_operation");
    const long before = lib.use_count();
    {
        ctypes::function<binary> add{pick(std::string("add")), lib};
        CHECK(lib.use_count() == before + 1); // it keeps the library loaded
        CHECK(add(2, 3) == 5);
        CHECK(add.address() == pick("add"));
        CHECK(add.name().rfind("0x", 0) == 0); // named by its address in errors
        auto copy = add;
        CHECK(copy(10, 4) == 14);
        CHECK(lib.use_count() == before + 2);
    }
    CHECK(lib.use_count() == before);

    // A C vtable: one table, several typed functions, and the façade's conversions.
    auto table = lib.get<const operations *()>("operations_table")();
    ctypes::function<binary> sub{table->sub};
    CHECK(sub(2, 3) == -1);
    CHECK(lib.use_count() == before); // the untied form keeps nothing
    ctypes::function<std::size_t(const char *, char)> span{table->span, lib};
    CHECK(span(std::string("key=value"), '=') == 3); // std::string for const char*
    auto buf = ctypes::create_string_buffer("a;b");
    CHECK(span(buf, ';') == 1); // a string buffer too

    // From a void*, as a registry that stores void* gives it.
    ctypes::function<binary> from_void{reinterpret_cast<void *>(pick("sub")), lib};
    CHECK(from_void(7, 2) == 5);
    CHECK(ctypes::function<binary>{reinterpret_cast<void *>(table->add)}(1, 1) == 2);

    // use_errno from the owner or given; exceptions of callbacks reached through it rethrown.
    ctypes::CDLL errno_lib{CTYPES_TEST_CALLBACKS, ctypes::use_errno};
    ctypes::function<binary> tied{table->add, errno_lib};
    CHECK(tied.flags() == ctypes::use_errno);
    CHECK(ctypes::function<binary>{table->add, ctypes::use_last_error}.flags() ==
          ctypes::use_last_error);
    auto call_int_address = lib.get<int(int (*)(int), int)>("call_int").address();
    ctypes::function<int(int (*)(int), int)> call_int{call_int_address, lib};
    ctypes::callback<int(int)> thrower([](int) -> int { throw std::out_of_range("from C"); });
    CHECK_THROWS_AS(call_int(thrower.get(), 1), std::out_of_range);
}

TEST_CASE("a function from an address: the errors", "[function][address][errors]") {
    ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    auto pick = lib.get<binary *(const char *)>("pick_operation");
    binary *none = pick("neither");
    REQUIRE(none == nullptr);
    try {
        ctypes::function<binary> f{none, lib};
        FAIL("a null address was accepted");
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::null_symbol);
        CHECK_THAT(e.what(), Catch::Matches("ctypes: cannot make a function of type int ?\\(int, "
                                            "int\\) from a null address"));
    }
    CHECK_THROWS_AS(ctypes::function<binary>{static_cast<void *>(nullptr)}, ctypes::error);
    // An rtld_* flag does not compile (compile.function_load_flag).
    ctypes::CDLL empty;
    CHECK(!empty.is_loaded());
    try {
        ctypes::function<binary> f{pick("add"), empty};
        FAIL("an empty library was accepted");
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::not_loaded);
        CHECK_THAT(e.what(), Catch::Contains("to an empty library object"));
    }
}

#if !defined(_WIN32)
TEST_CASE("functions from addresses libc's dlsym returns: out-parameters, variadics",
          "[function][address][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    auto dlsym = libc.get<void *(void *, const char *)>("dlsym");
    void *strtol_address = dlsym(libc.native_handle(), "strtol");
    REQUIRE(strtol_address != nullptr);
    ctypes::function<long(const char *, ctypes::out<char *>, int)> strtol{strtol_address, libc};
    const std::string text = "123abc";
    auto [value, end] = strtol(text, 10);
    CHECK(value == 123);
    CHECK(std::string(end) == "abc");

    ctypes::function<int(char *, std::size_t, const char *, ...)> snprintf{
        dlsym(libc.native_handle(), "snprintf"), libc};
    auto buf = ctypes::create_string_buffer(32);
    CHECK(snprintf(buf, buf.size(), "%d-%s", 42, "x") == 4);
    CHECK(buf.value() == "42-x");
}
#endif

TEST_CASE("a callback called from C++ directly", "[callback][address]") {
    int calls = 0;
    ctypes::callback<int(int, int)> add([&calls](int a, int b) {
        ++calls;
        return a + b;
    });
    CHECK(add(2, 3) == 5);
    CHECK(calls == 1);
    ctypes::callback<std::size_t(const char *)> length(
        [](const char *s) { return std::strlen(s); });
    CHECK(length(std::string("abcd")) == 4); // the façade's conversions
    ctypes::callback<void(char *)> upper([](char *s) {
        for (; *s; ++s)
            *s = static_cast<char>(*s - 'a' + 'A');
    });
    auto buf = ctypes::create_string_buffer("abc");
    upper(buf);
    CHECK(buf.value() == "ABC");
    // What the callable throws reaches the C++ caller, as in ctypes.
    ctypes::callback<int(int)> checked_half([](int x) -> int {
        if (x % 2)
            throw std::domain_error("odd");
        return x / 2;
    });
    CHECK(checked_half(8) == 4);
    CHECK_THROWS_WITH(checked_half(3), "odd");
    CHECK(ctypes::take_callback_exception() == nullptr);
    // A callback and a function from its address agree.
    ctypes::function<int(int, int)> through_c{add.get()};
    CHECK(through_c(5, 6) == 11);
    CHECK(calls == 2);
}
