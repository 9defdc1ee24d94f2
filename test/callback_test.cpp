// Callbacks: real C code (the C runtime, kernel32, libsqlite3, the callbacks fixture) calling C++
// callables back.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if !defined(_WIN32)
#include <pthread.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_command.hpp"
#endif

#include "platform.hpp"

namespace {

const ctypes::CDLL &libc() {
    static const ctypes::CDLL lib{test_platform::c_runtime};
    return lib;
}
const ctypes::CDLL &fixture() {
    static const ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    return lib;
}

using comparator = int(const void *, const void *);
using qsort_type = void(void *, std::size_t, std::size_t, comparator *);

int as_int(const void *p) {
    return *static_cast<const int *>(p);
}
int compare_ints(const void *a, const void *b) {
    return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
}
int compare_ints_noexcept(const void *a, const void *b) noexcept {
    return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
}

std::vector<int> shuffled(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        v[static_cast<std::size_t>(i)] = (i * 7919) % n; // a permutation of 0..n-1: 7919 is prime
    return v;
}

struct point {
    double x, y;
};
struct box {
    double lo, hi;
    long id;
    int tag[4];
};

} // namespace

TEST_CASE("qsort and bsearch with capturing comparators", "[callback]") {
    auto qsort = libc().get<qsort_type>("qsort");
    auto bsearch =
        libc().get<void *(const void *, const void *, std::size_t, std::size_t, comparator *)>(
            "bsearch");
    std::vector<int> v = shuffled(1000);
    long calls = 0;
    int direction = -1; // descending: the captured state decides the order
    ctypes::callback<comparator> cmp([&](const void *a, const void *b) {
        ++calls;
        return direction * compare_ints(a, b);
    });
    REQUIRE(cmp.uses_slot());
    qsort(v.data(), v.size(), sizeof(int), cmp.get());
    CHECK(calls > 999);
    CHECK(std::is_sorted(v.rbegin(), v.rend()));
    CHECK(v.front() == 999);

    std::sort(v.begin(), v.end());
    long probes = 0;
    ctypes::CFUNCTYPE<comparator> find([&probes](const void *key, const void *elem) {
        ++probes;
        return compare_ints(key, elem);
    });
    const int key = 421, missing = 5000;
    auto *hit = static_cast<int *>(bsearch(&key, v.data(), v.size(), sizeof(int), find.get()));
    REQUIRE(hit != nullptr);
    CHECK(*hit == 421);
    CHECK(hit - v.data() == 421);
    CHECK(probes > 0);
    CHECK(probes <= 11); // log2(1000) + 1: it really was a binary search
    CHECK(bsearch(&missing, v.data(), v.size(), sizeof(int), find.get()) == nullptr);
}

TEST_CASE("every kind of callable becomes a working C pointer", "[callback]") {
    auto qsort = libc().get<qsort_type>("qsort");
    const std::vector<int> input = shuffled(257);
    std::vector<int> expected(input);
    std::sort(expected.begin(), expected.end());
    const auto sorts = [&](comparator *c) {
        std::vector<int> v(input);
        qsort(v.data(), v.size(), sizeof(int), c);
        return v == expected;
    };

    SECTION("a noexcept free function is handed out as it is") {
        ctypes::callback<comparator> cb(&compare_ints_noexcept);
        CHECK(cb.get() == &compare_ints_noexcept);
        CHECK_FALSE(cb.uses_slot());
        CHECK(sorts(cb.get()));
    }
    SECTION("a free function that may throw gets a guarded thunk") {
        ctypes::callback<comparator> cb(compare_ints);
        CHECK(cb.get() != &compare_ints);
        CHECK(sorts(cb.get()));
    }
    SECTION("a stateless lambda gets one static thunk per lambda type, no slot") {
        auto lambda = [](const void *a, const void *b) { return compare_ints(a, b); };
        ctypes::callback<comparator> one(lambda), two(lambda);
        CHECK_FALSE(one.uses_slot());
        CHECK(one.get() == two.get());
        CHECK(sorts(one.get()));
        // Far more than the pool holds: stateless callables never take a slot.
        std::vector<ctypes::callback<comparator>> many;
        for (int i = 0; i < CTYPES_CALLBACK_SLOTS * 2; ++i)
            many.emplace_back(lambda);
        CHECK(sorts(many.back().get()));
    }
    SECTION("a function object with state") {
        struct by_distance {
            int centre;
            int operator()(const void *a, const void *b) const {
                return std::abs(as_int(a) - centre) - std::abs(as_int(b) - centre);
            }
        };
        ctypes::callback<comparator> cb(by_distance{128});
        std::vector<int> v(input);
        qsort(v.data(), v.size(), sizeof(int), cb.get());
        CHECK(v.front() == 128);
    }
    SECTION("a std::function, and an empty one is refused") {
        std::function<int(const void *, const void *)> f = compare_ints;
        ctypes::callback<comparator> cb(f);
        CHECK(sorts(cb.get()));
        std::function<int(const void *, const void *)> empty;
        try {
            ctypes::callback<comparator> bad(empty);
            FAIL("an empty std::function was accepted");
        } catch (const ctypes::error &e) {
            CHECK(e.code() == ctypes::errc::empty_callable);
            CHECK_THAT(e.what(), Catch::Matches("ctypes: cannot make a callback of type .* from "
                                                "an empty callable.*"));
        }
        CHECK_THROWS_AS(ctypes::callback<comparator>(static_cast<comparator *>(nullptr)),
                        ctypes::error);
    }
    SECTION("WINFUNCTYPE is the stdcall form (the same as cdecl off 32-bit x86)") {
        int calls = 0;
        ctypes::WINFUNCTYPE<comparator> cb([&](const void *a, const void *b) {
            ++calls;
            return compare_ints(a, b);
        });
        static_assert(
            std::is_same_v<decltype(cb.get()),
                           ctypes::stdcall_convention::pointer<int, const void *, const void *>>);
#if !defined(__i386__) && !defined(_M_IX86)
        CHECK(sorts(cb.get()));
        CHECK(calls > 0);
#endif
    }
}

TEST_CASE("WINFUNCTYPE callbacks called from stdcall C code", "[callback]") {
    using stdcall_binop = ctypes::stdcall_convention::pointer<int, int, int>;
    auto call_stdcall = fixture().get<long(stdcall_binop, int, int)>("call_stdcall");
    int k = 3;
    ctypes::WINFUNCTYPE<int(int, int)> capturing([&k](int i, int b) { return i * k + b; });
    ctypes::WINFUNCTYPE<int(int, int)> stateless([](int i, int b) { return i - b; });
    CHECK(call_stdcall(capturing.get(), 1, 100) == 3 * 4950 + 100);
    CHECK(call_stdcall(stateless.get(), 1, 100) == 4950 - 100);
    auto with_data = ctypes::with_user_data<int(void *, int), ctypes::stdcall_convention>(
        [&k](int i) { return i * k; });
    static_assert(std::is_same_v<decltype(with_data.get()),
                                 ctypes::stdcall_convention::pointer<int, void *, int>>);
    CHECK(with_data.get()(with_data.user_data(), 5) == 15);
}

TEST_CASE("a callback is move-only and keeps its pointer across moves", "[callback]") {
    int base = 10;
    ctypes::callback<int(int)> a([&](int x) { return x + base; });
    auto *p = a.get();
    ctypes::callback<int(int)> b(std::move(a));
    CHECK_FALSE(a);
    CHECK(a.get() == nullptr);
    CHECK(b.get() == p);
    CHECK(p(1) == 11);
    ctypes::callback<int(int)> c;
    CHECK_FALSE(c);
    c = std::move(b);
    CHECK(c.get() == p);
    base = 20;
    CHECK(fixture().get<int(int (*)(int), int)>("call_int")(c.get(), 1) == 21);
    static_assert(!std::is_copy_constructible_v<ctypes::callback<int(int)>>);
    static_assert(std::is_nothrow_move_constructible_v<ctypes::callback<int(int)>>);
}

TEST_CASE("the fixture: integrator, five ints, structs by value", "[callback]") {
    const auto &lib = fixture();
    auto integrate = lib.get<double(double, double, double (*)(double), long)>("integrate");
    double k = 3.0;
    long evaluations = 0;
    ctypes::callback<double(double)> f([&](double x) {
        ++evaluations;
        return k * x * x;
    });
    CHECK(integrate(0.0, 1.0, f.get(), 1000) == Approx(1.0).epsilon(1e-6)); // 3 * 1/3
    CHECK(evaluations == 1000);
    k = 6.0;
    CHECK(integrate(0.0, 1.0, f.get(), 1000) == Approx(2.0).epsilon(1e-6));

    auto call_five =
        lib.get<int(int (*)(int, int, int, int, int), int, int, int, int, int)>("call_five");
    std::vector<int> seen;
    ctypes::callback<int(int, int, int, int, int)> five([&](int a, int b, int c, int d, int e) {
        seen = {a, b, c, d, e};
        return a * 10000 + b * 1000 + c * 100 + d * 10 + e;
    });
    CHECK(call_five(five.get(), 1, 2, 3, 4, 5) == 2 * 12345);
    CHECK(seen == std::vector<int>{1, 2, 3, 4, 5});

    auto map_point = lib.get<point(point(*)(point), point)>("map_point");
    double scale = 2.0;
    ctypes::callback<point(point)> twice([&](point p) { return point{p.x * scale, p.y * scale}; });
    const point r = map_point(twice.get(), point{1.5, -4.0});
    CHECK(r.x == 4.0); // 3.0 from the callback, +1 by C
    CHECK(r.y == -8.0);

    auto map_box = lib.get<box(box(*)(box, int), box, int)>("map_box");
    ctypes::callback<box(box, int)> grow([&](box b, int k2) {
        box out = b;
        out.lo -= k2;
        out.hi += k2;
        out.tag[3] = b.tag[0] + k2;
        return out;
    });
    const box got = map_box(grow.get(), box{1.0, 2.0, 7, {5, 6, 7, 8}}, 3);
    CHECK(got.lo == -2.0);
    CHECK(got.hi == 5.0);
    CHECK(got.id == 1007);
    CHECK(got.tag[1] == 6);
    CHECK(got.tag[3] == 8);
}

// The C runtime's sort with a context pointer: glibc's qsort_r passes it last to the comparator,
// msvcrt's qsort_s first.
#if defined(_WIN32)
using data_comparator = int(void *, const void *, const void *);
constexpr const char *qsort_with_data = "qsort_s";
constexpr std::size_t context_index = 0;
#else
using data_comparator = int(const void *, const void *, void *);
constexpr const char *qsort_with_data = "qsort_r";
constexpr std::size_t context_index = 2;
#endif

TEST_CASE("qsort_r (qsort_s) through the user-data adapter", "[callback]") {
    auto qsort_r = libc().get<void(void *, std::size_t, std::size_t, data_comparator *, void *)>(
        qsort_with_data);
    std::vector<int> v = shuffled(500);
    int direction = 1;
    long calls = 0;
    auto by = [&](const void *a, const void *b) {
        ++calls;
        return direction * compare_ints(a, b);
    };
    auto cmp = ctypes::with_user_data<data_comparator>(by);
    static_assert(decltype(cmp)::user_data_index == context_index);
    qsort_r(v.data(), v.size(), sizeof(int), cmp.get(), cmp.user_data());
    CHECK(std::is_sorted(v.begin(), v.end()));
    CHECK(calls > 499);
    direction = -1; // an lvalue is referred to: the change is seen
    qsort_r(v.data(), v.size(), sizeof(int), cmp.get(), cmp.user_data());
    CHECK(std::is_sorted(v.rbegin(), v.rend()));

    // An rvalue is owned; the function pointer is fixed per callable type, the data per object.
    auto owned = ctypes::with_user_data<data_comparator>(
        [](const void *a, const void *b) { return compare_ints(a, b); });
    CHECK(owned.user_data() != cmp.user_data());
    qsort_r(v.data(), v.size(), sizeof(int), owned.get(), owned.user_data());
    CHECK(std::is_sorted(v.begin(), v.end()));
}

#if !defined(_WIN32)
TEST_CASE("sqlite3_exec collects rows into a captured vector", "[callback][system]") {
    ctypes::CDLL lib{"libsqlite3.so.0"};
    auto open = lib.get<int(const char *, sqlite3 **)>("sqlite3_open");
    auto close = lib.get<int(sqlite3 *)>("sqlite3_close");
    using row_callback = int(void *, int, char **, char **);
    auto exec =
        lib.get<int(sqlite3 *, const char *, row_callback *, void *, char **)>("sqlite3_exec");
    sqlite3 *db = nullptr;
    REQUIRE(open(":memory:", &db) == SQLITE_OK);
    REQUIRE(exec(db,
                 "create table t(name text, n int);"
                 "insert into t values('one', 1), ('two', 2), ('three', 3);",
                 nullptr, nullptr, nullptr) == SQLITE_OK);

    std::vector<std::string> rows;
    SECTION("through the user-data adapter") {
        auto collect = ctypes::with_user_data<row_callback>([&](int n, char **values, char **) {
            rows.push_back(std::string(values[0]) + "=" + values[n - 1]);
            return 0;
        });
        CHECK(exec(db, "select name, n from t order by n", collect.get(), collect.user_data(),
                   nullptr) == SQLITE_OK);
    }
    SECTION("through a capturing callback, user data unused") {
        ctypes::callback<row_callback> collect([&](void *, int n, char **values, char **names) {
            rows.push_back(std::string(values[0]) + "=" + values[n - 1]);
            CHECK(std::strcmp(names[0], "name") == 0);
            return 0;
        });
        CHECK(exec(db, "select name, n from t order by n", collect.get(), nullptr, nullptr) ==
              SQLITE_OK);
    }
    CHECK(rows == std::vector<std::string>{"one=1", "two=2", "three=3"});
    CHECK(close(db) == SQLITE_OK);
}

#endif

#if !defined(_WIN32)
// Not for ThreadSanitizer builds: libc's own pthread_create, found by dlsym on libc.so.6,
// bypasses the sanitizer's interceptor, so it never learns of the thread.
TEST_CASE("pthread_create from libc runs a lambda", "[callback][posix]") {
    auto create = libc().get<int(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *)>(
        "pthread_create");
    auto join = libc().get<int(pthread_t, void **)>("pthread_join");
    const auto caller = std::this_thread::get_id();
    std::thread::id ran_on;
    int answer = 0;
    auto body = ctypes::with_user_data<void *(void *)>([&]() -> void * {
        ran_on = std::this_thread::get_id();
        answer = 42;
        return &answer;
    });
    pthread_t t{};
    REQUIRE(create(&t, nullptr, body.get(), body.user_data()) == 0);
    void *result = nullptr;
    REQUIRE(join(t, &result) == 0);
    CHECK(result == &answer);
    CHECK(answer == 42);
    CHECK(ran_on != caller);

    // The same through a pooled thunk, the user data unused.
    int seen = 0;
    ctypes::callback<void *(void *)> cb([&](void *arg) -> void * {
        seen = *static_cast<int *>(arg);
        return nullptr;
    });
    int arg = 7;
    REQUIRE(create(&t, nullptr, cb.get(), &arg) == 0);
    REQUIRE(join(t, nullptr) == 0);
    CHECK(seen == 7);
}

#else
TEST_CASE("CreateThread from kernel32 runs a lambda", "[callback][windows]") {
    // kernel32's own thread creation: a WINAPI (stdcall) start routine with one LPVOID.
    using start_routine = ctypes::stdcall_convention::pointer<unsigned long, void *>;
    constexpr unsigned long infinite = 0xffffffff, wait_object_0 = 0; // INFINITE, WAIT_OBJECT_0
    ctypes::WinDLL kernel32{"kernel32.dll"};
    auto create = kernel32.get<void *(void *, std::size_t, start_routine, void *, unsigned long,
                                      unsigned long *)>("CreateThread");
    auto wait = kernel32.get<unsigned long(void *, unsigned long)>("WaitForSingleObject");
    auto exit_code = kernel32.get<int(void *, unsigned long *)>("GetExitCodeThread");
    auto close = kernel32.get<int(void *)>("CloseHandle");
    const auto caller = std::this_thread::get_id();
    std::thread::id ran_on;
    int answer = 0;
    auto body = ctypes::with_user_data<unsigned long(void *), ctypes::stdcall_convention>(
        [&]() -> unsigned long {
            ran_on = std::this_thread::get_id();
            answer = 42;
            return 7;
        });
    void *thread = create(nullptr, 0, body.get(), body.user_data(), 0, nullptr);
    REQUIRE(thread != nullptr);
    REQUIRE(wait(thread, infinite) == wait_object_0);
    unsigned long code = 0;
    CHECK(exit_code(thread, &code) != 0);
    CHECK(code == 7);
    CHECK(close(thread) != 0);
    CHECK(answer == 42);
    CHECK(ran_on != caller);

    // The same through a pooled WINFUNCTYPE thunk, the parameter used.
    int seen = 0;
    ctypes::WINFUNCTYPE<unsigned long(void *)> cb([&](void *arg) -> unsigned long {
        seen = *static_cast<int *>(arg);
        return 0;
    });
    int arg = 9;
    thread = create(nullptr, 0, cb.get(), &arg, 0, nullptr);
    REQUIRE(thread != nullptr);
    REQUIRE(wait(thread, infinite) == wait_object_0);
    CHECK(close(thread) != 0);
    CHECK(seen == 9);
}
#endif

TEST_CASE("a callback called from a thread the C library created", "[callback]") {
    auto call_from_thread = fixture().get<int(int (*)(int), int)>("call_from_thread");
    const auto caller = std::this_thread::get_id();
    std::thread::id ran_on;
    int offset = 100;
    ctypes::callback<int(int)> cb([&](int x) {
        ran_on = std::this_thread::get_id();
        return x + offset;
    });
    CHECK(call_from_thread(cb.get(), 5) == 105);
    CHECK(ran_on != caller);
    ctypes::callback<int(int)> stateless([](int x) { return x * 3; });
    CHECK(call_from_thread(stateless.get(), 5) == 15);
}

TEST_CASE("an exception in a qsort comparator arrives in the C++ caller", "[callback]") {
    auto qsort = libc().get<qsort_type>("qsort");
    std::vector<int> v = shuffled(1000);
    const std::vector<int> input(v);
    long calls = 0;
    ctypes::callback<comparator> cmp([&](const void *a, const void *b) {
        if (++calls == 100)
            throw std::runtime_error("comparator gave up");
        return compare_ints(a, b);
    });
    try {
        qsort(v.data(), v.size(), sizeof(int), cmp.get());
        FAIL("the exception did not arrive");
    } catch (const std::runtime_error &e) {
        CHECK(std::string(e.what()) == "comparator gave up");
    }
    CHECK(calls > 100); // qsort went on after the throw: C was not unwound
    CHECK(std::is_permutation(v.begin(), v.end(), input.begin(), input.end()));
    CHECK(ctypes::take_callback_exception() == nullptr); // delivered, nothing left parked

    // The next call through the same function is clean.
    calls = 1000;
    qsort(v.data(), v.size(), sizeof(int), cmp.get());
    CHECK(std::is_sorted(v.begin(), v.end()));
}

TEST_CASE("what C receives when the callable throws", "[callback]") {
    auto call_int = fixture().get<int(int (*)(int), int)>("call_int");
    const auto raw = call_int.address(); // not through the façade
    const auto thrower = [](int x) -> int {
        if (x < 0)
            throw std::invalid_argument("negative");
        return x;
    };
    SECTION("a value-initialised result by default") {
        ctypes::callback<int(int)> cb(thrower);
        CHECK(raw(cb.get(), 5) == 5);
        CHECK(raw(cb.get(), -5) == 0);
        CHECK_THROWS_AS(ctypes::rethrow_callback_exception(), std::invalid_argument);
        CHECK_NOTHROW(ctypes::rethrow_callback_exception()); // taken: nothing left
    }
    SECTION("the value chosen with on_exception") {
        ctypes::callback<int(int)> cb(thrower, ctypes::on_exception(-1));
        CHECK(cb.uses_slot()); // the chosen value needs state even for a stateless lambda
        CHECK(raw(cb.get(), -5) == -1);
        std::exception_ptr e = ctypes::take_callback_exception();
        REQUIRE(e != nullptr);
        CHECK_THROWS_WITH(std::rethrow_exception(e), "negative");
        // Through the façade the same exception is rethrown instead.
        CHECK_THROWS_AS(call_int(cb.get(), -5), std::invalid_argument);
        CHECK(ctypes::take_callback_exception() == nullptr);
    }
    SECTION("a struct result is zeroed") {
        auto map_point = fixture().get<point(point(*)(point), point)>("map_point");
        ctypes::callback<point(point)> cb([](point) -> point { throw 1; });
        const point r = map_point.address()(cb.get(), point{5, 5});
        CHECK(r.x == 1.0); // 0 from the fallback, +1 by C
        CHECK(r.y == 0.0);
        CHECK(ctypes::take_callback_exception() != nullptr);
    }
    SECTION("the first exception of a foreign call wins") {
        auto integrate =
            fixture().get<double(double, double, double (*)(double), long)>("integrate");
        int thrown = 0;
        ctypes::callback<double(double)> cb([&](double) -> double { throw ++thrown; });
        try {
            integrate(0.0, 1.0, cb.get(), 10);
            FAIL("nothing thrown");
        } catch (int first) {
            CHECK(first == 1);
            CHECK(thrown == 10);
        }
    }
}

TEST_CASE("event loops: a function without a callback parameter rethrows too", "[callback]") {
    const auto &lib = fixture();
    auto set_handler = lib.get<void(void (*)(int))>("set_handler");
    int handled = 0;
    ctypes::callback<void(int)> handler([&](int i) {
        ++handled;
        if (i == 2)
            throw std::logic_error("handler failed");
    });
    set_handler(handler.get());

    auto run = lib.get<int(int)>("run_handler");
    CHECK_THROWS_WITH(run(4), "handler failed");
    CHECK(handled == 4); // C ran on after the throw
    CHECK(ctypes::take_callback_exception() == nullptr);
    CHECK(run(2) == 2); // no throw when the handler does not

    // The flag is still accepted, and changes nothing.
    auto flagged = lib.get<int(int)>("run_handler", ctypes::rethrow_callbacks);
    CHECK(flagged.flags() == ctypes::load_flags::none);
    CHECK_THROWS_WITH(flagged(3), "handler failed");
    // Through the raw pointer the exception stays parked until collected.
    CHECK(run.address()(3) == 3);
    CHECK_THROWS_WITH(ctypes::rethrow_callback_exception(), "handler failed");
    // Or the next façade call on the thread delivers it, whatever that call was.
    CHECK(run.address()(3) == 3);
    auto abs = libc().get<int(int)>("abs");
    CHECK_THROWS_WITH(abs(-1), "handler failed");
    CHECK(abs(-1) == 1);
    set_handler(nullptr);
}

TEST_CASE("nested: a callback that calls through the facade", "[callback]") {
    auto qsort = libc().get<qsort_type>("qsort");
    auto integrate = fixture().get<double(double, double, double (*)(double), long)>("integrate");
    ctypes::callback<double(double)> bad_f([](double x) -> double {
        if (x > 0.5)
            throw std::domain_error("outside the domain");
        return x;
    });
    ctypes::callback<double(double)> good_f([](double) { return 1.0; });
    int comparisons = 0;
    bool inner_caught = false;
    ctypes::callback<comparator> cmp([&](const void *a, const void *b) {
        ++comparisons;
        if (comparisons == 1) {
            try {
                integrate(0.0, 1.0, bad_f.get(), 4); // rethrown here, inside the comparator
            } catch (const std::domain_error &) {
                inner_caught = true;
            }
        }
        if (comparisons == 5) {
            integrate(0.0, 1.0, bad_f.get(), 4); // escapes the comparator: reaches the outer call
        }
        CHECK(integrate(0.0, 2.0, good_f.get(), 4) == 2.0); // clean calls stay clean
        return compare_ints(a, b);
    });
    std::vector<int> v = shuffled(50);
    CHECK_THROWS_AS(qsort(v.data(), v.size(), sizeof(int), cmp.get()), std::domain_error);
    CHECK(inner_caught);
    CHECK(comparisons > 5);
    CHECK(ctypes::take_callback_exception() == nullptr);
}

TEST_CASE("use_errno inside callbacks swaps errno as ctypes does", "[callback]") {
    auto errno_around = fixture().get<int(void (*)(), int)>("errno_around");
    int seen = -1;
    ctypes::callback<void()> cb(
        [&] {
            seen = ctypes::get_errno(); // the errno C set before calling
            errno = 999;                // C++ noise inside the callback: not what C sees
            ctypes::set_errno(ERANGE);  // what C sees after the callback
        },
        ctypes::use_errno);
    CHECK(cb.uses_slot());
    ctypes::set_errno(0);
    CHECK(errno_around(cb.get(), EDOM) == ERANGE);
    CHECK(seen == EDOM);
    // Swapped back: the private copy holds what the callback's own code left in errno.
    CHECK(ctypes::get_errno() == 999);

    // Flags that mean nothing inside a callback are refused, as ctypes' CFUNCTYPE does.
    try {
        ctypes::callback<void()> bad([] {}, ctypes::rtld_global);
        FAIL("rtld_global was accepted");
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::bad_flags);
        CHECK_THAT(e.what(), Catch::Matches("ctypes: a callback of type void ?\\(\\) takes only "
                                            "use_errno and use_last_error as flags"));
    }
    CHECK_THROWS_AS(ctypes::with_user_data<void(void *)>([] {}, ctypes::rethrow_callbacks),
                    ctypes::error);

    // Without use_errno the callback sees and leaves the real errno.
    ctypes::callback<void()> plain([&] {
        seen = errno;
        errno = EILSEQ;
    });
    CHECK(errno_around(plain.get(), EDOM) == EILSEQ);
    CHECK(seen == EDOM);
}

#if !defined(_WIN32)
TEST_CASE("an exception nobody collects ends the program when its thread ends",
          "[callback][posix]") {
    auto call_int = fixture().get<int(int (*)(int), int)>("call_int").address();
    ctypes::callback<int(int)> cb([](int) -> int { throw std::runtime_error("lost"); });
    int err[2];
    REQUIRE(pipe(err) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGABRT, SIG_DFL); // not the test framework's handler
        dup2(err[1], 2);
        std::thread([&] { call_int(cb.get(), 1); }).join(); // parked, never taken
        _exit(0);                                           // not reached: terminate first
    }
    close(err[1]);
    const std::string text = test_command::read_all(err[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
    CHECK_THAT(text, Catch::Contains("lost")); // the default terminate handler names it
}

#endif

TEST_CASE("8 threads create, call and destroy callbacks concurrently", "[callback][threads]") {
    auto qsort = libc().get<qsort_type>("qsort");
    auto call_from_thread = fixture().get<int(int (*)(int), int)>("call_from_thread");
    auto call_int = fixture().get<int(int (*)(int), int)>("call_int");
    constexpr int threads = 8;
    constexpr int rounds = 200;
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                int calls = 0;
                ctypes::callback<comparator> cmp([&calls, t](const void *a, const void *b) {
                    ++calls;
                    return (t % 2 ? -1 : 1) * compare_ints(a, b);
                });
                std::vector<int> v = shuffled(64);
                qsort(v.data(), v.size(), sizeof(int), cmp.get());
                const bool sorted = t % 2 ? std::is_sorted(v.rbegin(), v.rend())
                                          : std::is_sorted(v.begin(), v.end());
                if (!sorted || calls == 0)
                    ++wrong;
                ctypes::callback<int(int)> add([t, i](int x) { return x + t * 1000 + i; });
                if (call_int(add.get(), 1) != 1 + t * 1000 + i)
                    ++wrong;
                if (i % 20 == 0 && call_from_thread(add.get(), 2) != 2 + t * 1000 + i)
                    ++wrong;
                ctypes::callback<int(int)> fails([t](int) -> int { throw t; });
                try {
                    call_int(fails.get(), 0);
                    ++wrong;
                } catch (int who) {
                    if (who != t)
                        ++wrong;
                }
                ctypes::callback<int(int)> stateless([](int x) { return -x; });
                if (call_int(stateless.get(), t) != -t)
                    ++wrong;
            }
        });
    }
    for (auto &th : pool)
        th.join();
    CHECK(wrong.load() == 0);
}

namespace {
std::atomic<int> ended_with_exception{0};
std::atomic<int> ended_with_other{0};
void count_ended(std::exception_ptr e) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const std::invalid_argument &) {
        ++ended_with_exception;
    } catch (...) {
        ++ended_with_other;
    }
}
} // namespace

// Every thread that ends with an exception parked hands it to the handler once, while other
// threads park, collect and end at the same time; those that collected theirs hand over nothing.
// On Windows the parked exception's storage must outlive the thread's own TLS teardown.
TEST_CASE("threads ending with a parked callback exception hand it to the handler, "
          "concurrently",
          "[callback][threads]") {
    auto call_int = fixture().get<int(int (*)(int), int)>("call_int");
    ctypes::callback<int(int)> cb(
        [](int x) -> int {
            if (x < 0)
                throw std::invalid_argument("negative");
            return x;
        },
        ctypes::on_exception(-7));
    REQUIRE(ctypes::set_callback_exception_handler(&count_ended) == nullptr);
    ended_with_exception = 0;
    ended_with_other = 0;
    constexpr int threads = 8;
    constexpr int rounds = 40;
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                std::thread([&, i] {
                    std::vector<int> churn(16 + i, t); // allocations beside the thread's end
                    if (call_int.address()(cb.get(), -1) != -7)
                        ++wrong;
                    if (i % 2 == 0 && !ctypes::take_callback_exception())
                        ++wrong; // collected: the handler must not see this one
                }).join();
            }
        });
    }
    for (auto &th : pool)
        th.join();
    CHECK(ctypes::set_callback_exception_handler(nullptr) == &count_ended);
    CHECK(wrong.load() == 0);
    CHECK(ended_with_exception.load() == threads * rounds / 2);
    CHECK(ended_with_other.load() == 0);
    CHECK(ctypes::take_callback_exception() == nullptr);
}
