// A class that is not trivially copyable cannot be a dynamic_function argument.
// needs: libffi
// expect: ctypes: a dynamic_function argument must be a number, a pointer, nullptr, a std::string
#include <ctypes/dynamic.hpp>

#include <vector>

void f(const ctypes::dynamic_function &g) {
    g(std::vector<int>{1, 2});
}
