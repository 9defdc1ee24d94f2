// get_owning<Sig>() with an out-parameter: the call would return a tuple, not one pointer to own.
// expect: ctypes: get_owning<Sig>\(\) takes no ctypes::out<T> parameters
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get_owning<char *(const char *, ctypes::out<int>)>("f", "free");
}
