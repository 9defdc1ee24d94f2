// <windows.h> after <ctypes/ctypes.hpp>: windows.h's declarations of the functions win32.hpp
// already declared must agree with ours, including under UNICODE.
#include <ctypes/ctypes.hpp>

#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>

#include <catch2/catch.hpp>

#include <type_traits>

TEST_CASE("<windows.h> compiles after ctypes.hpp, with UNICODE", "[windows][macros]") {
    STATIC_REQUIRE(std::is_same_v<ctypes::CDLL::native_handle_type, HMODULE>);
    // The functions ctypes-cpp declares are windows.h's own: their addresses are one.
    CHECK(&::LoadLibraryExW == &LoadLibraryEx);
    CHECK(&::GetModuleHandleExW == &GetModuleHandleEx);
    ctypes::WinDLL user_kernel{L"kernel32.dll"};
    auto get_current_process_id = user_kernel.get<DWORD()>("GetCurrentProcessId");
    CHECK(get_current_process_id() == GetCurrentProcessId());
}
