// <ctypes/ctypes.hpp> must leave the user's code free of <windows.h> and of its macros: this
// file includes nothing else first, and fails to compile if any of them is defined.
#include <ctypes/ctypes.hpp>

#if defined(_WINDOWS_) || defined(_WINDOWS_H) || defined(_WINDEF_) || defined(_WINBASE_)
#error "ctypes.hpp included <windows.h>"
#endif
#if defined(min) || defined(max)
#error "ctypes.hpp defines min or max"
#endif
#if defined(near) || defined(far) || defined(NEAR) || defined(FAR)
#error "ctypes.hpp defines near or far"
#endif
#if defined(cdecl) || defined(pascal) || defined(WINAPI) || defined(CALLBACK)
#error "ctypes.hpp defines a calling-convention macro"
#endif
#if defined(LoadLibrary) || defined(LoadLibraryEx) || defined(GetModuleHandle) ||                  \
    defined(GetModuleFileName) || defined(FormatMessage) || defined(GetProcAddress)
#error "ctypes.hpp defines a Win32 function macro"
#endif
#if defined(interface) || defined(small) || defined(IN) || defined(OUT) || defined(OPTIONAL)
#error "ctypes.hpp defines a <windows.h> keyword macro"
#endif
#if defined(TRUE) || defined(FALSE) || defined(ERROR) || defined(DELETE) || defined(CreateWindow)
#error "ctypes.hpp defines a <windows.h> constant or function macro"
#endif
#if defined(CTYPES_DETAIL_WINAPI) || defined(CTYPES_DETAIL_IMPORT)
#error "ctypes.hpp leaks its own helper macros"
#endif

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

TEST_CASE("ctypes.hpp defines none of <windows.h>'s macros", "[windows][macros]") {
    // The #error lines above are the test; these are the code those macros are known to break.
    CHECK(std::min(3, 4) == 3);
    CHECK(std::max(3, 4) == 4);
    CHECK(std::numeric_limits<int>::max() > 0);
    const int near = 1, far = 2, cdecl = 3, pascal = 4, small = 5, interface = 6;
    CHECK(near + far + cdecl + pascal + small + interface == 21);
}
