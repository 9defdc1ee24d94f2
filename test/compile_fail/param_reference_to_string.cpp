// A reference to a non-trivial type.
// expect: ctypes: parameter 1 is a reference to a type that cannot cross a C boundary
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    lib.get<void(const std::string &)>("f");
}
