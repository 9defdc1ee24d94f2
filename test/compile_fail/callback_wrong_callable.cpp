// A callable whose parameters do not match the signature.
// expect: the callable given to callback<Sig> must accept Sig.s parameters
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<int(const void *, const void *)> cb([](int a, int b) { return a - b; });
}
