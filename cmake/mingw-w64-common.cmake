# The mingw-w64 cross build shared by cmake/mingw-w64-x86_64.cmake and cmake/mingw-w64-i686.cmake,
# which set CMAKE_SYSTEM_PROCESSOR and CTYPES_MINGW_TRIPLE and include this file.
#
# Executables link libstdc++, libgcc and winpthread statically (-static), so Wine needs no DLL
# of the toolchain's; DLLs link libgcc and libstdc++ statically for the same reason. Tests run
# through CMAKE_CROSSCOMPILING_EMULATOR: `env WINEPREFIX=... WINEDEBUG=-all ... wine64`, with a
# Wine prefix of the build's own (CTYPES_WINEPREFIX, default <build>/wineprefix) that the test
# suite's configure step creates once. 64-bit builds run under Debian's wine64, 32-bit builds
# under wine32:i386; a build whose Wine is not installed has no emulator and is built, not run.

# The -posix variants give std::thread and std::mutex (through winpthread).
find_program(CMAKE_C_COMPILER NAMES ${CTYPES_MINGW_TRIPLE}-gcc-posix ${CTYPES_MINGW_TRIPLE}-gcc
             REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${CTYPES_MINGW_TRIPLE}-g++-posix ${CTYPES_MINGW_TRIPLE}-g++
             REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${CTYPES_MINGW_TRIPLE}-windres)

# Headers and libraries come from the mingw-w64 sysroot only: never the build machine's.
set(CMAKE_FIND_ROOT_PATH /usr/${CTYPES_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Wine: Debian installs the 64-bit loader as /usr/lib/wine/wine64 (package wine64) and the
# 32-bit one as /usr/lib/wine/wine (package wine32:i386), both outside PATH. /usr/bin/wine is
# not used for 32-bit builds: without wine32 it falls back to wine64, which cannot run them.
if(CMAKE_SYSTEM_PROCESSOR STREQUAL "x86_64")
  find_program(CTYPES_WINE NAMES wine64 wine PATHS /usr/lib/wine /usr/lib64/wine
               NO_CMAKE_FIND_ROOT_PATH)
  set(ctypes_wine_arch "")
else()
  find_program(CTYPES_WINE NAMES wine PATHS /usr/lib/wine /usr/lib32/wine NO_DEFAULT_PATH
               NO_CMAKE_FIND_ROOT_PATH)
  set(ctypes_wine_arch WINEARCH=win32)
endif()
if(CTYPES_WINE)
  if(NOT CTYPES_WINEPREFIX)
    set(CTYPES_WINEPREFIX "${CMAKE_BINARY_DIR}/wineprefix")
  endif()
  set(CTYPES_WINEPREFIX "${CTYPES_WINEPREFIX}" CACHE PATH "Wine prefix the tests run in")
  # WINEARCH=win32: a 32-bit build gets a prefix without 64-bit parts; WINEDLLOVERRIDES: no Mono
  # or Gecko installer prompt; WINEDEBUG: no log noise.
  set(CMAKE_CROSSCOMPILING_EMULATOR
      env "WINEPREFIX=${CTYPES_WINEPREFIX}" ${ctypes_wine_arch} WINEDEBUG=-all
      "WINEDLLOVERRIDES=mscoree,mshtml=" "${CTYPES_WINE}")
endif()
