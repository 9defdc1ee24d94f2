// on_exception(value) on a callback that returns nothing.
// expect: on_exception.value. needs a callback that returns a value
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::callback<void(int)> cb([](int) {}, ctypes::on_exception(1));
}
