# Cross build for 32-bit Windows with mingw-w64 (Debian: g++-mingw-w64-i686-posix), where stdcall
# differs from cdecl, run under Wine (Debian: wine32:i386; see mingw-w64-common.cmake):
#
#   cmake --workflow --preset ci-mingw32
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)
set(CTYPES_MINGW_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
