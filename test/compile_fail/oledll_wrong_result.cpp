// An OleDLL function that does not return HRESULT.
// expect: ctypes: an HRESULT-checked function must return HRESULT
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::OleDLL lib;
    auto f = lib.get<double(int)>("f");
    f(1);
}
