// A convention whose decoration rule does not take (name, argument bytes).
// expect: Convention::decorate must be a static member function taking
#include <ctypes/ctypes.hpp>

#include <string>

struct fastcall_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    static std::string decorate(const std::string &name) { return "@" + name; }
};
int main() {
    ctypes::CDLL lib{"x"};
    auto f = lib.get<int(int), ctypes::policy<fastcall_convention>>("f");
    (void)f;
}
