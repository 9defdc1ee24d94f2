// A string buffer passed through the ... of a variadic function: a class, so refused; pass
// buf.data().
// expect: ctypes: an argument after the ... of a variadic function is a class
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(const char *, ...)>("printf");
    auto buf = ctypes::create_string_buffer("x");
    f("%s", buf);
}
