"""Conan 2 recipe for ctypes-cpp: header-only. The package is the project's own install tree
(headers and ctypes-cpp.pc), with Conan generating the CMake config for `find_package(ctypes)`
and the target `ctypes::ctypes`.

    conan create packaging/conan --build=missing

The recipe sits in packaging/conan/, so the sources are exported from the repository root.
"""
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, rmdir


class CtypesCppConan(ConanFile):
    name = "ctypes-cpp"
    version = "0.1.0"
    description = ("Python's ctypes for C++: a header-only, typed foreign-function facade "
                   "over dlopen and LoadLibrary")
    license = "MIT"
    url = "https://github.com/ctypes-cpp/ctypes-cpp"
    homepage = "https://github.com/ctypes-cpp/ctypes-cpp"
    topics = ("ffi", "ctypes", "dlopen", "shared-library", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..", "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
            copy(self, pattern, root, self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def package_id(self):
        self.info.clear()

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["CTYPES_BUILD_TESTS"] = False
        tc.cache_variables["CTYPES_BUILD_EXAMPLES"] = False
        tc.cache_variables["CTYPES_BUILD_BENCH"] = False
        tc.cache_variables["CTYPES_INSTALL"] = True
        tc.generate()

    def build(self):
        pass  # headers only: nothing to build

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.configure()
        cmake.install()
        # Conan's CMakeDeps writes the CMake config itself, from package_info().
        rmdir(self, os.path.join(self.package_folder, "share", "cmake"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "ctypes")
        self.cpp_info.set_property("cmake_target_name", "ctypes::ctypes")
        self.cpp_info.set_property("pkg_config_name", "ctypes-cpp")
        if self.settings.os in ("Linux", "FreeBSD"):
            self.cpp_info.system_libs = ["dl"]
