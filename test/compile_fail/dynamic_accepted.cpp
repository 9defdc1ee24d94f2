// Everything a dynamic_function takes and a value gives must compile. No `expect:` line.
// needs: libffi
#include <ctypes/dynamic.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct point {
    long x, y;
};
enum class colour : unsigned char { red };

int callback(int x) {
    return x;
}

void f(const ctypes::CDLL &lib, const ctypes::cdef &decls) {
    auto g = lib.get_dynamic("g", decls);
    auto h = lib.get_dynamic("h", "int h(int, ...)");
    auto k = lib.get_dynamic("k", std::string("double(double)"));
    char buffer[8] = {};
    int n = 0;
    const ctypes::value v =
        g(1, 2u, 3L, 4ULL, 5.0f, 6.0, 7.0L, true, 'c', colour::red, &n, buffer, "text",
          std::string("s"), nullptr, &callback, point{1, 2}, h(1, 2.0f, 'x', "y", nullptr));
    (void)v.as<int>();
    (void)v.as<double>();
    (void)v.as<void *>();
    (void)v.as<const char *>();
    (void)v.as<std::string>();
    (void)v.as<point>();
    (void)v.as<colour>();
    (void)v.as<int (*)(int)>();
    (void)k.call({ctypes::value::of(1.0), ctypes::value::of(&n), ctypes::value::of(nullptr)});
    ctypes::WinDLL win;
    (void)win.get_dynamic("w", decls, ctypes::use_errno);
}
