// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// Finding and lookup costs: find_library("z") (Python's ctypes.util.find_library is timed
// separately, see README.md), get<Sig> against a raw dlsym, and cached loader access.
#include <benchmark/benchmark.h>

#include <ctypes/ctypes.hpp>
#include <ctypes/library_loader.hpp>

#include <dlfcn.h>

namespace {

using crc32_sig = unsigned long(unsigned long, const unsigned char *, unsigned);

// The baseline of its group: Python's ctypes.util.find_library("z") joins the group from
// python_calls.py, so the report gives it as a multiple of this.
void find_library_z(benchmark::State &state) {
    for (auto _ : state) {
        std::string name = ctypes::find_library("z");
        benchmark::DoNotOptimize(name);
    }
    state.SetLabel("baseline");
}
BENCHMARK(find_library_z)->Name("find_library/z");

void find_library_missing(benchmark::State &state) {
    for (auto _ : state) {
        std::string name = ctypes::find_library("ctypes_no_such_library");
        benchmark::DoNotOptimize(name);
    }
}
BENCHMARK(find_library_missing)->Name("find_library/missing");

void get_sig(benchmark::State &state) {
    ctypes::CDLL libz{"libz.so.1"};
    for (auto _ : state) {
        auto f = libz.get<crc32_sig>("crc32");
        benchmark::DoNotOptimize(f);
    }
}
BENCHMARK(get_sig);

void raw_dlsym(benchmark::State &state) {
    void *handle = ::dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
    for (auto _ : state) {
        void *p = ::dlsym(handle, "crc32");
        benchmark::DoNotOptimize(p);
    }
    ::dlclose(handle);
}
BENCHMARK(raw_dlsym);

void get_sig_missing(benchmark::State &state) {
    ctypes::CDLL libz{"libz.so.1"};
    for (auto _ : state) {
        std::error_code ec;
        auto f = libz.get<crc32_sig>("crc32_zz", ec);
        benchmark::DoNotOptimize(f);
    }
}
BENCHMARK(get_sig_missing);

void get_sig_missing_with_hint(benchmark::State &state) {
    ctypes::CDLL libz{"libz.so.1"};
    for (auto _ : state) {
        try {
            auto f = libz.get<crc32_sig>("crc32_zz");
            benchmark::DoNotOptimize(f);
        } catch (const ctypes::symbol_error &e) {
            benchmark::DoNotOptimize(e.what());
        }
    }
}
BENCHMARK(get_sig_missing_with_hint);

void cdll_cached(benchmark::State &state) {
    (void)ctypes::cdll["libz.so.1"];
    for (auto _ : state) {
        const ctypes::CDLL &lib = ctypes::cdll["libz.so.1"];
        benchmark::DoNotOptimize(&lib);
    }
}
BENCHMARK(cdll_cached);
BENCHMARK(cdll_cached)->Threads(2);

void cdll_load(benchmark::State &state) {
    for (auto _ : state) {
        ctypes::CDLL lib = ctypes::cdll.load("libz.so.1");
        benchmark::DoNotOptimize(lib.native_handle());
    }
}
BENCHMARK(cdll_load);

void symbols_libz(benchmark::State &state) {
    ctypes::CDLL libz{"libz.so.1"};
    for (auto _ : state) {
        auto list = libz.symbols();
        benchmark::DoNotOptimize(list);
    }
}
BENCHMARK(symbols_libz);

} // namespace
