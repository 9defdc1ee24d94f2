// callback<Sig> with a pointer type instead of a function type.
// expect: callback<Sig> needs a function type such as .*, not a pointer to one
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<int (*)(int)> cb([](int x) { return x; });
}
