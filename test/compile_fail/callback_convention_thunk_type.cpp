// A user convention whose thunk is not a function of the convention's pointer type.
// expect: supplies its thunk: .* so that its address is a Convention::pointer<R, A...> .see ctypes
#include <ctypes/ctypes.hpp>
struct by_reference_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    template <class Target, class R, class... A>
    static R thunk(const A &...a) noexcept {
        return Target::invoke(a...);
    }
};
int main() {
    int k = 1;
    ctypes::callback<int(int), by_reference_convention> cb([k](int x) { return x + k; });
}
