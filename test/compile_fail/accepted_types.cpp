// Every kind of type that may cross a C boundary must compile: guards the checks against
// rejecting too much. No `expect:` line, so this file must compile.
#include <cstdint>
#include <cstddef>
#include <ctypes/ctypes.hpp>
#include <string>

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
#pragma pack(push, 1)
struct packed {
    char c;
    int i;
};
#pragma pack(pop)
struct bits {
    unsigned a : 3, b : 29;
};
struct fdf {
    float f;
    double d;
    float g;
};
struct base {
    int x;
};
struct derived : base {};

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
    // Aggregates by value, out-parameters, and the argument conversions of the call operator.
    (void)lib.get<packed(packed, bits, fdf, long double)>("p");
    (void)lib.get<int(const char *, ctypes::out<long>, ctypes::out<point>, ctypes::out<char *>)>(
        "q");
    (void)lib.get_owning<char *(const char *, ...)>("r", "s");
    auto f =
        lib.get<long(long, const char *, const wchar_t *, char *, wchar_t *, base *, point)>("t");
    auto buf = ctypes::create_string_buffer(4);
    auto wbuf = ctypes::create_unicode_buffer(4);
    derived d{};
    if (f)
        (void)f(1, std::string("s"), std::wstring(L"w"), buf, wbuf, &d, {1, 2});
    if (f)
        (void)f(short(1), buf, L"w", nullptr, nullptr, nullptr, point{});
    auto g = lib.get<int(int, ctypes::out<int>, ...)>("u");
    if (g)
        (void)g(1, 2.5f, 'c');
}
