// A pointer to member.
// expect: ctypes: parameter 1 is a pointer to member
#include <ctypes/ctypes.hpp>
struct s {
    int x;
};
int main() {
    ctypes::CDLL lib;
    lib.get<void(int s::*)>("f");
}
