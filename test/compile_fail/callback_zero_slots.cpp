// A pool of no thunks.
// expect: CTYPES_CALLBACK_SLOTS must be at least 1
#define CTYPES_CALLBACK_SLOTS 0
#include <ctypes/ctypes.hpp>
int main() {
    int k = 1;
    ctypes::callback<int(int)> cb([k](int x) { return x + k; });
}
