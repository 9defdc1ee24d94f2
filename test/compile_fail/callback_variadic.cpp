// A variadic callback: C++ cannot define a C function with ...
// expect: callback<Sig> cannot be variadic
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<int(const char *, ...)> cb;
}
