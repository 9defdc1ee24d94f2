// get<Sig>() with a pointer type instead of a function type.
// expect: need a function type such as int.int, int.., not a pointer to one
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<int (*)(int)>("f");
}
