// status_check on a function returning a double.
// expect: ctypes: status_check needs an integer or enum result
#include <ctypes/ctypes.hpp>
#include <system_error>
const std::error_category &my_category() {
    return std::generic_category();
}
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<double(int), ctypes::checked_with<ctypes::status_check<&my_category>>>("f");
    f(1);
}
