// A class with virtual functions by value, third parameter.
// expect: ctypes: parameter 3 is a class with virtual functions
#include <ctypes/ctypes.hpp>
struct shape {
    virtual ~shape() = default;
    int x;
};
struct copyable_shape {
    virtual int area() const { return 0; }
};
int main() {
    ctypes::CDLL lib;
    lib.get<int(int, int, copyable_shape)>("f");
}
