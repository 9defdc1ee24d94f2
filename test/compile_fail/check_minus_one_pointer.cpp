// minus_one_errno_check on a function returning a pointer.
// expect: ctypes: minus_one_errno_check needs a signed integer result
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<void *(int), ctypes::checked_with<ctypes::minus_one_errno_check>>("f");
    f(1);
}
