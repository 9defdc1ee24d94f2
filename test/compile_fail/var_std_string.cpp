// var<T>() with a class C cannot share.
// expect: ctypes: var<T>.. needs a type C can share
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    lib.var<std::string>("f");
}
