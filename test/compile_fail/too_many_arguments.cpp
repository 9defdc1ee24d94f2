// Calling a non-variadic function with an extra argument.
// expect: no match for call|no matching function for call
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(int)>("abs");
    f(1, 2);
}
