// ctypes-cpp benchmarks: the call cases, shared by call_bench.cpp (times, Google Benchmark) and
// callgrind_driver.cpp (instruction counts), so both measure exactly the same code.
//
// Every way of calling the fixture's four functions is a struct with members add, sum8, scale
// and noop that are called the same way (`c.add(i, 1)`); each operation (op_add, ...) is one call
// followed by a compiler barrier. The structs live in one heap object whose address escapes, so
// every iteration reloads what it calls through, as a program calling through a stored pointer
// or object does: no case gets its pointer hoisted into a register.
#ifndef CTYPES_BENCH_CALL_CASES_HPP
#define CTYPES_BENCH_CALL_CASES_HPP

#include <ctypes/ctypes.hpp>

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <functional>
#include <stdexcept>
#include <string>

#if CTYPES_BENCH_HAVE_LIBFFI
#include <ctypes/dynamic.hpp>
#include <ffi.h>
#endif
#if CTYPES_BENCH_HAVE_BOOST_DLL
#include <boost/dll/import.hpp>
#endif

#ifndef CTYPES_BENCH_FIXTURE
#error "CTYPES_BENCH_FIXTURE must name the benchmark fixture library (bench/CMakeLists.txt)"
#endif

// The fixture's functions, for the direct (linked) case: bench/fixtures/bench.c.
extern "C" {
int add(int a, int b);
int sum8(const int *values);
double scale(double x, double factor);
void noop(void);
}

namespace bench {

inline const int values[8] = {1, 2, 3, 4, 5, 6, 7, 8};

// Linked at build time: the call goes through the PLT, as any call into a shared library does.
struct direct_calls {
    int add(int a, int b) const { return ::add(a, b); }
    int sum8(const int *v) const { return ::sum8(v); }
    double scale(double x, double f) const { return ::scale(x, f); }
    void noop() const { ::noop(); }
};

// dlsym's result cast to the function type: the baseline of every ratio.
struct raw_calls {
    int (*add)(int, int) = nullptr;
    int (*sum8)(const int *) = nullptr;
    double (*scale)(double, double) = nullptr;
    void (*noop)() = nullptr;
};

struct std_function_calls {
    std::function<int(int, int)> add;
    std::function<int(const int *)> sum8;
    std::function<double(double, double)> scale;
    std::function<void()> noop;
};

struct cdll_calls {
    ctypes::function<int(int, int)> add;
    ctypes::function<int(const int *)> sum8;
    ctypes::function<double(double, double)> scale;
    ctypes::function<void()> noop;
};

#if CTYPES_BENCH_HAVE_LIBFFI
// libffi with a cif prepared once per function: each call fills the argument array and calls
// ffi_call, which is what an interpreter's FFI layer does per call at best.
struct ffi_calls {
    void *add_fn = nullptr, *sum8_fn = nullptr, *scale_fn = nullptr, *noop_fn = nullptr;
    ffi_type *int_int[2] = {&ffi_type_sint, &ffi_type_sint};
    ffi_type *ptr[1] = {&ffi_type_pointer};
    ffi_type *dbl_dbl[2] = {&ffi_type_double, &ffi_type_double};
    mutable ffi_cif add_cif{}, sum8_cif{}, scale_cif{}, noop_cif{};

    void prepare(void *handle) {
        add_fn = dlsym(handle, "add");
        sum8_fn = dlsym(handle, "sum8");
        scale_fn = dlsym(handle, "scale");
        noop_fn = dlsym(handle, "noop");
        if (ffi_prep_cif(&add_cif, FFI_DEFAULT_ABI, 2, &ffi_type_sint, int_int) != FFI_OK ||
            ffi_prep_cif(&sum8_cif, FFI_DEFAULT_ABI, 1, &ffi_type_sint, ptr) != FFI_OK ||
            ffi_prep_cif(&scale_cif, FFI_DEFAULT_ABI, 2, &ffi_type_double, dbl_dbl) != FFI_OK ||
            ffi_prep_cif(&noop_cif, FFI_DEFAULT_ABI, 0, &ffi_type_void, nullptr) != FFI_OK)
            throw std::runtime_error("bench: ffi_prep_cif failed");
    }
    int add(int a, int b) const {
        ffi_arg r;
        void *args[] = {&a, &b};
        ffi_call(&add_cif, FFI_FN(add_fn), &r, args);
        return static_cast<int>(r);
    }
    int sum8(const int *v) const {
        ffi_arg r;
        void *args[] = {&v};
        ffi_call(&sum8_cif, FFI_FN(sum8_fn), &r, args);
        return static_cast<int>(r);
    }
    double scale(double x, double f) const {
        double r;
        void *args[] = {&x, &f};
        ffi_call(&scale_cif, FFI_FN(scale_fn), &r, args);
        return r;
    }
    void noop() const { ffi_call(&noop_cif, FFI_FN(noop_fn), nullptr, nullptr); }
};
#endif

#if CTYPES_BENCH_HAVE_LIBFFI
// Runtime-typed calls (<ctypes/dynamic.hpp>): declared from C text at run time, arguments
// converted and checked per call; the fast path where the signature suits it, or libffi.
struct dynamic_calls {
    ctypes::dynamic_function add_fn, sum8_fn, scale_fn, noop_fn;
    int add(int a, int b) const { return add_fn(a, b).as<int>(); }
    int sum8(const int *v) const { return sum8_fn(v).as<int>(); }
    double scale(double x, double f) const { return scale_fn(x, f).as<double>(); }
    void noop() const { noop_fn(); }
};

// The same through the typed entry, dynamic_function::call<R>: no ctypes::value in between.
struct dynamic_call_calls {
    ctypes::dynamic_function add_fn, sum8_fn, scale_fn, noop_fn;
    int add(int a, int b) const { return add_fn.call<int>(a, b); }
    int sum8(const int *v) const { return sum8_fn.call<int>(v); }
    double scale(double x, double f) const { return scale_fn.call<double>(x, f); }
    void noop() const { noop_fn.call<void>(); }
};
#endif

// The runtime-typed cases (bench/README.md, "Runtime-typed calls"): an 8-argument call mixing
// ints and doubles, a struct by value, and a variadic call, through the raw pointer, the typed
// call, libffi and dynamic_function. bench/fixtures/bench.c has the functions.
struct bench_point {
    double x, y;
};
inline const bench_point point_arg{1.5, 2.5};

struct rt_raw_calls {
    double (*mix8_fn)(int, double, int, double, long, float, int, double) = nullptr;
    double (*point_fn)(bench_point, double) = nullptr;
    int (*sum_var_fn)(int, ...) = nullptr;
    double mix8(int i) const { return mix8_fn(i, 1.0, 2, 3.0, 4L, 5.0f, 6, 7.0); }
    double point(double k) const { return point_fn(point_arg, k); }
    int sum_var(int i) const { return sum_var_fn(4, i, 1, 2, 3); }
};

struct rt_cdll_calls {
    ctypes::function<double(int, double, int, double, long, float, int, double)> mix8_fn;
    ctypes::function<double(bench_point, double)> point_fn;
    ctypes::function<int(int, ...)> sum_var_fn;
    double mix8(int i) const { return mix8_fn(i, 1.0, 2, 3.0, 4L, 5.0f, 6, 7.0); }
    double point(double k) const { return point_fn(point_arg, k); }
    int sum_var(int i) const { return sum_var_fn(4, i, 1, 2, 3); }
};

#if CTYPES_BENCH_HAVE_LIBFFI
// libffi with every cif prepared once (the variadic one for exactly these argument types).
struct rt_ffi_calls {
    void *mix8_addr = nullptr, *point_addr = nullptr, *sum_var_addr = nullptr;
    ffi_type *mix8_types[8] = {&ffi_type_sint,  &ffi_type_double, &ffi_type_sint, &ffi_type_double,
                               &ffi_type_slong, &ffi_type_float,  &ffi_type_sint, &ffi_type_double};
    ffi_type *point_elements[3] = {&ffi_type_double, &ffi_type_double, nullptr};
    ffi_type point_type{0, 0, FFI_TYPE_STRUCT, point_elements};
    ffi_type *point_types[2] = {&point_type, &ffi_type_double};
    ffi_type *sum_var_types[5] = {&ffi_type_sint, &ffi_type_sint, &ffi_type_sint, &ffi_type_sint,
                                  &ffi_type_sint};
    mutable ffi_cif mix8_cif{}, point_cif{}, sum_var_cif{};

    void prepare(void *handle) {
        mix8_addr = dlsym(handle, "mix8");
        point_addr = dlsym(handle, "point_dot");
        sum_var_addr = dlsym(handle, "sum_var");
        if (ffi_prep_cif(&mix8_cif, FFI_DEFAULT_ABI, 8, &ffi_type_double, mix8_types) != FFI_OK ||
            ffi_prep_cif(&point_cif, FFI_DEFAULT_ABI, 2, &ffi_type_double, point_types) != FFI_OK ||
            ffi_prep_cif_var(&sum_var_cif, FFI_DEFAULT_ABI, 1, 5, &ffi_type_sint, sum_var_types) !=
                FFI_OK)
            throw std::runtime_error("bench: ffi_prep_cif failed for the runtime-typed cases");
    }
    double mix8(int i) const {
        double b = 1.0, d = 3.0, h = 7.0;
        int c = 2, g = 6;
        long e = 4;
        float f = 5.0f;
        void *args[] = {&i, &b, &c, &d, &e, &f, &g, &h};
        double r;
        ffi_call(&mix8_cif, FFI_FN(mix8_addr), &r, args);
        return r;
    }
    double point(double k) const {
        bench_point p = point_arg;
        void *args[] = {&p, &k};
        double r;
        ffi_call(&point_cif, FFI_FN(point_addr), &r, args);
        return r;
    }
    int sum_var(int i) const {
        int n = 4, a = 1, b = 2, c = 3;
        void *args[] = {&n, &i, &a, &b, &c};
        ffi_arg r;
        ffi_call(&sum_var_cif, FFI_FN(sum_var_addr), &r, args);
        return static_cast<int>(r);
    }
};

// dynamic_function: operator() and as<R>(), or the typed call<R>().
template <bool Typed>
struct rt_dynamic_calls {
    ctypes::dynamic_function mix8_fn, point_fn, sum_var_fn;
    template <class R, class... X>
    R run(const ctypes::dynamic_function &f, const X &...x) const {
        if constexpr (Typed)
            return f.call<R>(x...);
        else
            return f(x...).template as<R>();
    }
    double mix8(int i) const { return run<double>(mix8_fn, i, 1.0, 2, 3.0, 4L, 5.0f, 6, 7.0); }
    double point(double k) const { return run<double>(point_fn, point_arg, k); }
    int sum_var(int i) const { return run<int>(sum_var_fn, 4, i, 1, 2, 3); }
};
#endif

#if CTYPES_BENCH_HAVE_BOOST_DLL
// Boost.DLL's import: a callable that keeps the library loaded through a shared_ptr.
template <class Sig>
using boost_import_t = decltype(boost::dll::import <Sig>(
    std::declval<const boost::dll::fs::path &>(), std::declval<const char *>()));

struct boost_calls {
    explicit boost_calls(const char *path)
        : add(boost::dll::import <int(int, int)>(path, "add")),
          sum8(boost::dll::import <int(const int *)>(path, "sum8")),
          scale(boost::dll::import <double(double, double)>(path, "scale")),
          noop(boost::dll::import <void()>(path, "noop")) {}
    boost_import_t<int(int, int)> add;
    boost_import_t<int(const int *)> sum8;
    boost_import_t<double(double, double)> scale;
    boost_import_t<void()> noop;
};
#endif

// Everything loaded once, checked once.
struct call_fixture {
    void *handle = nullptr;
    ctypes::CDLL lib{CTYPES_BENCH_FIXTURE};
    direct_calls direct;
    raw_calls raw;
    std_function_calls std_function;
    cdll_calls cdll;
    cdll_calls cdll_use_errno;
#if CTYPES_BENCH_HAVE_LIBFFI
    ffi_calls libffi;
    dynamic_calls dynamic;        // the fast path on x86-64 System V
    dynamic_calls dynamic_libffi; // the same, every call through libffi
    dynamic_call_calls dynamic_call;
    dynamic_call_calls dynamic_call_libffi;
#endif
    rt_raw_calls rt_raw;
    rt_cdll_calls rt_cdll;
#if CTYPES_BENCH_HAVE_LIBFFI
    rt_ffi_calls rt_libffi;
    rt_dynamic_calls<false> rt_dynamic, rt_dynamic_libffi;
    rt_dynamic_calls<true> rt_dynamic_call, rt_dynamic_call_libffi;
#endif
#if CTYPES_BENCH_HAVE_BOOST_DLL
    boost_calls boost_dll{CTYPES_BENCH_FIXTURE};
#endif

    call_fixture() {
        handle = dlopen(CTYPES_BENCH_FIXTURE, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            throw std::runtime_error(std::string("bench: cannot load the fixture: ") + dlerror());
        raw.add = reinterpret_cast<int (*)(int, int)>(dlsym(handle, "add"));
        raw.sum8 = reinterpret_cast<int (*)(const int *)>(dlsym(handle, "sum8"));
        raw.scale = reinterpret_cast<double (*)(double, double)>(dlsym(handle, "scale"));
        raw.noop = reinterpret_cast<void (*)()>(dlsym(handle, "noop"));
        if (!raw.add || !raw.sum8 || !raw.scale || !raw.noop)
            throw std::runtime_error("bench: the fixture lacks add, sum8, scale or noop");
        std_function.add = raw.add;
        std_function.sum8 = raw.sum8;
        std_function.scale = raw.scale;
        std_function.noop = raw.noop;
        cdll.add = lib.get<int(int, int)>("add");
        cdll.sum8 = lib.get<int(const int *)>("sum8");
        cdll.scale = lib.get<double(double, double)>("scale");
        cdll.noop = lib.get<void()>("noop");
        cdll_use_errno.add = lib.get<int(int, int)>("add", ctypes::use_errno);
        cdll_use_errno.sum8 = lib.get<int(const int *)>("sum8", ctypes::use_errno);
        cdll_use_errno.scale = lib.get<double(double, double)>("scale", ctypes::use_errno);
        cdll_use_errno.noop = lib.get<void()>("noop", ctypes::use_errno);
#if CTYPES_BENCH_HAVE_LIBFFI
        libffi.prepare(handle);
        dynamic.add_fn = lib.get_dynamic("add", "int add(int, int)");
        dynamic.sum8_fn = lib.get_dynamic("sum8", "int sum8(const int *values)");
        dynamic.scale_fn = lib.get_dynamic("scale", "double scale(double x, double factor)");
        dynamic.noop_fn = lib.get_dynamic("noop", "void noop(void)");
        dynamic_libffi.add_fn = dynamic.add_fn.via_libffi();
        dynamic_libffi.sum8_fn = dynamic.sum8_fn.via_libffi();
        dynamic_libffi.scale_fn = dynamic.scale_fn.via_libffi();
        dynamic_libffi.noop_fn = dynamic.noop_fn.via_libffi();
        dynamic_call.add_fn = dynamic.add_fn;
        dynamic_call.sum8_fn = dynamic.sum8_fn;
        dynamic_call.scale_fn = dynamic.scale_fn;
        dynamic_call.noop_fn = dynamic.noop_fn;
        dynamic_call_libffi.add_fn = dynamic_libffi.add_fn;
        dynamic_call_libffi.sum8_fn = dynamic_libffi.sum8_fn;
        dynamic_call_libffi.scale_fn = dynamic_libffi.scale_fn;
        dynamic_call_libffi.noop_fn = dynamic_libffi.noop_fn;
#endif
        rt_raw.mix8_fn = reinterpret_cast<decltype(rt_raw.mix8_fn)>(dlsym(handle, "mix8"));
        rt_raw.point_fn = reinterpret_cast<decltype(rt_raw.point_fn)>(dlsym(handle, "point_dot"));
        rt_raw.sum_var_fn = reinterpret_cast<decltype(rt_raw.sum_var_fn)>(dlsym(handle, "sum_var"));
        if (!rt_raw.mix8_fn || !rt_raw.point_fn || !rt_raw.sum_var_fn)
            throw std::runtime_error("bench: the fixture lacks mix8, point_dot or sum_var");
        rt_cdll.mix8_fn =
            lib.get<double(int, double, int, double, long, float, int, double)>("mix8");
        rt_cdll.point_fn = lib.get<double(bench_point, double)>("point_dot");
        rt_cdll.sum_var_fn = lib.get<int(int, ...)>("sum_var");
#if CTYPES_BENCH_HAVE_LIBFFI
        rt_libffi.prepare(handle);
        const ctypes::cdef rt_decls{
            "double mix8(int a, double b, int c, double d, long e, float f, int g, double h);"
            "struct bench_point { double x, y; };"
            "double point_dot(struct bench_point p, double k);"
            "int sum_var(int count, ...);"};
        rt_dynamic.mix8_fn = lib.get_dynamic("mix8", rt_decls);
        rt_dynamic.point_fn = lib.get_dynamic("point_dot", rt_decls);
        rt_dynamic.sum_var_fn = lib.get_dynamic("sum_var", rt_decls);
        rt_dynamic_libffi.mix8_fn = rt_dynamic.mix8_fn.via_libffi();
        rt_dynamic_libffi.point_fn = rt_dynamic.point_fn.via_libffi();
        rt_dynamic_libffi.sum_var_fn = rt_dynamic.sum_var_fn.via_libffi();
        rt_dynamic_call.mix8_fn = rt_dynamic.mix8_fn;
        rt_dynamic_call.point_fn = rt_dynamic.point_fn;
        rt_dynamic_call.sum_var_fn = rt_dynamic.sum_var_fn;
        rt_dynamic_call_libffi.mix8_fn = rt_dynamic_libffi.mix8_fn;
        rt_dynamic_call_libffi.point_fn = rt_dynamic_libffi.point_fn;
        rt_dynamic_call_libffi.sum_var_fn = rt_dynamic_libffi.sum_var_fn;
#endif
        verify("direct", direct);
        verify("raw_pointer", raw);
        verify("std_function", std_function);
        verify("cdll", cdll);
        verify("cdll_use_errno", cdll_use_errno);
#if CTYPES_BENCH_HAVE_LIBFFI
        verify("libffi", libffi);
        verify("dynamic", dynamic);
        verify("dynamic_libffi", dynamic_libffi);
        verify("dynamic_call", dynamic_call);
        verify("dynamic_call_libffi", dynamic_call_libffi);
#endif
        verify_runtime("raw_pointer", rt_raw);
        verify_runtime("cdll", rt_cdll);
#if CTYPES_BENCH_HAVE_LIBFFI
        verify_runtime("libffi", rt_libffi);
        verify_runtime("dynamic", rt_dynamic);
        verify_runtime("dynamic_libffi", rt_dynamic_libffi);
        verify_runtime("dynamic_call", rt_dynamic_call);
        verify_runtime("dynamic_call_libffi", rt_dynamic_call_libffi);
#endif
#if CTYPES_BENCH_HAVE_BOOST_DLL
        verify("boost_dll", boost_dll);
#endif
    }
    ~call_fixture() {
        if (handle)
            dlclose(handle);
    }
    call_fixture(const call_fixture &) = delete;
    call_fixture &operator=(const call_fixture &) = delete;

    // A case that computes the wrong thing would make its numbers meaningless: refuse to run.
    template <class C>
    static void verify(const char *name, const C &c) {
        if (c.add(2, 3) != 5 || c.sum8(values) != 36 || c.scale(3.0, 0.5) != 1.5)
            throw std::runtime_error(std::string("bench: case '") + name +
                                     "' computes wrong results");
        c.noop();
    }
    template <class C>
    static void verify_runtime(const char *name, const C &c) {
        if (c.mix8(1) != 29.0 || c.point(2.0) != 8.0 || c.sum_var(4) != 10)
            throw std::runtime_error(std::string("bench: runtime-typed case '") + name +
                                     "' computes wrong results");
    }
};

// Created on first use and never destroyed before exit; its address escapes (see the top).
inline call_fixture &fixture() {
    static call_fixture *f = [] {
        auto *p = new call_fixture;
        benchmark::DoNotOptimize(p);
        return p;
    }();
    return *f;
}

// The operations: one call each, then a barrier that keeps the result and forces every
// iteration to reload what it calls through.
struct op_add {
    static constexpr const char *name = "add";
    template <class C>
    static void once(const C &c, int i) {
        benchmark::DoNotOptimize(c.add(i, 1));
    }
};
struct op_sum8 {
    static constexpr const char *name = "sum8";
    template <class C>
    static void once(const C &c, int) {
        benchmark::DoNotOptimize(c.sum8(values));
    }
};
struct op_scale {
    static constexpr const char *name = "scale";
    template <class C>
    static void once(const C &c, int i) {
        benchmark::DoNotOptimize(c.scale(static_cast<double>(i), 0.5));
    }
};
struct op_noop {
    static constexpr const char *name = "noop";
    template <class C>
    static void once(const C &c, int) {
        c.noop();
        benchmark::ClobberMemory();
    }
};

struct op_mix8 {
    static constexpr const char *name = "mix8";
    template <class C>
    static void once(const C &c, int i) {
        benchmark::DoNotOptimize(c.mix8(i));
    }
};
struct op_point {
    static constexpr const char *name = "point";
    template <class C>
    static void once(const C &c, int i) {
        benchmark::DoNotOptimize(c.point(static_cast<double>(i)));
    }
};
struct op_sum_var {
    static constexpr const char *name = "sum_var";
    template <class C>
    static void once(const C &c, int i) {
        benchmark::DoNotOptimize(c.sum_var(i));
    }
};

template <auto Member>
struct impl {
    static const auto &get() { return fixture().*Member; }
};

// Calls f(op, impl, impl_name) for every operation and way of calling, in report order.
template <class Op, class F>
void for_each_impl(F &f) {
    f(Op{}, impl<&call_fixture::direct>{}, "direct");
    f(Op{}, impl<&call_fixture::raw>{}, "raw_pointer");
    f(Op{}, impl<&call_fixture::std_function>{}, "std_function");
    f(Op{}, impl<&call_fixture::cdll>{}, "cdll");
    f(Op{}, impl<&call_fixture::cdll_use_errno>{}, "cdll_use_errno");
#if CTYPES_BENCH_HAVE_LIBFFI
    f(Op{}, impl<&call_fixture::libffi>{}, "libffi");
    f(Op{}, impl<&call_fixture::dynamic>{}, "dynamic");
    f(Op{}, impl<&call_fixture::dynamic_libffi>{}, "dynamic_libffi");
    f(Op{}, impl<&call_fixture::dynamic_call>{}, "dynamic_call");
    f(Op{}, impl<&call_fixture::dynamic_call_libffi>{}, "dynamic_call_libffi");
#endif
#if CTYPES_BENCH_HAVE_BOOST_DLL
    f(Op{}, impl<&call_fixture::boost_dll>{}, "boost_dll");
#endif
}

// The runtime-typed cases: fewer ways of calling (no direct call, std::function or Boost.DLL).
template <class Op, class F>
void for_each_runtime_impl(F &f) {
    f(Op{}, impl<&call_fixture::rt_raw>{}, "raw_pointer");
    f(Op{}, impl<&call_fixture::rt_cdll>{}, "cdll");
#if CTYPES_BENCH_HAVE_LIBFFI
    f(Op{}, impl<&call_fixture::rt_libffi>{}, "libffi");
    f(Op{}, impl<&call_fixture::rt_dynamic>{}, "dynamic");
    f(Op{}, impl<&call_fixture::rt_dynamic_libffi>{}, "dynamic_libffi");
    f(Op{}, impl<&call_fixture::rt_dynamic_call>{}, "dynamic_call");
    f(Op{}, impl<&call_fixture::rt_dynamic_call_libffi>{}, "dynamic_call_libffi");
#endif
}

template <class F>
void for_each_call_case(F f) {
    for_each_impl<op_add>(f);
    for_each_impl<op_sum8>(f);
    for_each_impl<op_scale>(f);
    for_each_impl<op_noop>(f);
    for_each_runtime_impl<op_mix8>(f);
    for_each_runtime_impl<op_point>(f);
    for_each_runtime_impl<op_sum_var>(f);
}

} // namespace bench

#endif
