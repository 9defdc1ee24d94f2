// A callback parameter that cannot cross a C boundary: the same check as get<Sig>().
// expect: parameter 1 is a class that is not trivially copyable
#include <ctypes/ctypes.hpp>
#include <string>
int main() {
    ctypes::callback<void(std::string)> cb([](std::string) {});
}
