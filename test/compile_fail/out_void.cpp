// out<void>: there is no object to return; a void* parameter is an input.
// expect: ctypes: parameter 3 is ctypes::out<T> with a T that C cannot write through a pointer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<int(int, int, ctypes::out<void>)>("f");
}
