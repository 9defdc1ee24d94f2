// A std::string_view passed where the C function takes a const char*.
// expect: ctypes: a std::string_view cannot be passed where the C function takes a C string
#include <ctypes/ctypes.hpp>
#include <string_view>
int main() {
    ctypes::CDLL lib;
    auto puts = lib.get<int(const char *)>("puts");
    std::string_view text = "not terminated";
    puts(text);
}
