// status_check given something that is not a category getter.
// expect: ctypes: status_check<Category> needs a function taking no arguments and returning const
// std::error_category&
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(int), ctypes::checked_with<ctypes::status_check<42>>>("f");
    f(1);
}
