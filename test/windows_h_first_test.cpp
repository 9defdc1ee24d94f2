// <windows.h> before and after <ctypes/ctypes.hpp> in one translation unit: our Win32
// declarations must be exactly windows.h's (a C function declared twice with different types
// does not compile), and windows.h's macros must not break our headers.
#include <windows.h>

#include <ctypes/ctypes.hpp>

#include <windows.h>

#include <catch2/catch.hpp>

#include <type_traits>

TEST_CASE("ctypes.hpp compiles between two includes of <windows.h>", "[windows][macros]") {
    STATIC_REQUIRE(std::is_same_v<ctypes::CDLL::native_handle_type, HMODULE>);
    ctypes::CDLL kernel32{"kernel32.dll"};
    CHECK(kernel32.native_handle() == GetModuleHandleW(L"kernel32.dll"));
    // windows.h's macros are the user's to have here, and ours still work beside them.
    CHECK(MAKELONG(1, 2) == 0x00020001);
    auto get_tick_count = kernel32.get<DWORD()>("GetTickCount");
    const DWORD ours = get_tick_count();
    const DWORD theirs = GetTickCount();
    CHECK(theirs - ours < 1000u);
    get_tick_count = {};
    CHECK_FALSE(kernel32.unload()); // kernel32 never leaves a process
}
