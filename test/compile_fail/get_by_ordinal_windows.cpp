// Lookups by ordinal compile on Windows, for every integer type, with and without error_code.
// No `expect:` line, so this file must compile.
// platforms: windows
#include <cstdint>
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    std::error_code ec;
    (void)lib.get<int()>(7);
    (void)lib.get<int()>(std::uint16_t{7}, ec);
    (void)lib.get<int()>(7u, ctypes::use_last_error);
    (void)lib.try_get<int()>(7L);
    (void)lib.has(std::int64_t{7});
    (void)lib.var<int>(11);
    (void)lib.get<int()>("seven"); // names still resolve to the name overloads
    (void)lib.get<int()>(std::string("seven"));
}
