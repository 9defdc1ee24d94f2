// A load flag where get() takes call flags: rtld_* flags belong to the library's constructor.
// expect: ctypes: call_flags takes use_errno, use_last_error and rethrow_callbacks only; rtld_\*
// flags and try_decorated are load flags: pass them to the library's constructor
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    (void)lib.get<int(int)>("abs", ctypes::rtld_global);
}
