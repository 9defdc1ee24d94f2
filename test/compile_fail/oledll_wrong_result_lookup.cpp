// An OleDLL function that does not return HRESULT is refused at the lookup, before any call.
// expect: ctypes: an HRESULT-checked function must return HRESULT, a 32-bit signed integer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::OleDLL lib;
    auto f = lib.get<double(int)>("f");
    (void)f;
}
