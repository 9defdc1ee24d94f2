// out<T> as the result type: it marks parameters only.
// expect: ctypes: the return type is ctypes::out<T>, which marks output parameters only
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<ctypes::out<int>(int)>("f");
}
