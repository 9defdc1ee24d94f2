// Conan test package: the installed headers compile, link and call a real library.
#include <ctypes/ctypes.hpp>

#include <cstdio>

int main() {
#if defined(_WIN32)
    ctypes::CDLL libm{"ucrtbase.dll"};
#elif defined(__APPLE__)
    ctypes::CDLL libm{"libSystem.B.dylib"};
#else
    ctypes::CDLL libm{"libm.so.6"};
#endif
    auto cos = libm.get<double(double)>("cos");
    std::printf("ctypes-cpp %d.%d.%d: cos(0) = %g\n", CTYPES_VERSION_MAJOR, CTYPES_VERSION_MINOR,
                CTYPES_VERSION_PATCH, cos(0.0));
    return cos(0.0) == 1.0 ? 0 : 1;
}
