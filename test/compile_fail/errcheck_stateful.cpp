// errcheck<F> with a callable it cannot default-construct.
// expect: ctypes: errcheck<F> needs a stateless callable type
#include <ctypes/ctypes.hpp>
struct needs_state {
    explicit needs_state(int) {}
    void operator()(int) const {}
};
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(int), ctypes::checked_with<ctypes::errcheck<needs_state>>>("f");
    f(1);
}
