// with_user_data<Sig> with a callable that also wants the void* user data.
// expect: with_user_data<Sig> must accept Sig.s parameters without the void. user data
#include <ctypes/ctypes.hpp>
int main() {
    auto cb = ctypes::with_user_data<int(void *, int)>([](void *, int a) { return a; });
}
