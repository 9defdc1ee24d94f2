// ctypes-cpp benchmarks: instruction counts per call, measured under
// `valgrind --tool=callgrind`, for the same cases as call_bench.cpp, and for the lookups of
// load_bench.cpp that have a target (get<Sig> against dlsym, hit and miss).
//
// For each case it makes n1 calls, then n2 calls, and marks the end of each run with
// bench_mark("<case>@<n>"), which makes callgrind dump the instructions executed since the
// previous mark. (I(n2) - I(n1)) / (n2 - n1) is then the cost of one iteration, free of every
// fixed cost (setup, the marks themselves); run_bench.py does that arithmetic. Outside valgrind
// the marks do nothing and the program is a quick check that every case runs.
//
// It also counts one glibc qsort of 256 ints per iteration for the comparators of
// callback_bench.cpp (a plain C function against callbacks), where time is too noisy on a shared
// machine to judge a 10% target.
//
// Usage: ctypes_bench_callgrind [n1 n2]   (defaults 100000 200000; lookups make a tenth as many,
// sorts a hundredth)
#include "call_cases.hpp"
#include "callback_bench_cmp.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

extern "C" void bench_mark(const char *label); // bench/fixtures/marks.c

namespace {

template <class Op, class C>
void run(const C &c, unsigned long n) {
    for (unsigned long k = 0; k < n; ++k)
        Op::once(c, static_cast<int>(k));
}

int as_int(const void *p) {
    return *static_cast<const int *>(p);
}

// Warm up, then n1 and n2 iterations of body, each run marked for callgrind.
template <class Body>
void measure(const std::string &name, unsigned long n1, unsigned long n2, Body body) {
    body(16);
    bench_mark("warm-up");
    body(n1);
    bench_mark((name + "@" + std::to_string(n1)).c_str());
    body(n2);
    bench_mark((name + "@" + std::to_string(n2)).c_str());
}

} // namespace

int main(int argc, char **argv) try {
    unsigned long n1 = 100000, n2 = 200000;
    if (argc == 3) {
        n1 = std::strtoul(argv[1], nullptr, 10);
        n2 = std::strtoul(argv[2], nullptr, 10);
    }
    if (argc != 1 && argc != 3) {
        std::fprintf(stderr, "usage: %s [n1 n2]\n", argv[0]);
        return 2;
    }
    if (n1 == 0 || n2 <= n1) {
        std::fprintf(stderr, "ctypes_bench_callgrind: need 0 < n1 < n2\n");
        return 2;
    }
    int cases = 0;
    bench::for_each_call_case([&](auto op, auto impl, const char *impl_name) {
        using Op = decltype(op);
        const auto &c = decltype(impl)::get();
        measure(std::string("call_") + Op::name + "/" + impl_name, n1, n2,
                [&](unsigned long n) { run<Op>(c, n); });
        ++cases;
    });

    // Lookups: the same code as load_bench.cpp's lookup_hit / lookup_miss groups.
    const auto &f = bench::fixture();
    const unsigned long l1 = n1 / 10 + 1, l2 = n2 / 10 + 1;
    std::error_code ec;
    measure("lookup_hit/dlsym", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k)
            benchmark::DoNotOptimize(dlsym(f.handle, "add"));
    });
    measure("lookup_hit/get", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k) {
            auto fn = f.lib.get<int(int, int)>("add");
            benchmark::DoNotOptimize(fn.address());
        }
    });
    measure("lookup_miss/dlsym", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k)
            benchmark::DoNotOptimize(dlsym(f.handle, "no_such_symbol"));
    });
    measure("lookup_miss/get_error_code", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k) {
            auto fn = f.lib.get<int(int, int)>("no_such_symbol", ec);
            benchmark::DoNotOptimize(fn.address());
        }
    });
    if (!ec)
        throw std::runtime_error("bench: the missing symbol was found");
    void *libc_handle = dlopen("libc.so.6", RTLD_NOW | RTLD_LOCAL);
    if (!libc_handle)
        throw std::runtime_error("bench: cannot load libc.so.6");
    const ctypes::CDLL libc{"libc.so.6"};
    measure("lookup_hit_libc/dlsym", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k)
            benchmark::DoNotOptimize(dlsym(libc_handle, "strtol"));
    });
    measure("lookup_hit_libc/get", l1, l2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k) {
            auto fn = libc.get<long(const char *, char **, int)>("strtol");
            benchmark::DoNotOptimize(fn.address());
        }
    });
    dlclose(libc_handle);
    const unsigned long f1 = n1 / 100 + 1, f2 = n2 / 100 + 1;
    measure("find_library/z", f1, f2, [&](unsigned long n) {
        for (unsigned long k = 0; k < n; ++k)
            benchmark::DoNotOptimize(ctypes::find_library("z"));
    });
    cases += 7;

    // Callbacks: the same sort of the same ints, changing only how the comparator is made.
    std::vector<int> input(256);
    unsigned state = 20261121u;
    for (int &x : input) {
        state = state * 1664525u + 1013904223u; // a fixed pseudo-random sequence
        x = static_cast<int>(state >> 8) - (1 << 23);
    }
    std::vector<int> v(input.size());
    const auto sorts = [&](const char *name, int (*compare)(const void *, const void *)) {
        measure(std::string("qsort/") + name, n1 / 100 + 1, n2 / 100 + 1, [&](unsigned long n) {
            for (unsigned long k = 0; k < n; ++k) {
                v = input;
                std::qsort(v.data(), v.size(), sizeof(int), compare);
                benchmark::DoNotOptimize(v.data());
            }
        });
        ++cases;
    };
    const int sign = argc > 100 ? -1 : 1; // a capture the compiler cannot fold
    using comparator = int(const void *, const void *);
    sorts("plain_c", bench_compare_ints);
    bench_sign = sign;
    sorts("plain_c_with_state", bench_compare_ints_signed);
    const ctypes::callback<comparator> stateless([](const void *a, const void *b) {
        return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
    });
    sorts("stateless_lambda", stateless.get());
    const ctypes::callback<comparator> thunk_only([sign](const void *a, const void *b) {
        (void)sign;
        return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
    });
    sorts("capturing_thunk_only", thunk_only.get());
    const ctypes::callback<comparator> capturing([sign](const void *a, const void *b) {
        return sign * ((as_int(a) > as_int(b)) - (as_int(a) < as_int(b)));
    });
    sorts("capturing_lambda", capturing.get());
#ifdef CTYPES_BENCH_PIC
    // The add cases again from a -fPIC shared object (bench/errno_pic.cpp).
    void *pic = dlopen(CTYPES_BENCH_PIC, RTLD_NOW | RTLD_LOCAL);
    if (!pic)
        throw std::runtime_error(std::string("bench: cannot load the -fPIC cases: ") + dlerror());
    const auto pic_run =
        reinterpret_cast<int (*)(unsigned long, unsigned long)>(dlsym(pic, "ctypes_bench_pic_run"));
    if (!pic_run)
        throw std::runtime_error("bench: the -fPIC cases lack ctypes_bench_pic_run");
    cases += pic_run(n1, n2);
#endif
    std::printf("ctypes_bench_callgrind: %d cases, %lu and %lu iterations each (lookups: %lu and "
                "%lu)\n",
                cases, n1, n2, l1, l2);
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
