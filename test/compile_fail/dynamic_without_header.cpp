// get_dynamic() without <ctypes/dynamic.hpp>: the library header alone has no libffi.
// expect: ctypes: get_dynamic\(name, declaration\) needs #include <ctypes/dynamic.hpp>
#include <ctypes/ctypes.hpp>

void f(const ctypes::CDLL &libm) {
    auto cos = libm.get_dynamic("cos", "double(double)");
    (void)cos;
}
