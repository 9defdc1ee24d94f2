// Result checks with real libraries: the C runtime's -1/NULL-plus-errno calls, sqlite3's status
// codes in a category of its own, and user errcheck callables at compile time and at run time.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <vector>

#include <fcntl.h>
#if !defined(_WIN32)
#include <sqlite3.h>
#endif

#include "platform.hpp"

namespace {
using ctypes::call_context;
using ctypes::call_error;
using minus_one = ctypes::checked_with<ctypes::minus_one_errno_check>;
using null_ptr = ctypes::checked_with<ctypes::null_errno_check>;

const char *const missing_path = "/nonexistent-ctypes-dir/missing-file";

const ctypes::CDLL &libc() {
    static const ctypes::CDLL lib{test_platform::c_runtime};
    return lib;
}

#if !defined(_WIN32)
// sqlite3's result codes as a std::error_category whose text comes from sqlite3_errstr,
// called through the façade.
const std::error_category &sqlite_category() {
    struct category final : std::error_category {
        ctypes::CDLL lib{"libsqlite3.so.0"};
        ctypes::function<const char *(int)> errstr = lib.get<const char *(int)>("sqlite3_errstr");
        const char *name() const noexcept override { return "sqlite3"; }
        std::string message(int value) const override { return errstr(value); }
    };
    static const category instance;
    return instance;
}
using sqlite_checked = ctypes::checked_with<ctypes::status_check<sqlite_category>>;
using sqlite_step_checked =
    ctypes::checked_with<ctypes::status_check<sqlite_category, SQLITE_ROW, SQLITE_DONE>>;
#endif

template <class F>
call_error catch_call_error(F &&f) {
    try {
        f();
    } catch (const call_error &e) {
        return e;
    }
    FAIL("no call_error thrown");
    throw std::logic_error("unreachable");
}
} // namespace

TEST_CASE("minus_one_errno_check: the C runtime's open/close/unlink with errno", "[result_check]") {
    using test_platform::c_runtime_name;
    const std::string close_name = c_runtime_name("close");
    auto open = libc().get<int(const char *, int), minus_one>(c_runtime_name("open"));
    auto close = libc().get<int(int), minus_one>(close_name);
    auto unlink = libc().get<int(const char *), minus_one>(c_runtime_name("unlink"));

    const int fd = open(test_platform::null_device, O_RDONLY); // success: returned as it is
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);

    const call_error e = catch_call_error([&] { close(fd); }); // closed twice
    CHECK(e.code() == std::errc::bad_file_descriptor);
    CHECK(e.code().category() == std::generic_category());
    CHECK(std::string(e.what()) == "ctypes: call to '" + close_name +
                                       "' failed (returned -1, errno " + std::to_string(EBADF) +
                                       "): " + std::generic_category().message(EBADF));

    const call_error u = catch_call_error([&] { unlink(missing_path); });
    CHECK(u.code() == std::errc::no_such_file_or_directory);
    CHECK_THAT(u.what(), Catch::StartsWith("ctypes: call to '" + c_runtime_name("unlink") +
                                           "' failed (returned -1, errno ") &&
                             Catch::EndsWith(std::generic_category().message(ENOENT)));

    CHECK_THROWS_AS(open(missing_path, O_RDONLY), call_error);
    // the check is per function: the same symbol without it just returns -1
    CHECK(libc().get<int(int)>(close_name)(fd) == -1);
}

TEST_CASE("errno checks read the errno the C function left, with and without use_errno",
          "[result_check][errno]") {
    ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    SECTION("without use_errno: the real errno, not the private copy") {
        auto fail = shapes.get<int(int), minus_one>("fail_with_errno");
        ctypes::set_errno(EBADF); // a stale private value the check must not report
        const call_error e = catch_call_error([&] { fail(EDOM); });
        CHECK(e.code() == std::errc::argument_out_of_domain);
        CHECK(ctypes::get_errno() == EBADF);
    }
    SECTION("with use_errno: the private copy, since the real errno was swapped back") {
        auto fail = shapes.get<int(int), minus_one>("fail_with_errno", ctypes::use_errno);
        errno = EBADF; // what the swap-back restores into the real errno
        const call_error e = catch_call_error([&] { fail(ERANGE); });
        CHECK(e.code() == std::errc::result_out_of_range);
        CHECK(ctypes::get_errno() == ERANGE); // still there for the caller after the throw
    }
    SECTION("-1 with errno 0 is still a failure, with no error number") {
        auto fail = shapes.get<int(int), minus_one>("fail_with_errno", ctypes::use_errno);
        const call_error e = catch_call_error([&] { fail(0); });
        CHECK(e.code() == ctypes::errc::call_failed);
        CHECK_THAT(e.what(),
                   Catch::StartsWith("ctypes: call to 'fail_with_errno' failed (returned -1, no "
                                     "error number): "));
    }
    SECTION("every function of a library with a checking policy") {
        ctypes::basic_library<minus_one> checked_shapes{CTYPES_TEST_SHAPES};
        CHECK_THROWS_AS(checked_shapes.get<int(int)>("fail_with_errno")(EIO), call_error);
        CHECK(checked_shapes.get<int(int, int *)>("our_function")(0, nullptr) == 0);
    }
}

TEST_CASE("call_context reads errno and last-error from where the call left them",
          "[result_check][errno]") {
    const std::string name = "f";
    ctypes::set_errno(EPERM);
    ctypes::set_last_error(77);
    errno = EINTR;
    const call_context plain(name, ctypes::call_flags::none);
    const call_context capturing(name, ctypes::use_errno | ctypes::use_last_error);
    CHECK(plain.errno_value() == EINTR);
    CHECK(capturing.errno_value() == EPERM);
    CHECK(capturing.last_error_value() == 77);
#if !defined(_WIN32)
    CHECK(plain.last_error_value() == 0); // POSIX has no last-error value of its own
#endif
    CHECK(&capturing.function() == &name);
    CHECK(capturing.flags() == (ctypes::use_errno | ctypes::use_last_error));
    ctypes::set_errno(0);
    ctypes::set_last_error(0);
}

TEST_CASE("null_errno_check: the C runtime's fopen on a missing file", "[result_check]") {
    auto fopen = libc().get<std::FILE *(const char *, const char *), null_ptr>("fopen");
    auto fclose = libc().get<int(std::FILE *)>("fclose");
    std::FILE *f = fopen(test_platform::null_device, "r");
    REQUIRE(f != nullptr);
    CHECK(fclose(f) == 0);

    const call_error e = catch_call_error([&] { fopen(missing_path, "r"); });
    CHECK(e.code() == std::errc::no_such_file_or_directory);
    CHECK_THAT(e.what(),
               Catch::StartsWith("ctypes: call to 'fopen' failed (returned NULL, errno "));

    auto fopen_errno =
        libc().get<std::FILE *(const char *, const char *), null_ptr>("fopen", ctypes::use_errno);
    CHECK(catch_call_error([&] { fopen_errno(missing_path, "r"); }).code() ==
          std::errc::no_such_file_or_directory);
    CHECK(ctypes::get_errno() == ENOENT);
}

#if !defined(_WIN32)
TEST_CASE("status_check: sqlite3 result codes in their own category", "[result_check][posix]") {
    ctypes::CDLL lib{"libsqlite3.so.0"};
    auto open_v2 = lib.get<int(const char *, sqlite3 **, int, const char *), sqlite_checked>(
        "sqlite3_open_v2");
    auto close = lib.get<int(sqlite3 *), sqlite_checked>("sqlite3_close");
    auto exec = lib.get<int(sqlite3 *, const char *, void *, void *, char **), sqlite_checked>(
        "sqlite3_exec");
    auto prepare =
        lib.get<int(sqlite3 *, const char *, int, sqlite3_stmt **, const char **), sqlite_checked>(
            "sqlite3_prepare_v2");
    auto step = lib.get<int(sqlite3_stmt *), sqlite_step_checked>("sqlite3_step");
    auto finalize = lib.get<int(sqlite3_stmt *)>("sqlite3_finalize");

    sqlite3 *db = nullptr;
    SECTION("a database that cannot be opened") {
        const call_error e =
            catch_call_error([&] { open_v2(missing_path, &db, SQLITE_OPEN_READONLY, nullptr); });
        CHECK(e.code().value() == SQLITE_CANTOPEN);
        CHECK(e.code().category() == sqlite_category());
        CHECK(std::string(e.what()) ==
              "ctypes: call to 'sqlite3_open_v2' failed (returned 14, sqlite3 error 14): unable to "
              "open database file");
        close(db); // sqlite3 hands out a handle even on failure
    }
    SECTION("bad SQL, and success codes other than 0") {
        REQUIRE(open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        const call_error e =
            catch_call_error([&] { exec(db, "SELEC 1", nullptr, nullptr, nullptr); });
        CHECK(e.code() == std::error_code(SQLITE_ERROR, sqlite_category()));
        CHECK_THAT(e.what(), Catch::EndsWith("(returned 1, sqlite3 error 1): SQL logic error"));

        exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);", nullptr, nullptr, nullptr);
        sqlite3_stmt *stmt = nullptr;
        prepare(db, "SELECT x FROM t", -1, &stmt, nullptr);
        CHECK(step(stmt) == SQLITE_ROW); // listed as success: returned, not thrown
        CHECK(step(stmt) == SQLITE_ROW);
        CHECK(step(stmt) == SQLITE_DONE);
        finalize(stmt);
        CHECK(close(db) == SQLITE_OK);
    }
}

#endif

namespace {
// strtol's convention: errno ERANGE on overflow, end == start when nothing was converted. A
// stateless errcheck type that looks at the arguments and the errno.
struct strtol_check {
    void operator()(long, const call_context &context, const char *start, char **end, int) const {
        if (const int e = context.errno_value(); e != 0)
            throw call_error({e, std::generic_category()}, context.function(), "a clamped value");
        if (end != nullptr && *end == start)
            throw std::invalid_argument("ctypes test: no digits in '" + std::string(start) + "'");
    }
};

void must_be_positive(const int &result) {
    if (result <= 0)
        throw std::range_error("ctypes test: not positive: " + std::to_string(result));
}
} // namespace

TEST_CASE("errcheck<F>: a compile-time check with the arguments and the errno (strtol)",
          "[result_check]") {
    auto strtol =
        libc()
            .get<long(const char *, char **, int),
                 ctypes::checked_with<ctypes::errcheck<strtol_check>>>("strtol", ctypes::use_errno);
    char *end = nullptr;
    ctypes::set_errno(0);
    CHECK(strtol("123", &end, 10) == 123);
    CHECK(*end == '\0');

    ctypes::set_errno(0);
    const call_error e = catch_call_error([&] { strtol("99999999999999999999999", &end, 10); });
    CHECK(e.code() == std::errc::result_out_of_range);
    CHECK_THAT(e.what(), Catch::StartsWith("ctypes: call to 'strtol' failed (returned a clamped "
                                           "value, errno "));

    ctypes::set_errno(0);
    CHECK_THROWS_WITH(strtol("zz", &end, 10), "ctypes test: no digits in 'zz'");
}

TEST_CASE("errcheck_function<&fn>: a free function as the check", "[result_check]") {
    ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    auto add =
        shapes.get<std::int32_t(std::int32_t, std::int32_t),
                   ctypes::checked_with<ctypes::errcheck_function<&must_be_positive>>>("add_i32");
    CHECK(add(2, 3) == 5);
    CHECK_THROWS_WITH(add(2, -3), "ctypes test: not positive: -1");
}

TEST_CASE("checked(): a run-time check with state, leaving the function as it is",
          "[result_check]") {
    ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    auto fail = shapes.get<int(int)>("fail_with_errno", ctypes::use_errno);
    std::vector<std::string> log;
    auto checked_fail = ctypes::checked(fail, [&log](int result, const call_context &c, int arg) {
        log.push_back(c.function() + "(" + std::to_string(arg) + ") = " + std::to_string(result) +
                      ", errno " + std::to_string(c.errno_value()));
        if (arg == EPIPE)
            throw call_error({c.errno_value(), std::generic_category()}, c.function(), "-1");
    });
    CHECK(checked_fail(EIO) == -1);
    CHECK_THROWS_AS(checked_fail(EPIPE), call_error);
    REQUIRE(log.size() == 2);
    CHECK(log[0] ==
          "fail_with_errno(" + std::to_string(EIO) + ") = -1, errno " + std::to_string(EIO));
    CHECK(checked_fail.name() == "fail_with_errno");
    CHECK(static_cast<bool>(checked_fail));
    CHECK(fail(EPIPE) == -1); // the original function is unchecked
    CHECK(log.size() == 2);

    // a check taking the result only, and one for a void function
    auto positive = ctypes::checked(shapes.get<int(int, int *)>("our_function"),
                                    [](int r) { must_be_positive(r); });
    int nums[] = {1, 2};
    CHECK(positive(2, nums) == 3);
    CHECK_THROWS_AS(positive(0, nums), std::range_error);
    int calls = 0;
    auto noop = ctypes::checked(shapes.get<void()>("noop"), [&calls](const call_context &c) {
        CHECK(c.function() == "noop");
        ++calls;
    });
    noop();
    noop();
    CHECK(calls == 2);
}

TEST_CASE("checked() takes what the function takes: strings, buffers, bytes, conversions",
          "[result_check][buffer]") {
    std::vector<std::string> seen; // what the check receives: the arguments as C got them
    const auto check = [&seen](std::size_t n, const call_context &, const char *s) {
        seen.push_back(std::string(s) + "=" + std::to_string(n));
    };
    auto strlen = ctypes::checked(libc().get<std::size_t(const char *)>("strlen"), check);
    const std::string abc = "abc";
    auto buffer = ctypes::create_string_buffer("four");
    const auto &const_buffer = buffer;
    CHECK(strlen(std::string("abc")) == 3);
    CHECK(strlen(abc) == 3);
    CHECK(strlen("hello") == 5);
    CHECK(strlen(abc.c_str()) == 3);
    CHECK(strlen(buffer) == 4);
    CHECK(strlen(const_buffer) == 4);
    CHECK(seen ==
          std::vector<std::string>{"abc=3", "abc=3", "hello=5", "abc=3", "four=4", "four=4"});
    STATIC_REQUIRE_FALSE(std::is_invocable_v<decltype(strlen), int>);

    auto wcslen =
        ctypes::checked(libc().get<std::size_t(const wchar_t *)>("wcslen"), [](std::size_t) {});
    CHECK(wcslen(std::wstring(L"wide")) == 4);
    CHECK(wcslen(ctypes::create_unicode_buffer(L"xy")) == 2);

    // A buffer for char*, a std::string for the format, numbers after the ...
    int total = 0;
    auto snprintf = ctypes::checked(
        libc().get<int(char *, std::size_t, const char *, ...)>(
            test_platform::c_runtime_name("snprintf")),
        [&total](int n, const call_context &, char *out, std::size_t, const char *, int) {
            CHECK(std::string(out).size() == static_cast<std::size_t>(n));
            total += n;
        });
    auto out = ctypes::create_string_buffer(16);
    CHECK(snprintf(out, out.size(), std::string("%d!"), 42) == 3);
    CHECK(out.value() == "42!");
    CHECK(total == 3);

    // Byte pointers: a std::string, a byte vector and a buffer for memchr's const void*.
    auto find =
        ctypes::checked(libc().get<const void *(const void *, int, std::size_t)>("memchr"),
                        [](const void *p, const call_context &c) {
                            if (!p)
                                throw call_error(ctypes::errc::call_failed, c.function(), "NULL");
                        });
    const std::string hay = "needle";
    CHECK(find(hay, 'd', hay.size()) == hay.data() + 3);
    const std::vector<unsigned char> bytes{1, 2, 3};
    CHECK(find(bytes, 2, bytes.size()) == bytes.data() + 1);
    CHECK_THROWS_AS(find(hay, 'z', hay.size()), call_error);
    CHECK(find(ctypes::create_string_buffer("abc"), 'c', 3) != nullptr);
    auto memset = ctypes::checked(
        libc().get<void *(void *, int, std::size_t)>("memset"),
        [](void *p, const call_context &, void *dest, int, std::size_t) { CHECK(p == dest); });
    auto zeros = ctypes::create_string_buffer(4);
    CHECK(memset(zeros, 'm', 3) == zeros.data());
    CHECK(zeros.raw() == std::string("mmm\0", 4));

    // Implicit C++ conversions as for the function itself: int to long.
    auto labs = ctypes::checked(libc().get<long(long)>("labs"), [](long) {});
    CHECK(labs(-7) == 7);
}

#if !defined(_WIN32) // sqlite3 is a POSIX system library here
TEST_CASE("checked() wraps a function with out-parameters, and the result stays the same tuple",
          "[result_check][out]") {
    // strtol(const char*, out<char*>, int): the check sees the result and the inputs.
    std::vector<long> results;
    auto strtol = ctypes::checked(
        libc().get<long(const char *, ctypes::out<char *>, int)>("strtol", ctypes::use_errno),
        [&results](long r, const call_context &c, const char *text, int base) {
            results.push_back(r);
            CHECK(base == 10);
            if (r == 0 && text[0] != '0')
                throw call_error(ctypes::errc::call_failed, c.function(), "0");
        });
    const std::string text = "1234xyz";
    STATIC_REQUIRE(std::is_same_v<decltype(strtol(text, 10)), std::tuple<long, char *>>);
    auto [value, end] = strtol(text, 10);
    CHECK(value == 1234);
    CHECK(std::string(end) == "xyz");
    CHECK_THROWS_AS(strtol("xyz", 10), call_error);
    CHECK(results == std::vector<long>{1234, 0});

    // A double result with an output (libm frexp), the check taking the result only.
    ctypes::CDLL libm{"libm.so.6"};
    auto frexp = ctypes::checked(libm.get<double(double, ctypes::out<int>)>("frexp"),
                                 [](double mantissa) { CHECK(mantissa == 0.5); });
    const auto [mantissa, exponent] = frexp(8.0);
    CHECK((mantissa == 0.5 && exponent == 4));

    // A void function with two outputs: the check takes the context (and inputs), no result.
    ctypes::CDLL memory{CTYPES_TEST_MEMORY};
    int checks = 0;
    auto div_mod =
        ctypes::checked(memory.get<void(int, int, ctypes::out<int>, ctypes::out<int>)>("div_mod"),
                        [&checks](const call_context &c, int a, int b) {
                            CHECK(c.function() == "div_mod");
                            CHECK((a == 17 && b == 5));
                            ++checks;
                        });
    STATIC_REQUIRE(std::is_same_v<decltype(div_mod(1, 1)), std::tuple<int, int>>);
    const auto [q, r] = div_mod(17, 5);
    CHECK((q == 3 && r == 2 && checks == 1));

    // sqlite3_open(const char*, out<sqlite3*>) with a status check: std::string for the name.
    ctypes::CDLL sqlite{"libsqlite3.so.0"};
    auto close = sqlite.get<int(sqlite3 *)>("sqlite3_close");
    auto open = ctypes::checked(
        sqlite.get<int(const char *, ctypes::out<sqlite3 *>)>("sqlite3_open"),
        [](int rc, const call_context &c) {
            if (rc != SQLITE_OK)
                throw call_error({rc, sqlite_category()}, c.function(), std::to_string(rc));
        });
    auto [rc, db] = open(std::string(":memory:"));
    CHECK(rc == SQLITE_OK);
    REQUIRE(db != nullptr);
    CHECK(close(db) == SQLITE_OK);
}

#endif

#if __cplusplus >= 202002L
namespace {
using positive_lambda = decltype([](int r) {
    if (r <= 0)
        throw std::range_error("ctypes test: lambda says not positive");
});
} // namespace

TEST_CASE("errcheck<decltype(lambda)>: a captureless lambda's type as the check (C++20)",
          "[result_check]") {
    ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    auto add = shapes.get<std::int32_t(std::int32_t, std::int32_t),
                          ctypes::checked_with<ctypes::errcheck<positive_lambda>>>("add_i32");
    CHECK(add(1, 1) == 2);
    CHECK_THROWS_WITH(add(1, -1), "ctypes test: lambda says not positive");
}
#endif

TEST_CASE("a failing HRESULT is worded as every failed call is", "[result_check][hresult]") {
    ctypes::basic_library<ctypes::policy<ctypes::cdecl_convention, ctypes::hresult_check>> shapes{
        CTYPES_TEST_SHAPES};
    auto add = shapes.get<std::int32_t(std::int32_t, std::int32_t)>("add_i32");
    CHECK(add(1, 0) == 1); // S_FALSE is a success code: returned as it is
    const std::int32_t invalid_arg = static_cast<std::int32_t>(0x80070057u);
    try {
        add(invalid_arg, 0);
        FAIL("a failing HRESULT did not throw");
    } catch (const ctypes::hresult_error &e) {
        CHECK(e.hresult() == invalid_arg);
        CHECK(e.code() == std::error_code(invalid_arg, ctypes::hresult_category()));
        const std::string what = e.what();
        CHECK_THAT(what, Catch::StartsWith("ctypes: call to 'add_i32' failed (returned 0x80070057, "
                                           "HRESULT): 0x80070057 E_INVALIDARG"));
#if !defined(_WIN32) // no system text to follow
        CHECK(what == "ctypes: call to 'add_i32' failed (returned 0x80070057, HRESULT): 0x80070057 "
                      "E_INVALIDARG");
#endif
    }
}
