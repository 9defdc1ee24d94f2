// A std::string result.
// expect: ctypes: the return type is a class that is not trivially copyable
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    lib.get<std::string(int)>("f");
}
