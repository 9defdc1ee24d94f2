// A std::string parameter by value.
// expect: ctypes: parameter 1 is a class that is not trivially copyable .like std::string.
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    lib.get<int(std::string)>("f");
}
