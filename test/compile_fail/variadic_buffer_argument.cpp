// A string buffer passed through the ... of a variadic function: a class, so refused; the
// message says to pass buf.data(), not .c_str(), which a buffer does not have.
// expect: ctypes: an argument after the ... of a variadic function is a class \(a string buffer\);
// C's default promotions take only scalars: pass .data\(\)
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<int(const char *, ...)>("printf");
    auto buf = ctypes::create_string_buffer("x");
    f("%s", buf);
}
