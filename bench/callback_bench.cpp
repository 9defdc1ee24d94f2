// qsort of 100,000 ints through every kind of callback: a plain C comparator, ctypes::callback
// from a stateless and from a capturing lambda, the user-data adapter (glibc qsort_r), and a
// libffi closure. bench/qsort_ctypes.py measures the same sort driven from Python ctypes.
#include <benchmark/benchmark.h>
#include <ffi.h>

#include <ctypes/ctypes.hpp>

#include <cstdlib>
#include <random>
#include <vector>

#include "callback_bench_cmp.h"

namespace {

constexpr std::size_t count = 100000;

const std::vector<int> &input() {
    static const std::vector<int> data = [] {
        std::mt19937 gen(20261121);
        std::uniform_int_distribution<int> dist(-1000000, 1000000);
        std::vector<int> v(count);
        for (int &x : v)
            x = dist(gen);
        return v;
    }();
    return data;
}

int as_int(const void *p) {
    return *static_cast<const int *>(p);
}

using comparator = int(const void *, const void *);

// Every variant copies the same input and sorts it; only the comparator differs.
template <class Sort>
void run(benchmark::State &state, Sort sort) {
    std::vector<int> v(count);
    for (auto _ : state) {
        v = input();
        sort(v.data());
        benchmark::DoNotOptimize(v.data());
        benchmark::ClobberMemory();
    }
    if (!std::is_sorted(v.begin(), v.end()))
        state.SkipWithError("not sorted");
}

void qsort_plain_c(benchmark::State &state) {
    run(state, [](int *p) { std::qsort(p, count, sizeof(int), bench_compare_ints); });
}

void qsort_plain_c_with_state(benchmark::State &state) {
    bench_sign = state.range(0) ? 1 : -1;
    run(state, [](int *p) { std::qsort(p, count, sizeof(int), bench_compare_ints_signed); });
}

void qsort_stateless_lambda(benchmark::State &state) {
    ctypes::callback<comparator> cmp([](const void *a, const void *b) {
        return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
    });
    run(state, [&](int *p) { std::qsort(p, count, sizeof(int), cmp.get()); });
}

void qsort_capturing_lambda(benchmark::State &state) {
    const int sign = state.range(0) ? 1 : -1; // a real capture the compiler cannot fold
    ctypes::callback<comparator> cmp([sign](const void *a, const void *b) {
        return sign * ((as_int(a) > as_int(b)) - (as_int(a) < as_int(b)));
    });
    run(state, [&](int *p) { std::qsort(p, count, sizeof(int), cmp.get()); });
}

void qsort_capturing_thunk_only(benchmark::State &state) {
    // Captures but does the plain comparator's work: what the pool thunk alone costs.
    const int sign = state.range(0) ? 1 : -1;
    ctypes::callback<comparator> cmp([sign](const void *a, const void *b) {
        (void)sign;
        return (as_int(a) > as_int(b)) - (as_int(a) < as_int(b));
    });
    run(state, [&](int *p) { std::qsort(p, count, sizeof(int), cmp.get()); });
}

void qsort_capturing_through_facade(benchmark::State &state) {
    // qsort looked up through the façade: its function-pointer parameter puts the call on the
    // path that rethrows callback exceptions.
    const ctypes::CDLL libc{"libc.so.6"};
    auto qsort = libc.get<void(void *, std::size_t, std::size_t, comparator *)>("qsort");
    const int sign = state.range(0) ? 1 : -1;
    ctypes::callback<comparator> cmp([sign](const void *a, const void *b) {
        return sign * ((as_int(a) > as_int(b)) - (as_int(a) < as_int(b)));
    });
    run(state, [&](int *p) { qsort(p, count, sizeof(int), cmp.get()); });
}

void qsort_r_plain_c(benchmark::State &state) {
    run(state, [](int *p) { qsort_r(p, count, sizeof(int), bench_compare_ints_r, nullptr); });
}

void qsort_r_user_data(benchmark::State &state) {
    const int sign = state.range(0) ? 1 : -1;
    auto cmp = ctypes::with_user_data<int(const void *, const void *, void *)>(
        [sign](const void *a, const void *b) {
            return sign * ((as_int(a) > as_int(b)) - (as_int(a) < as_int(b)));
        });
    run(state, [&](int *p) { qsort_r(p, count, sizeof(int), cmp.get(), cmp.user_data()); });
}

void ffi_compare(ffi_cif *, void *result, void **args, void *user_data) {
    const int sign = *static_cast<const int *>(user_data);
    const void *a = *static_cast<const void **>(args[0]);
    const void *b = *static_cast<const void **>(args[1]);
    *static_cast<ffi_arg *>(result) =
        static_cast<ffi_arg>(sign * ((as_int(a) > as_int(b)) - (as_int(a) < as_int(b))));
}

void qsort_libffi_closure(benchmark::State &state) {
    int sign = state.range(0) ? 1 : -1;
    void *code = nullptr;
    auto *closure = static_cast<ffi_closure *>(ffi_closure_alloc(sizeof(ffi_closure), &code));
    ffi_cif cif;
    ffi_type *args[] = {&ffi_type_pointer, &ffi_type_pointer};
    if (!closure || ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_sint, args) != FFI_OK ||
        ffi_prep_closure_loc(closure, &cif, ffi_compare, &sign, code) != FFI_OK) {
        state.SkipWithError("libffi closure setup failed");
        return;
    }
    auto *cmp = reinterpret_cast<comparator *>(code);
    run(state, [&](int *p) { std::qsort(p, count, sizeof(int), cmp); });
    ffi_closure_free(closure);
}

} // namespace

BENCHMARK(qsort_plain_c)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_plain_c_with_state)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_stateless_lambda)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_capturing_lambda)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_capturing_thunk_only)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_capturing_through_facade)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_r_plain_c)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_r_user_data)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(qsort_libffi_closure)->Arg(1)->Unit(benchmark::kMillisecond);
