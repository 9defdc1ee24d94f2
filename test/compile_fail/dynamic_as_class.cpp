// value::as<T>() cannot make a class that is not trivially copyable.
// needs: libffi
// expect: ctypes: value::as<T>\(\) needs a number, a pointer, std::string or a trivially copyable
#include <ctypes/dynamic.hpp>

#include <vector>

std::vector<int> f(const ctypes::value &v) {
    return v.as<std::vector<int>>();
}
