// An out-parameter of a const type: C cannot write through a pointer to const.
// expect: ctypes: parameter 2 is ctypes::out<T> with a T that C cannot write through a pointer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<double(double, ctypes::out<const int>)>("frexp");
}
