// A class passed through the ... of a variadic function.
// expect: ctypes: an argument after the ... of a variadic function is a class; C.s default
// promotions take only scalars: pass .c_str\(\)
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(const char *, ...)>("printf");
    f("%s", std::string("x"));
}
