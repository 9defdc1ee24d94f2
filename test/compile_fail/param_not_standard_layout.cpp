// A class mixing public and private members.
// expect: ctypes: parameter 2 is a class without standard layout
#include <ctypes/ctypes.hpp>
struct mixed {
    int a;

private:
    int b;

public:
    int get() const { return b; }
};
int main() {
    ctypes::CDLL lib;
    lib.get<void(int, mixed)>("f");
}
