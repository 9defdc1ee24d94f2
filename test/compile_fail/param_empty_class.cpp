// An empty class.
// expect: ctypes: parameter 1 is an empty class
#include <ctypes/ctypes.hpp>
struct nothing {};
int main() {
    ctypes::CDLL lib;
    lib.get<void(nothing)>("f");
}
