// on_exception(value) on a user-data callback that returns nothing.
// expect: on_exception.value. needs a callback that returns a value
#include <ctypes/ctypes.hpp>
int main() {
    auto cb = ctypes::with_user_data<void(void *)>([] {}, ctypes::on_exception(1));
}
