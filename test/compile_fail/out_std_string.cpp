// out<std::string>: C writes a char*, not a std::string.
// expect: ctypes: parameter 2 is a class that is not trivially copyable
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::CDLL lib;
    lib.get<int(int, ctypes::out<std::string>)>("f");
}
