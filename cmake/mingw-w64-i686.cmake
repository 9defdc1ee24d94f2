# Cross build for 32-bit Windows with mingw-w64 (Debian: g++-mingw-w64-i686-posix), where stdcall
# differs from cdecl. Built, not run: there is no wine32 here (see mingw-w64-common.cmake).
#
#   cmake --preset ci-mingw32 && cmake --build --preset ci-mingw32
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)
set(CTYPES_MINGW_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
