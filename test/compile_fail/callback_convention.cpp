// A callback with a user convention that supplies no thunk for C to call.
// expect: ctypes: callback<Sig, Convention> needs a Convention that supplies its thunk: a static
#include <ctypes/ctypes.hpp>
struct fastcall_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
};
int main() {
    ctypes::callback<int(int), fastcall_convention> cb;
}
