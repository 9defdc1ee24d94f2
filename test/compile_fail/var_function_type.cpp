// var<T>() with a function type.
// expect: ctypes: var<T>.. is for exported data objects
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.var<int(int)>("f");
}
