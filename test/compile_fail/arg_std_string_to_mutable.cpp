// A std::string passed where the C function takes a char* it may write to: C must not write
// into a std::string's storage behind its back; use a string buffer.
// expect: could not convert|no matching function|no viable conversion|cannot convert
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<void(char *)>("f");
    f(std::string("x"));
}
