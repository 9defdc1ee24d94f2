# vcpkg port of ctypes-cpp: header-only; installs the project's own install tree (headers,
# share/ctypes/ctypesConfig.cmake for find_package(ctypes CONFIG), ctypes-cpp.pc).
#
# REF and SHA512 are placeholders until the first tagged release: set REF to the release tag
# and SHA512 to the archive's hash (vcpkg prints the right value when it rejects this one).
vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO ctypes-cpp/ctypes-cpp
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main
)

set(VCPKG_BUILD_TYPE release) # header-only: one configuration is all there is

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DCTYPES_BUILD_TESTS=OFF
        -DCTYPES_BUILD_EXAMPLES=OFF
        -DCTYPES_BUILD_BENCH=OFF
        -DCTYPES_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME ctypes CONFIG_PATH share/cmake/ctypes)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
