// with_user_data<Sig> for a signature without a void* to carry the user data.
// expect: with_user_data<Sig> needs exactly one void. parameter in Sig
#include <ctypes/ctypes.hpp>
int main() {
    auto cb = ctypes::with_user_data<int(int, int)>([](int a) { return a; });
}
