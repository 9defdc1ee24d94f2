// Callbacks of every accepted shape must compile. No `expect:` line, so this file must compile.
#include <ctypes/ctypes.hpp>
#include <functional>
struct point {
    double x, y;
};
// A user convention with its own thunk (the platform's default convention, so it compiles
// everywhere).
struct user_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    template <class Target, class R, class... A>
    static R thunk(A... a) noexcept {
        return Target::invoke(a...);
    }
};
int plain(int x) noexcept {
    return x;
}
int main() {
    int k = 2;
    ctypes::callback<int(int)> a(plain);
    ctypes::callback<int(int) noexcept> b([k](int x) { return x * k; });
    ctypes::CFUNCTYPE<point(point, const point *)> c([](point p, const point *) { return p; });
    ctypes::WINFUNCTYPE<void(int (*)(int), void *)> d([](int (*)(int), void *) {});
    ctypes::callback<long(int)> e(std::function<long(int)>([](int x) { return long(x); }),
                                  ctypes::on_exception(-1), ctypes::use_errno);
    ctypes::callback<void()> f = [] {};
    auto g = ctypes::with_user_data<int(void *, void *, int), ctypes::cdecl_convention, 1>(
        [](void *, int x) { return x; });
    auto h = ctypes::with_user_data<int(int, const void *), ctypes::stdcall_convention, 1>(
        [](int x) { return x; }, ctypes::on_exception(0));
    ctypes::callback<int(int), user_convention> i([k](int x) { return x + k; });
    ctypes::callback<void(double), user_convention> j([](double) {});
    auto l = ctypes::with_user_data<int(void *, int), user_convention>([](int x) { return x; });
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    (void)e;
    (void)f;
    (void)g.get();
    (void)h.user_data();
    (void)i;
    (void)j;
    (void)l.get();
}
