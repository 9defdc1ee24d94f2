// A load flag given to a callback, which takes call flags only.
// expect: ctypes: call_flags takes use_errno, use_last_error and rethrow_callbacks only; rtld_\*
// flags and try_decorated are load flags: pass them to the library's constructor
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<void()> cb([] {}, ctypes::rtld_now);
}
