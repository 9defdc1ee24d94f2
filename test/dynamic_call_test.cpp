// dynamic_function::call<R>(args...): the typed entry of runtime-typed calls, on the fast path
// and through libffi, against operator() and the typed call, with its error paths.
#include <ctypes/dynamic.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "platform.hpp"

namespace {

const ctypes::cdef &call_decls() {
    static const ctypes::cdef decls{R"(
        struct pair { int a; int b; };
        struct pair pair_swap(struct pair p);
        signed char char_neg(signed char c);
        unsigned short ushort_inc(unsigned short v);
        _Bool bool_not(_Bool b);
        uint64_t u64_mix(uint8_t a, int16_t b, uint32_t c, int64_t d, float e, double f);
        int fail_with_errno(int e);
        int apply_twice(int (*f)(int), int x);
        struct big { long long v[5]; };
        long long big_sum(struct big b);
        struct big big_make(long long seed);
        double sum_mixed(const char *kinds, ...);
    )"};
    return decls;
}

struct pair {
    int a, b;
};
struct big {
    long long v[5];
};

enum class small : int { zero, one, two };

// Both engines of one function: the fast path where the signature suits it, and libffi.
std::vector<ctypes::dynamic_function> engines(const char *name) {
    static const ctypes::CDLL lib{CTYPES_TEST_DYNAMIC};
    auto f = lib.get_dynamic(name, call_decls());
    return {f, f.via_libffi()};
}

} // namespace

TEST_CASE("call<R> gives what operator() and as<R>() give, on both engines", "[dynamic][call]") {
    for (const auto &f : engines("char_neg")) {
        INFO("fast path: " << f.uses_fast_path());
        CHECK(f.call<int>(5) == -5);
        CHECK(f.call<signed char>(-128 + 1) == 127);
        CHECK(f.call<double>(3) == -3.0);
        CHECK(f.call<long long>(static_cast<signed char>(7)) == f(7).as<long long>());
        CHECK(f.call<small>(-2) == small::two);
        f.call<void>(1); // discards the result
    }
    for (const auto &f : engines("ushort_inc")) {
        CHECK(f.call<unsigned>(65534u) == 65535u);
        CHECK(f.call<int>(static_cast<unsigned short>(0)) == 1);
        CHECK(f.call<unsigned short>(true) == 2);
    }
    for (const auto &f : engines("bool_not")) {
        CHECK(f.call<bool>(false));
        CHECK_FALSE(f.call<bool>(1));
        CHECK(f.call<int>(0) == 1);
    }
    for (const auto &f : engines("u64_mix")) {
        for (int k = -3; k <= 3; ++k) {
            const float e = 0.5f * static_cast<float>(k);
            const auto a = static_cast<unsigned char>(200 + k);
            CHECK(f.call<std::uint64_t>(a, -3 * k, 7u + k, -9LL * k, e, 0.25 * k) ==
                  f(a, -3 * k, 7u + k, -9LL * k, e, 0.25 * k).as<std::uint64_t>());
        }
    }
    // Records, strings and values take the general path and give the same.
    for (const auto &f : engines("pair_swap")) {
        const pair p = f.call<pair>(pair{1, 2});
        CHECK(p.a == 2);
        CHECK(p.b == 1);
    }
    ctypes::CDLL libm{test_platform::math_library};
    auto cosf = libm.get_dynamic("cosf", "float cosf(float)");
    CHECK(cosf.call<float>(0.5f) == libm.get<float(float)>("cosf")(0.5f));
    CHECK(cosf.via_libffi().call<float>(0.5) == cosf(0.5f).as<float>());
    auto ldexp = libm.get_dynamic("ldexp", "double ldexp(double, int)");
    CHECK(ldexp.call<double>(3, 4) == 48.0);
    CHECK(ldexp.via_libffi().call<double>(0.75f, ctypes::value::of(2)) == 3.0);
    ctypes::CDLL libc{test_platform::c_runtime};
    auto strlen = libc.get_dynamic("strlen", "size_t strlen(const char *)");
    CHECK(strlen.call<std::size_t>(std::string("four")) == 4);
    CHECK(strlen.via_libffi().call<int>("hello") == 5);
    auto strchr = libc.get_dynamic("strchr", "char *strchr(const char *, int)");
    const char *text = "key=value";
    CHECK(strchr.call<const char *>(text, '=') == text + 3);
    CHECK(strchr.via_libffi().call<std::string>(text, 'v') == "value");
    CHECK(strchr.call<const void *>(text, '#') == nullptr);
    auto snprintf = libc.get_dynamic(test_platform::c_runtime_name("snprintf"),
                                     "int(char *, size_t, const char *, ...)");
    char buf[32];
    CHECK(snprintf.call<int>(buf, sizeof buf, "%d-%s", 7, "x") == 3);
    CHECK(std::string(buf) == "7-x");
}

TEST_CASE("a result narrower than its register is read from its low bytes only",
          "[dynamic][call]") {
    // dirty_word puts 0x1234ff00 in the result register; a caller of a narrower result type
    // reads the low byte or bytes, as a C caller does.
    static const ctypes::CDLL lib{CTYPES_TEST_DYNAMIC};
    CHECK_FALSE(lib.get<bool()>("dirty_word")());
    CHECK(lib.get<short()>("dirty_word")() == -256);
    const auto both = [](const ctypes::dynamic_function &f) {
        return std::vector<ctypes::dynamic_function>{f, f.via_libffi()};
    };
    for (const auto &f : both(lib.get_dynamic("dirty_word", "_Bool(void)"))) {
        INFO("fast path: " << f.uses_fast_path());
        for (int k = 0; k < 3; ++k) { // the first call admits the lane, later ones take it
            CHECK_FALSE(f.call<bool>());
            CHECK(f.call<int>() == 0);
            CHECK(f.call<unsigned char>() == 0);
            CHECK_FALSE(f().as<bool>());
        }
    }
    for (const auto &f : both(lib.get_dynamic("dirty_word", "unsigned char(void)"))) {
        for (int k = 0; k < 3; ++k) {
            CHECK(f.call<unsigned char>() == 0);
            CHECK(f.call<unsigned>() == 0);
            CHECK(f().as<long long>() == 0);
        }
    }
    for (const auto &f : both(lib.get_dynamic("dirty_word", "short(void)"))) {
        for (int k = 0; k < 3; ++k) {
            CHECK(f.call<short>() == -256);
            CHECK(f.call<int>() == -256);
            CHECK(f.call<long long>() == -256);
            CHECK(f().as<int>() == -256);
        }
    }
}

TEST_CASE("call<R> checks arguments and the result, and names what does not fit",
          "[dynamic][call]") {
    for (const auto &f : engines("char_neg")) {
        CHECK_THROWS_WITH(f.call<int>(200), "ctypes: cannot call 'char_neg': argument 1 ('c', "
                                            "signed char) cannot hold 200: it does not fit");
        CHECK_THROWS_WITH(f.call<int>(1, 2), "ctypes: cannot call 'char_neg': it takes 1 "
                                             "argument (signed char), 2 given");
        CHECK_THROWS_WITH(f.call<int>(), Catch::Contains("0 given"));
        CHECK_THROWS_WITH(f.call<int>(1.5), Catch::Contains("takes signed char, not a "
                                                            "floating-point number"));
        CHECK_THROWS_WITH(f.call<int>("x"), Catch::Contains("not a pointer"));
        CHECK_THROWS_WITH(f.call<int>(nullptr), Catch::Contains("not nullptr"));
        CHECK_THROWS_WITH(f.call<unsigned>(3), "ctypes: the result -3 (signed char) does not "
                                               "fit the requested type");
        CHECK_THROWS_WITH(f.call<void *>(3), "ctypes: the result is signed char, which as<T>() "
                                             "cannot read as a pointer type");
        CHECK_THROWS_WITH(f.call<bool>(3), Catch::Contains("does not fit bool"));
        CHECK_THROWS_WITH(f.call<std::string>(3), Catch::Contains("cannot read as std::string"));
    }
    for (const auto &f : engines("ushort_inc")) {
        CHECK_THROWS_WITH(f.call<unsigned>(-1), Catch::Contains("cannot hold -1: it does not fit"));
        CHECK_THROWS_WITH(f.call<unsigned>(65536), Catch::Contains("cannot hold 65536"));
        CHECK_THROWS_WITH(f.call<unsigned char>(300u), "ctypes: the result 301 (unsigned short) "
                                                       "does not fit the requested type");
    }
    for (const auto &f : engines("bool_not"))
        CHECK_THROWS_WITH(f.call<bool>(2), Catch::Contains("takes 0 or 1 (a bool), not 2"));
    ctypes::CDLL libc{test_platform::c_runtime};
    auto strlen = libc.get_dynamic("strlen", "size_t strlen(char *)");
    CHECK_THROWS_WITH(strlen.call<int>(std::string("x")),
                      Catch::Contains("not a std::string (only a const char * does)"));
    auto strchr = libc.get_dynamic("strchr", "char *strchr(const char *, int)");
    CHECK_THROWS_WITH(strchr.call<std::string>("abc", 'z'),
                      "ctypes: the result is a NULL char *, not a string");
    auto abort_fn = libc.get_dynamic("abort", "void abort(void)");
    CHECK_THROWS_WITH(abort_fn.via_libffi().call<int>(1), Catch::Contains("takes 0 arguments"));
    CHECK_THROWS_WITH(ctypes::dynamic_function().call<int>(), "ctypes: cannot call an empty "
                                                              "dynamic_function");
    CHECK_THROWS_WITH(ctypes::dynamic_function().call<void>(1, 2.0), "ctypes: cannot call an "
                                                                     "empty dynamic_function");
    auto srand = libc.get_dynamic("srand", "void srand(unsigned)");
    CHECK_THROWS_WITH(srand.call<int>(1u), "ctypes: the result is void, which as<T>() cannot "
                                           "read as an integer type");
    srand.call<void>(1u);
}

TEST_CASE("call<R> keeps use_errno and rethrows what a callback threw", "[dynamic][call]") {
    ctypes::CDLL lib{CTYPES_TEST_DYNAMIC, ctypes::use_errno};
    auto fail = lib.get_dynamic("fail_with_errno", call_decls());
    for (const auto &f : {fail, fail.via_libffi()}) {
        ctypes::set_errno(0);
        errno = 0;
        CHECK(f.call<int>(ERANGE) == -1);
        CHECK(ctypes::get_errno() == ERANGE);
        CHECK(errno == 0);
    }
    ctypes::dynamic_callback boom{"int(int)", [](const std::vector<ctypes::value> &a) -> int {
                                      if (a[0].as<int>() == 2)
                                          throw std::runtime_error("two is not allowed");
                                      return a[0].as<int>() + 1;
                                  }};
    for (const auto &apply : engines("apply_twice")) {
        INFO("fast path: " << apply.uses_fast_path());
        // The first call admits the types, later ones take the remembered bare call, which
        // rethrows the same way.
        for (int round = 0; round < 3; ++round) {
            CHECK_THROWS_WITH(apply.call<int>(boom.get_as<int (*)(int)>(), 1),
                              "two is not allowed");
            CHECK(apply.call<int>(boom.get_as<int (*)(int)>(), 5) == 7); // nothing left parked
            CHECK_THROWS_WITH(apply(boom.get_as<int (*)(int)>(), 1), "two is not allowed");
        }
    }
    auto with_errno = lib.get_dynamic("apply_twice", call_decls());
    for (const auto &apply : {with_errno, with_errno.via_libffi()})
        CHECK_THROWS_WITH(apply.call<int>(boom.get_as<int (*)(int)>(), 2), "two is not allowed");
}

TEST_CASE("a call's types, once found to fit, keep every check for the types that do not",
          "[dynamic][call][threads]") {
    // The first call of (R, X...) checks the types and remembers them; the ones that fit
    // without a per-value check then call directly, the others stay checked on every call.
    for (const auto &f : engines("char_neg")) {
        INFO("fast path: " << f.uses_fast_path());
        for (int round = 0; round < 3; ++round) {
            CHECK(f.call<int>(static_cast<signed char>(round)) == -round);
            CHECK(f(static_cast<signed char>(round)).as<int>() == -round);
            CHECK(f.call<int>(round) == -round); // an int is range-checked every time
            CHECK_THROWS_WITH(f.call<int>(200), "ctypes: cannot call 'char_neg': argument 1 "
                                                "('c', signed char) cannot hold 200: it does "
                                                "not fit");
            CHECK_THROWS_WITH(f.call<unsigned>(static_cast<signed char>(3)),
                              "ctypes: the result -3 (signed char) does not fit the requested "
                              "type");
            CHECK(f.call<small>(static_cast<signed char>(-2)) == small::two);
        }
    }
    for (const auto &f : engines("u64_mix"))
        for (int round = 0; round < 3; ++round) {
            const auto a = static_cast<std::uint8_t>(250 + round);
            const auto b = static_cast<std::int16_t>(-300 * round);
            const std::uint32_t c = 70000u + static_cast<unsigned>(round);
            const std::int64_t d = -(1LL << 40) * round;
            const std::uint64_t want = f(a, b, c, d, 1.5f, 0.25).as<std::uint64_t>();
            CHECK(f.call<std::uint64_t>(a, b, c, d, 1.5f, 0.25) == want);
            CHECK(f(a, b, c, d, 1.5f, 0.25).as<std::uint64_t>() == want);
        }
    ctypes::CDLL libc{test_platform::c_runtime};
    auto labs = libc.get_dynamic("labs", "long labs(long)");
    for (const auto &f : {labs, labs.via_libffi()})
        for (int round = 0; round < 3; ++round) {
            CHECK(f.call<long>(-7L) == 7);
            CHECK(f.call<long long>(-8) == 8); // an int for a long: on libffi, checked per call
            CHECK(f.call<double>(-9L) == 9.0);
            CHECK(f.call<int>(-10L) == 10); // a long result into an int: checked per call
            if (sizeof(long) == 8)          // LP64
                CHECK_THROWS_WITH(f.call<int>(static_cast<long>(-(1LL << 40))),
                                  "ctypes: the result 1099511627776 (long) does not fit the "
                                  "requested type");
        }
    // Records by value on libffi read the argument where it lies.
    for (const auto &f : engines("big_sum"))
        for (int round = 0; round < 3; ++round)
            CHECK(f.call<long long>(big{{1, 2, 3, 4, round}}) == 1 + 4 + 9 + 16 + 5 * round);
    for (const auto &f : engines("big_make"))
        for (long long seed = 0; seed < 3; ++seed) {
            const big b = f.call<big>(seed);
            CHECK(b.v[2] == 2 * seed);
            CHECK(f(seed).as<big>().v[3] == -seed);
        }
    // A function called from many threads at once, each with types of its own.
    const auto all = engines("u64_mix");
    std::vector<std::thread> threads;
    std::vector<int> wrong(8, 0);
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            const auto &f = all[static_cast<std::size_t>(t) % 2];
            for (int k = 0; k < 200; ++k) {
                const std::uint64_t x =
                    t % 4 < 2 ? f.call<std::uint64_t>(std::uint8_t{1}, std::int16_t{2}, 3u,
                                                      std::int64_t{k}, 0.0f, 0.0)
                              : f.call<std::uint64_t>(1, 2, 3, k, 0.0f, 0.0);
                wrong[static_cast<std::size_t>(t)] +=
                    x != f(std::uint8_t{1}, std::int16_t{2}, 3u, std::int64_t{k}, 0.0f, 0.0)
                             .as<std::uint64_t>();
            }
        });
    for (auto &th : threads)
        th.join();
    CHECK(wrong == std::vector<int>(8, 0));
}

TEST_CASE("variadic calls keep a cif per shape of their arguments", "[dynamic][call]") {
    const auto f = engines("sum_mixed")[0];
    for (int round = 0; round < 3; ++round) {
        CHECK(f.call<double>("di", 1.5, 2) == 3.5);
        CHECK(f.call<double>("id", 2, 1.5) == 3.5);
        CHECK(f(std::string("ddd"), 1.0, 2.0, 3.0).as<double>() == 6.0);
    }
    // More shapes than the table keeps: the others are prepared per call, and all are right.
    for (int round = 0; round < 2; ++round) {
        CHECK(f.call<double>("") == 0.0);
        CHECK(f.call<double>("i", 1) == 1.0);
        CHECK(f.call<double>("ii", 1, 2) == 3.0);
        CHECK(f.call<double>("iii", 1, 2, 3) == 6.0);
        CHECK(f.call<double>("iiii", 1, 2, 3, 4) == 10.0);
        CHECK(f.call<double>("l", 5LL) == 5.0);
        CHECK(f.call<double>("ll", 5LL, 6LL) == 11.0);
        CHECK(f.call<double>("dl", 0.5, 6LL) == 6.5);
        CHECK(f.call<double>("ld", 6LL, 0.5) == 6.5);
        CHECK(f.call<double>("p", "A") == 65.0);
        CHECK(f.call<double>("iiiiiiiiiiiiiiiiiii", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                             1, 1, 1) == 19.0);
    }
}

TEST_CASE("variadic calls of several shapes from several threads each get their own cif",
          "[dynamic][call][threads]") {
    // Each thread's calls alternate between shapes, so every call of one shape follows a call
    // of another and the cif each instantiation remembered is checked against it.
    for (const auto &f : engines("sum_mixed")) {
        std::vector<int> wrong(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&f, &wrong, t] {
                for (int k = 0; k < 200; ++k) {
                    const int v = k + t;
                    int &w = wrong[static_cast<std::size_t>(t)];
                    w += f.call<double>("id", v, 0.5) != v + 0.5;
                    w += f.call<double>("di", 0.5, v) != v + 0.5;
                    w += f.call<double>("li", static_cast<long long>(v), 1) != v + 1.0;
                    w += f(std::string("ii"), v, 2).as<double>() != v + 2.0;
                }
            });
        for (auto &th : threads)
            th.join();
        CHECK(wrong == std::vector<int>(4, 0));
    }
}

TEST_CASE("call(values, count) takes an interpreter's arguments as they are kept",
          "[dynamic][call]") {
    ctypes::CDLL libm{test_platform::math_library};
    auto ldexp = libm.get_dynamic("ldexp", "double ldexp(double, int)");
    const ctypes::value args[2] = {ctypes::value::of(0.75), ctypes::value::of(2)};
    CHECK(ldexp.call(args, 2).as<double>() == 3.0);
    CHECK(ldexp.via_libffi().call(args, 2).as<double>() == 3.0);
    CHECK_THROWS_WITH(ldexp.call(args, 1), "ctypes: cannot call 'ldexp': it takes 2 arguments "
                                           "(double, int), 1 given");
    const ctypes::value swapped[2] = {ctypes::value::of(2), ctypes::value::of(0.75)};
    CHECK_THROWS_WITH(ldexp.call(swapped, 2), Catch::Contains("argument 2 (int)") &&
                                                  Catch::Contains("not a floating-point number"));
    const ctypes::value too_big[2] = {ctypes::value::of(1.0), ctypes::value::of(1LL << 40)};
    CHECK_THROWS_WITH(ldexp.call(too_big, 2), Catch::Contains("argument 2 (int) cannot hold"));
    ctypes::CDLL libc{test_platform::c_runtime};
    auto rand = libc.get_dynamic("rand", "int rand(void)");
    CHECK(rand.call(nullptr, 0).as<int>() >= 0);
    // Records as values, and more arguments than the inline arrays hold.
    const auto make = engines("big_make")[0];
    const ctypes::value b = make(3LL);
    for (const auto &sum : engines("big_sum"))
        CHECK(sum.call(&b, 1).as<long long>() == 3 + 2 * 4 + 3 * 6 - 4 * 3 + 5 * 7);
    const auto mixed = engines("sum_mixed")[0];
    std::vector<ctypes::value> many{ctypes::value::of("iiiiiiiiiiiiiiiiiiii")};
    for (int k = 0; k < 20; ++k)
        many.push_back(ctypes::value::of(k));
    CHECK(mixed.call(many.data(), many.size()).as<double>() == 190.0);
}

TEST_CASE("ctypes::value keeps small results inline and copies large ones", "[dynamic][call]") {
    const auto make = engines("big_make")[0];
    ctypes::value a = make(2LL); // 40 bytes: on the heap
    ctypes::value b = a;
    CHECK(b.as<big>().v[1] == 3);
    CHECK(b.data() != a.data());
    ctypes::value c = std::move(a);
    CHECK(c.as<big>().v[4] == 7);
    CHECK(a.is_void()); // NOLINT: the moved-from value is void
    b = c;
    CHECK(b.as<big>().v[2] == 4);
    const auto swap = engines("pair_swap")[0];
    ctypes::value p = swap(pair{1, 2}); // 8 bytes: inline
    ctypes::value q = p;
    p = ctypes::value::of(5);
    CHECK(q.as<pair>().a == 2);
    CHECK(p.as<int>() == 5);
    q = std::move(p);
    CHECK(q.as<int>() == 5);
    CHECK(ctypes::value::inline_capacity == 32);
}
