// get<Sig>(ordinal) outside Windows: ELF and Mach-O export names only.
// expect: ordinal exist on Windows only, where DLLs export by number
// platforms: posix
#include <ctypes/ctypes.hpp>
int main() {
    ctypes::CDLL lib;
    lib.get<int()>(7);
}
