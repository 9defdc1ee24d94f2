// value::of() makes values of C scalars only.
// needs: libffi
// expect: ctypes: value::of\(x\) takes a number or a pointer
#include <ctypes/dynamic.hpp>

#include <string>

ctypes::value f() {
    return ctypes::value::of(std::string("x"));
}
