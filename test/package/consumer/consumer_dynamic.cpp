// A program that uses ctypes::dynamic the way a user's project does: find_package(ctypes), then
// target_link_libraries(... ctypes::dynamic), which brings libffi. It calls real system
// libraries through runtime declarations and checks what comes back; the exit code is the test
// result.
#include <ctypes/dynamic.hpp>

#include <cstdio>
#include <cstring>

#include "consumer_libraries.h"

int main() {
    ctypes::CDLL libm{CONSUMER_LIBM};
    auto cos = libm.get_dynamic("cos", "double cos(double)");
    const double one = cos(0.0).as<double>();
    if (one != 1.0) {
        std::fprintf(stderr, "consumer_dynamic: cos(0) gave %g, not 1\n", one);
        return 1;
    }
#ifdef CONSUMER_LIBZ
    ctypes::CDLL libz{CONSUMER_LIBZ};
    const ctypes::cdef zlib{"typedef unsigned long uLong; typedef unsigned int uInt;"
                            "uLong crc32(uLong crc, const unsigned char *buf, uInt len);"};
    const char text[] = "hello";
    const unsigned long crc =
        libz.get_dynamic("crc32", zlib)(0UL, text, static_cast<unsigned>(std::strlen(text)))
            .as<unsigned long>();
    if (crc != 0x3610a686UL) {
        std::fprintf(stderr, "consumer_dynamic: crc32(\"hello\") gave %#lx\n", crc);
        return 1;
    }
    std::printf("consumer_dynamic: crc32(\"hello\") = %#lx\n", crc);
#endif
    try {
        (void)libm.get_dynamic("cos", "double cos(double");
        std::fprintf(stderr, "consumer_dynamic: a bad declaration did not fail\n");
        return 1;
    } catch (const ctypes::declaration_error &e) {
        std::printf("consumer_dynamic: %s\n", e.what());
    }
    std::printf("consumer_dynamic: cos(0) = %g\n", one);
    return 0;
}
