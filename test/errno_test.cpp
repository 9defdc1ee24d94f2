// ctypes' use_errno semantics: a private per-thread copy swapped in and out around the call.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cerrno>
#include <climits>
#include <string>
#include <thread>
#include <vector>

TEST_CASE("use_errno on the library captures what the function left in errno", "[errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    auto fail = lib.get<int(int)>("fail_with_errno");
    CHECK(fail.flags() == ctypes::use_errno);
    ctypes::set_errno(0);
    errno = 0;
    CHECK(fail(ERANGE) == -1);
    CHECK(ctypes::get_errno() == ERANGE);
    CHECK(errno == 0); // the real errno got its old value back right after the call
}

TEST_CASE("the captured value survives C++ work that clobbers errno", "[errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    lib.get<int(int)>("fail_with_errno")(EDOM);
    errno = EBADF; // what C++ code between calls may do
    std::vector<std::string> noise(100, std::string(100, 'x')); // allocations may touch errno
    CHECK(ctypes::get_errno() == EDOM);
    CHECK(noise.size() == 100);
}

TEST_CASE("set_errno() is what the function sees in errno on entry", "[errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    auto on_entry = lib.get<int()>("errno_on_entry");
    ctypes::set_errno(EINTR);
    CHECK(ctypes::set_errno(EACCES) == EINTR); // returns the previous private value
    errno = 0;
    CHECK(on_entry() == EACCES);
}

TEST_CASE("use_errno can be asked for per function", "[errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    auto plain = lib.get<int(int)>("fail_with_errno");
    auto capturing = lib.get<int(int)>("fail_with_errno", ctypes::use_errno);
    CHECK(plain.flags() == ctypes::load_flags::none);
    CHECK(capturing.flags() == ctypes::use_errno);

    ctypes::set_errno(0);
    plain(ENOENT);
    CHECK(errno == ENOENT);          // no swap: the real errno carries it
    CHECK(ctypes::get_errno() == 0); // and the private copy is untouched
    errno = 0;
    capturing(ENOSPC);
    CHECK(ctypes::get_errno() == ENOSPC);
    CHECK(errno == 0);
}

TEST_CASE("the private errno copy is per thread", "[errno][threads]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    auto fail = lib.get<int(int)>("fail_with_errno");
    fail(E2BIG);
    int seen_in_thread = -1;
    int captured_in_thread = -1;
    std::thread t([&] {
        seen_in_thread = ctypes::get_errno(); // a new thread starts at 0
        fail(EPIPE);
        captured_in_thread = ctypes::get_errno();
    });
    t.join();
    CHECK(seen_in_thread == 0);
    CHECK(captured_in_thread == EPIPE);
    CHECK(ctypes::get_errno() == E2BIG); // the other thread did not touch ours
}

TEST_CASE("a thread's first use_errno call swaps its own errno in and out", "[errno][threads]") {
    // The first swap on a thread asks the C library for the thread's errno and keeps its address;
    // every later swap uses the kept one. Each thread must reach its own errno both times.
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    const auto on_entry = lib.get<int()>("errno_on_entry");
    const auto fail = lib.get<int(int)>("fail_with_errno");
    constexpr int threads = 4;
    std::vector<int> entry(threads, -1), real_after(threads, -1), captured(threads, -1);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&, i] {
            ctypes::set_errno(100 + i);
            errno = 7;
            entry[i] = on_entry(); // this thread's first swap
            fail(200 + i);
            captured[i] = ctypes::get_errno();
            real_after[i] = errno;
        });
    for (auto &t : pool)
        t.join();
    for (int i = 0; i < threads; ++i) {
        CHECK(entry[i] == 100 + i);
        CHECK(captured[i] == 200 + i);
        CHECK(real_after[i] == 7);
    }
}

#if !defined(_WIN32)
TEST_CASE("libc strtol reports ERANGE through use_errno", "[errno][posix]") {
    ctypes::CDLL libc{"libc.so.6", ctypes::use_errno};
    auto strtol = libc.get<long(const char *, char **, int)>("strtol");
    ctypes::set_errno(0);
    CHECK(strtol("123", nullptr, 10) == 123);
    CHECK(ctypes::get_errno() == 0);
    CHECK(strtol("99999999999999999999999", nullptr, 10) == LONG_MAX);
    CHECK(ctypes::get_errno() == ERANGE);
}
#endif

TEST_CASE("use_last_error is accepted on POSIX and its private copy round-trips", "[errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno | ctypes::use_last_error};
    auto fail = lib.get<int(int)>("fail_with_errno");
    CHECK(fail.flags() == (ctypes::use_errno | ctypes::use_last_error));
    ctypes::set_last_error(5);
    CHECK(ctypes::set_last_error(7) == 5);
    fail(EIO);
    CHECK(ctypes::get_errno() == EIO); // both captures on at once
    CHECK(ctypes::get_last_error() == 7);
}
