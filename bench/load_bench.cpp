// ctypes-cpp benchmarks: lookups and loads, against the bare dlsym / dlopen / dlclose they wrap
// (each group's `baseline`) and against Boost.DLL.
//
//   lookup_hit/*    find `add` in the loaded fixture
//   lookup_miss/*   look for a symbol the fixture does not have
//   lookup_hit_libc/*  find `strtol` in the C library: a big symbol table (glibc's dladdr1, which
//                   get<Sig> uses for its symbol-kind check, searches it linearly)
//   load_fresh/*    load and unload a library no one else holds: it is mapped and unmapped
//                   every iteration (checked before measuring)
//   load_loaded/*   load and unload a library that stays loaded elsewhere: a reference count
//   load_guard/*    the checks a load by path makes before dlopen: the file's type and headers
//                   (check_file), and whether an image is recorded under that name (recorded_name)
#include <ctypes/ctypes.hpp>

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <stdexcept>
#include <string>
#include <system_error>

#if CTYPES_BENCH_HAVE_BOOST_DLL
#include <boost/dll/shared_library.hpp>
#endif

#if !defined(CTYPES_BENCH_FIXTURE) || !defined(CTYPES_BENCH_FRESH)
#error "CTYPES_BENCH_FIXTURE and CTYPES_BENCH_FRESH must name the fixture libraries"
#endif
#ifndef CTYPES_BENCH_LIBC
#define CTYPES_BENCH_LIBC "libc.so.6"
#endif

namespace {

using add_fn = int(int, int);
using strtol_fn = long(const char *, char **, int);
constexpr const char *missing = "no_such_symbol";

// The fixture, held open for the whole run so lookups and "already loaded" have a target.
struct loaded {
    void *handle = dlopen(CTYPES_BENCH_FIXTURE, RTLD_NOW | RTLD_LOCAL);
    ctypes::CDLL lib{CTYPES_BENCH_FIXTURE};
#if CTYPES_BENCH_HAVE_BOOST_DLL
    boost::dll::shared_library boost_lib{CTYPES_BENCH_FIXTURE};
#endif
    void *libc_handle = dlopen(CTYPES_BENCH_LIBC, RTLD_NOW | RTLD_LOCAL);
    ctypes::CDLL libc{CTYPES_BENCH_LIBC};
    loaded() {
        if (!handle || !libc_handle)
            throw std::runtime_error(std::string("bench: cannot load the fixture: ") + dlerror());
        if (!dlsym(handle, "add") || lib.get<add_fn>("add")(2, 3) != 5)
            throw std::runtime_error("bench: the fixture's add is missing or wrong");
    }
};

loaded &fixture() {
    static loaded *l = new loaded; // never destroyed: benchmarks may run until exit
    return *l;
}

void label_baseline(benchmark::State &state) {
    state.SetLabel("baseline");
}

// --- lookups -------------------------------------------------------------------------------

void lookup_hit_dlsym(benchmark::State &state) {
    void *h = fixture().handle;
    for (auto _ : state)
        benchmark::DoNotOptimize(dlsym(h, "add"));
    label_baseline(state);
}

void lookup_hit_get(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state) {
        auto f = lib.get<add_fn>("add");
        benchmark::DoNotOptimize(f.address());
    }
}

void lookup_hit_try_get(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state) {
        auto f = lib.try_get<add_fn>("add");
        benchmark::DoNotOptimize(f->address());
    }
}

void lookup_hit_has(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state)
        benchmark::DoNotOptimize(lib.has("add"));
}

void lookup_hit_libc_dlsym(benchmark::State &state) {
    void *h = fixture().libc_handle;
    for (auto _ : state)
        benchmark::DoNotOptimize(dlsym(h, "strtol"));
    label_baseline(state);
}

void lookup_hit_libc_get(benchmark::State &state) {
    const auto &lib = fixture().libc;
    for (auto _ : state) {
        auto f = lib.get<strtol_fn>("strtol");
        benchmark::DoNotOptimize(f.address());
    }
}

void lookup_miss_dlsym(benchmark::State &state) {
    void *h = fixture().handle;
    for (auto _ : state)
        benchmark::DoNotOptimize(dlsym(h, missing));
    label_baseline(state);
}

void lookup_miss_get_error_code(benchmark::State &state) {
    const auto &lib = fixture().lib;
    std::error_code ec;
    for (auto _ : state) {
        auto f = lib.get<add_fn>(missing, ec);
        benchmark::DoNotOptimize(f.address());
    }
    if (!ec)
        state.SkipWithError("the missing symbol was found");
}

void lookup_miss_try_get(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state) {
        auto f = lib.try_get<add_fn>(missing);
        benchmark::DoNotOptimize(f.has_value());
    }
}

void lookup_miss_get_throws(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state) {
        try {
            lib.get<add_fn>(missing);
            state.SkipWithError("the missing symbol was found");
            break;
        } catch (const ctypes::symbol_error &e) {
            benchmark::DoNotOptimize(e.what());
        }
    }
}

void lookup_miss_has(benchmark::State &state) {
    const auto &lib = fixture().lib;
    for (auto _ : state)
        benchmark::DoNotOptimize(lib.has(missing));
}

#if CTYPES_BENCH_HAVE_BOOST_DLL
void lookup_hit_boost_dll_get(benchmark::State &state) {
    const auto &lib = fixture().boost_lib;
    for (auto _ : state)
        benchmark::DoNotOptimize(&lib.get<add_fn>("add"));
}

void lookup_miss_boost_dll_has(benchmark::State &state) {
    const auto &lib = fixture().boost_lib;
    for (auto _ : state)
        benchmark::DoNotOptimize(lib.has(missing));
}
#endif

// --- loads ---------------------------------------------------------------------------------

// The fresh library must really leave the process after each iteration, or the group measures
// a reference count instead of a load.
bool fresh_unloads(benchmark::State &state) {
    fixture();
    void *h = dlopen(CTYPES_BENCH_FRESH, RTLD_NOW | RTLD_LOCAL);
    if (!h || dlclose(h) != 0) {
        state.SkipWithError("cannot load and unload the fresh fixture");
        return false;
    }
    if (void *still = dlopen(CTYPES_BENCH_FRESH, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
        dlclose(still);
        state.SkipWithError("the fresh fixture stays loaded after dlclose");
        return false;
    }
    return true;
}

void load_fresh_dlopen_dlclose(benchmark::State &state) {
    if (!fresh_unloads(state))
        return;
    for (auto _ : state) {
        void *h = dlopen(CTYPES_BENCH_FRESH, RTLD_NOW | RTLD_LOCAL);
        benchmark::DoNotOptimize(h);
        dlclose(h);
    }
    label_baseline(state);
}

void load_fresh_cdll_unload(benchmark::State &state) {
    if (!fresh_unloads(state))
        return;
    for (auto _ : state) {
        ctypes::CDLL lib{CTYPES_BENCH_FRESH};
        if (!lib.unload()) {
            state.SkipWithError("unload() says the fresh fixture stayed loaded");
            break;
        }
    }
}

void load_fresh_cdll_scope(benchmark::State &state) {
    if (!fresh_unloads(state))
        return;
    for (auto _ : state) {
        ctypes::CDLL lib{CTYPES_BENCH_FRESH};
        benchmark::DoNotOptimize(lib.native_handle());
    }
}

void load_loaded_dlopen_dlclose(benchmark::State &state) {
    fixture();
    for (auto _ : state) {
        void *h = dlopen(CTYPES_BENCH_FIXTURE, RTLD_NOW | RTLD_LOCAL);
        benchmark::DoNotOptimize(h);
        dlclose(h);
    }
    label_baseline(state);
}

void load_loaded_cdll_scope(benchmark::State &state) {
    fixture();
    for (auto _ : state) {
        ctypes::CDLL lib{CTYPES_BENCH_FIXTURE};
        benchmark::DoNotOptimize(lib.native_handle());
    }
}

void load_loaded_cdll_unload(benchmark::State &state) {
    fixture();
    for (auto _ : state) {
        ctypes::CDLL lib{CTYPES_BENCH_FIXTURE};
        if (lib.unload()) {
            state.SkipWithError("unload() says the held fixture left the process");
            break;
        }
    }
}

// What the check before a load by path costs on its own (a FIFO or a truncated file never
// reaches dlopen): open, fstat, the ELF and program headers, close. load_fresh pays it on every
// iteration; load_loaded does not, the loader having recorded the path already.
void load_guard_check(benchmark::State &state) {
    for (auto _ : state) {
        std::string problem = ctypes::detail::elf_file::load_problem(CTYPES_BENCH_FRESH);
        benchmark::DoNotOptimize(problem.data());
    }
}

void load_guard_recorded(benchmark::State &state) {
    fixture();
    const std::string path = CTYPES_BENCH_FIXTURE;
    for (auto _ : state)
        benchmark::DoNotOptimize(ctypes::detail::native_loader::is_recorded_as(path));
}

#if CTYPES_BENCH_HAVE_BOOST_DLL
void load_fresh_boost_dll(benchmark::State &state) {
    if (!fresh_unloads(state))
        return;
    for (auto _ : state) {
        boost::dll::shared_library lib{CTYPES_BENCH_FRESH};
        benchmark::DoNotOptimize(lib.native());
    }
}

void load_loaded_boost_dll(benchmark::State &state) {
    fixture();
    for (auto _ : state) {
        boost::dll::shared_library lib{CTYPES_BENCH_FIXTURE};
        benchmark::DoNotOptimize(lib.native());
    }
}
#endif

} // namespace

BENCHMARK(lookup_hit_dlsym)->Name("lookup_hit/dlsym");
BENCHMARK(lookup_hit_get)->Name("lookup_hit/get");
BENCHMARK(lookup_hit_try_get)->Name("lookup_hit/try_get");
BENCHMARK(lookup_hit_has)->Name("lookup_hit/has");
#if CTYPES_BENCH_HAVE_BOOST_DLL
BENCHMARK(lookup_hit_boost_dll_get)->Name("lookup_hit/boost_dll_get");
#endif
BENCHMARK(lookup_hit_libc_dlsym)->Name("lookup_hit_libc/dlsym");
BENCHMARK(lookup_hit_libc_get)->Name("lookup_hit_libc/get");
BENCHMARK(lookup_miss_dlsym)->Name("lookup_miss/dlsym");
BENCHMARK(lookup_miss_get_error_code)->Name("lookup_miss/get_error_code");
BENCHMARK(lookup_miss_try_get)->Name("lookup_miss/try_get");
BENCHMARK(lookup_miss_has)->Name("lookup_miss/has");
BENCHMARK(lookup_miss_get_throws)->Name("lookup_miss/get_throws");
#if CTYPES_BENCH_HAVE_BOOST_DLL
BENCHMARK(lookup_miss_boost_dll_has)->Name("lookup_miss/boost_dll_has");
#endif
BENCHMARK(load_fresh_dlopen_dlclose)->Name("load_fresh/dlopen_dlclose");
BENCHMARK(load_fresh_cdll_unload)->Name("load_fresh/cdll_unload");
BENCHMARK(load_fresh_cdll_scope)->Name("load_fresh/cdll_scope");
#if CTYPES_BENCH_HAVE_BOOST_DLL
BENCHMARK(load_fresh_boost_dll)->Name("load_fresh/boost_dll");
#endif
BENCHMARK(load_guard_check)->Name("load_guard/check_file");
BENCHMARK(load_guard_recorded)->Name("load_guard/recorded_name");
BENCHMARK(load_loaded_dlopen_dlclose)->Name("load_loaded/dlopen_dlclose");
BENCHMARK(load_loaded_cdll_scope)->Name("load_loaded/cdll_scope");
BENCHMARK(load_loaded_cdll_unload)->Name("load_loaded/cdll_unload");
#if CTYPES_BENCH_HAVE_BOOST_DLL
BENCHMARK(load_loaded_boost_dll)->Name("load_loaded/boost_dll");
#endif
