// A callback returning a reference: there is no value to give C after an exception.
// expect: callback<Sig> cannot return a reference, which C does not have; return a pointer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<int &(int)> cb;
}
