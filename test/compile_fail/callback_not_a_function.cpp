// callback<Sig> with something that is not a function type at all.
// expect: callback<Sig> needs a function type such as int.const void., const void..
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<int> cb;
}
