// A dynamic_callback with a convention libffi closures are not made for here.
// needs: libffi
// expect: a dynamic_callback's convention must be ctypes::cdecl_convention .CFUNCTYPE.
#include <ctypes/dynamic.hpp>

#include <vector>

struct fastcall_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
};
int main() {
    ctypes::dynamic_callback cb{"void(int)", [](const std::vector<ctypes::value> &) {},
                                fastcall_convention{}};
}
