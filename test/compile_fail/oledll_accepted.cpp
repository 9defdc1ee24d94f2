// The OleDLL results that must compile (no expectation: this file must build): HRESULT as a
// 32-bit signed integer, and a void result, which is never checked.
#include <ctypes/ctypes.hpp>
#include <cstdint>
int main() {
    ctypes::OleDLL lib;
    auto a = lib.get<std::int32_t(int)>("a");
    auto b = lib.get<void()>("b");
    auto c = lib.get<int(const char *, ...)>("c");
    if (lib) {
        a(1);
        b();
        c("%d", 1);
    }
}
