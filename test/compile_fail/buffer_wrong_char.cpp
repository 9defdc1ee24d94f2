// A string buffer passed where the C function takes a wchar_t*.
// expect: could not convert|no matching function|no viable conversion|cannot convert
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<void(wchar_t *)>("f");
    auto buf = ctypes::create_string_buffer(8);
    f(buf);
}
