// An out-parameter of a reference type.
// expect: ctypes: parameter 1 is ctypes::out<T> with a T that C cannot write through a pointer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<void(ctypes::out<int &>)>("f");
}
