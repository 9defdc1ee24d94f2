// null_errno_check on a function returning an int.
// expect: ctypes: null_errno_check needs a pointer result
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(int), ctypes::checked_with<ctypes::null_errno_check>>("f");
    f(1);
}
