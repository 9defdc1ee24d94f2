// A trivially copyable struct whose copy constructor is deleted, passed by value.
// expect: ctypes: parameter 1 is a class whose copy constructor is deleted
#include <ctypes/ctypes.hpp>
struct move_only {
    move_only(const move_only &) = delete;
    move_only(move_only &&) = default;
    int x;
};
int main() {
    ctypes::CDLL lib;
    lib.get<int(move_only)>("f");
}
