// get_owning<Sig>() with a result that is not a pointer: there is nothing to free.
// expect: ctypes: get_owning<Sig>\(\) needs a function that returns an object pointer
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get_owning<int(const char *)>("atoi", "free");
}
