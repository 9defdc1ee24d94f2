// An errcheck callable that returns a value instead of throwing.
// expect: ctypes: an errcheck callable reports failure by throwing and must return void
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = ctypes::checked(lib.get<int(int)>("f"), [](int r) { return r >= 0; });
    f(1);
}
