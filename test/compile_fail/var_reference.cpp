// var<T>() with a reference type.
// expect: ctypes: var<T>.. needs the object.s type, not a reference
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.var<int &>("f");
}
