// A std::string_view parameter.
// expect: ctypes: parameter 2 is a std::string_view, which is not NUL-terminated
#include <ctypes/ctypes.hpp>
#include <string_view>
int main() {
    ctypes::CDLL lib;
    lib.get<int(int, std::string_view)>("f");
}
