// get<Sig>() with an object type.
// expect: ctypes: get<Sig>.. and function<Sig> need a function type such as
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<int>("f");
}
