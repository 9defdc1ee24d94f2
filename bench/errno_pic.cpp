// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The add cases of callgrind_driver.cpp again, compiled into a -fPIC shared object, where a
// thread_local with default visibility takes the global-dynamic TLS model (bench/README.md,
// use_errno). callgrind_driver.cpp loads it with dlopen(RTLD_LOCAL), so that nothing here binds
// to the executable's copies of the same inline functions.
#include "call_cases.hpp"

#include <string>

extern "C" void bench_mark(const char *label); // bench/fixtures/marks.c

namespace {

template <class C>
void run_add(const C &c, unsigned long n) {
    for (unsigned long k = 0; k < n; ++k)
        bench::op_add::once(c, static_cast<int>(k));
}

template <class C>
void measure(const std::string &name, const C &c, unsigned long n1, unsigned long n2) {
    run_add(c, 16);
    bench_mark("warm-up");
    run_add(c, n1);
    bench_mark((name + "@" + std::to_string(n1)).c_str());
    run_add(c, n2);
    bench_mark((name + "@" + std::to_string(n2)).c_str());
}

} // namespace

// Measures pic_call_add/{raw_pointer,cdll,cdll_use_errno}; returns the number of cases.
extern "C" __attribute__((visibility("default"))) int ctypes_bench_pic_run(unsigned long n1,
                                                                           unsigned long n2) {
    const bench::call_fixture &f = bench::fixture();
    measure("pic_call_add/raw_pointer", f.raw, n1, n2);
    measure("pic_call_add/cdll", f.cdll, n1, n2);
    measure("pic_call_add/cdll_use_errno", f.cdll_use_errno, n1, n2);
    return 3;
}
