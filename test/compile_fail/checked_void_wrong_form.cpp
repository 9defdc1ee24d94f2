// checked() on a void function with a check that wants a result.
// expect: ctypes: an errcheck callable for a void function must be invocable as f\(const
// ctypes::call_context&\)
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = ctypes::checked(lib.get<void(int)>("f"), [](int r) { (void)r; });
    f(1);
}
