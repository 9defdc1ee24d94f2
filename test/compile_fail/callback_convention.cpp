// A callback with a convention the thunks cannot be made for.
// expect: callbacks can be made for cdecl_convention .CFUNCTYPE. and stdcall_convention
#include <ctypes/ctypes.hpp>
struct fastcall_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
};
int main() {
    ctypes::callback<int(int), fastcall_convention> cb;
}
