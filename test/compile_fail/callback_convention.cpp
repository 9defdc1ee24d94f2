// A callback with a user convention that supplies no thunk for C to call.
// expect: ctypes: callback<Sig, Convention> needs a Convention that supplies its thunk: a static member function template .template <class Target, class R, class... A> static R thunk.A... a. noexcept . return Target::invoke.a....; .. declared with the convention's attribute, so that its address is a Convention::pointer<R, A...> .see ctypes::policy.
#include <ctypes/ctypes.hpp>
struct fastcall_convention {
    template <class R, class... A>
    using pointer = R (*)(A...);
};
int main() {
    ctypes::callback<int(int), fastcall_convention> cb;
}
