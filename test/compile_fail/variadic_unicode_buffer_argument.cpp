// A unicode buffer passed through the ... of a variadic function: the same message, .data().
// expect: ctypes: an argument after the ... of a variadic function is a class \(a string buffer\);
// C's default promotions take only scalars: pass .data\(\)
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(const wchar_t *, ...)>("wprintf");
    auto buf = ctypes::create_unicode_buffer(L"x");
    f(L"%ls", buf);
}
