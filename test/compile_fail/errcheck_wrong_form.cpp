// An errcheck callable that takes none of the accepted forms.
// expect: ctypes: an errcheck callable must be invocable as f\(result\)
#include <ctypes/ctypes.hpp>
#include <string>
struct wrong {
    void operator()(const std::string &) const {}
};
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(int), ctypes::checked_with<ctypes::errcheck<wrong>>>("f");
    f(1);
}
