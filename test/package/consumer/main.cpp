// A program that uses ctypes-cpp the way a user's project does: through the package, the
// subproject or pkg-config. It calls real system libraries and checks what comes back; the exit
// code is the test result.
#include <ctypes/ctypes.hpp>

#include <cstdio>
#include <cstring>

#include "consumer_libraries.h"

int main() {
    ctypes::CDLL libm{CONSUMER_LIBM};
    auto cos = libm.get<double(double)>("cos");
    const double one = cos(0.0);
    if (one != 1.0) {
        std::fprintf(stderr, "consumer: cos(0) gave %g, not 1\n", one);
        return 1;
    }
    std::printf("consumer: %s cos(0) = %g\n", CONSUMER_LIBM, one);
#ifdef CONSUMER_LIBZ
    ctypes::CDLL libz{CONSUMER_LIBZ};
    auto zlib_version = libz.get<const char *()>("zlibVersion");
    const char *version = zlib_version();
    if (!version || std::strchr(version, '.') == nullptr) {
        std::fprintf(stderr, "consumer: zlibVersion() gave '%s'\n", version ? version : "(null)");
        return 1;
    }
    std::printf("consumer: %s zlibVersion() = %s\n", CONSUMER_LIBZ, version);
#endif
    std::error_code ec;
    ctypes::CDLL missing{"libctypes-no-such-library.so", ec};
    if (!ec) {
        std::fprintf(stderr, "consumer: loading a missing library did not fail\n");
        return 1;
    }
    std::printf("consumer: ctypes-cpp %d.%d.%d works\n", CTYPES_VERSION_MAJOR, CTYPES_VERSION_MINOR,
                CTYPES_VERSION_PATCH);
    return 0;
}
