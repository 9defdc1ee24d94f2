// A load flag given to a function made from an address, which takes call flags only.
// expect: ctypes: call_flags takes use_errno, use_last_error and rethrow_callbacks only; rtld_\*
// flags and try_decorated are load flags: pass them to the library's constructor
#include <ctypes/ctypes.hpp>
int c_abs(int v) {
    return v < 0 ? -v : v;
}
int main() {
    ctypes::function<int(int)> f{&c_abs, ctypes::rtld_lazy | ctypes::use_errno};
}
