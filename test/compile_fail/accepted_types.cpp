// Every kind of type that may cross a C boundary must compile: guards the checks against
// rejecting too much. No `expect:` line, so this file must compile.
#include <cstdint>
#include <cstddef>
#include <ctypes/ctypes.hpp>

struct point {
    int x, y;
};
union number {
    int i;
    float f;
};
enum class colour : std::uint8_t { red, green };
enum plain { one, two };
struct with_array {
    char name[16];
    double values[2];
};

int main() {
    ctypes::CDLL lib;
    (void)lib.get<void()>("a");
    (void)lib.get<bool(char, signed char, unsigned char, short, unsigned short)>("b");
    (void)lib.get<long long(long, unsigned long, unsigned long long, std::int64_t)>("c");
    (void)lib.get<long double(float, double, long double)>("d");
    (void)lib.get<point(point, point *, const point *, point &, const point &)>("e");
    (void)lib.get<number(number, colour, plain, with_array)>("f");
    (void)lib.get<void *(std::nullptr_t, void *, const char *, char **, int (*)(int))>("g");
    (void)lib.get<int(const char *, ...) noexcept>("h");
    (void)lib.get<int(int) noexcept>("i");
    (void)lib.get<void(int (&)(int), int[4])>("j");
    (void)lib.var<int>("k");
    (void)lib.var<const double[4]>("l");
    (void)lib.var<point>("m");
    (void)lib.var<char *>("n");
    (void)ctypes::WinDLL().get<int(int)>("o");
    static_assert(ctypes::is_ffi_safe_v<point> && !ctypes::is_ffi_safe_v<int point::*>);
}
