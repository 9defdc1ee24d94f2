"""Checks the Conan 2 recipe without Conan: imports packaging/conan/conanfile.py and its
test_package against the stand-in in conan_stub/, checks the attributes Conan reads, calls each
method, and checks that what they ask for matches the project: the CMake options exist, the
exported sources exist, and the install tree they would package (the one the consumer tests
use) has what the recipe expects.

    python3 check_conan.py <source dir> <install prefix> <project version>
"""
import fnmatch
import glob
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "conan_stub"))
import conan  # noqa: E402  (the stand-in)

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def load(path, module_name):
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    classes = [c for c in vars(module).values()
               if isinstance(c, type) and issubclass(c, conan.ConanFile) and c is not conan.ConanFile]
    if len(classes) != 1:
        sys.exit("check_conan: %s defines %d ConanFile classes, not 1" % (path, len(classes)))
    return classes[0]


def calls_named(name):
    return [c for c in conan.calls if c[0] == name]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, prefix, version = sys.argv[1:]
    recipe_dir = os.path.join(source, "packaging", "conan")
    recipe = load(os.path.join(recipe_dir, "conanfile.py"), "ctypes_cpp_recipe")

    expect(recipe.name == "ctypes-cpp", "name is %r, not 'ctypes-cpp'" % recipe.name)
    expect(recipe.version == version, "version is %r, project is %r" % (recipe.version, version))
    expect(recipe.package_type == "header-library",
           "package_type is %r, not 'header-library'" % recipe.package_type)
    expect(getattr(recipe, "no_copy_source", False) is True, "no_copy_source is not True")
    expect(recipe.license == "MIT", "license is %r, LICENSE says MIT" % recipe.license)
    expect("os" in recipe.settings, "settings lack 'os', which package_info() reads")

    # package_info(), per platform
    for os_name, libs in (("Linux", ["dl"]), ("FreeBSD", ["dl"]), ("Windows", []),
                          ("Macos", [])):
        r = recipe(os_name)
        r.package_info()
        props = r.cpp_info.properties
        expect(props.get("cmake_file_name") == "ctypes",
               "cmake_file_name is %r, not 'ctypes'" % props.get("cmake_file_name"))
        expect(props.get("cmake_target_name") == "ctypes::ctypes",
               "cmake_target_name is %r, not 'ctypes::ctypes'" % props.get("cmake_target_name"))
        expect(props.get("pkg_config_name") == "ctypes-cpp",
               "pkg_config_name is %r, not 'ctypes-cpp'" % props.get("pkg_config_name"))
        expect(r.cpp_info.system_libs == libs,
               "on %s system_libs is %r, not %r" % (os_name, r.cpp_info.system_libs, libs))
        expect(r.cpp_info.libdirs == [] and r.cpp_info.bindirs == [],
               "a header-only package must clear libdirs and bindirs")

    r = recipe()
    r.package_id()
    expect(r.info.cleared, "package_id() does not clear the info: one package for all settings")

    # generate(): the options it sets must be the project's own
    with open(os.path.join(source, "CMakeLists.txt")) as f:
        options = set(re.findall(r"option\((\w+)", f.read()))
    r.generate()
    (_, (cache,), _), = calls_named("CMakeToolchain.generate")
    for name, value in (("CTYPES_BUILD_TESTS", False), ("CTYPES_BUILD_EXAMPLES", False),
                        ("CTYPES_BUILD_BENCH", False), ("CTYPES_INSTALL", True)):
        expect(cache.get(name) is value, "generate() sets %s to %r, not %r"
               % (name, cache.get(name), value))
        expect(name in options, "generate() sets %s, which CMakeLists.txt has no option for" % name)

    # export_sources(): every pattern must match, relative to the repository root
    r.recipe_folder = recipe_dir
    r.export_sources()
    for _, (pattern, src, _dst), _ in calls_named("copy"):
        matched = glob.glob(os.path.join(src, pattern))
        expect(matched, "export_sources() copies %r from %s, which matches nothing"
               % (pattern, os.path.normpath(src)))
    for needed in ("cmake/ctypesConfig.cmake.in", "cmake/ctypes-cpp.pc.in", "LICENSE",
                   "include/ctypes/ctypes.hpp"):
        expect(any(fnmatch.fnmatch(needed, c[1][0]) for c in calls_named("copy")),
               "export_sources() does not export %s, which the install needs" % needed)

    # package(): the project's install, then the CMake config dropped for Conan's own
    del conan.calls[:]
    r.package()
    names = [c[0] for c in conan.calls]
    expect("CMake.configure" in names and "CMake.install" in names,
           "package() does not configure and install with CMake")
    expect(any(c[1][0] == "LICENSE" for c in calls_named("copy")),
           "package() does not copy LICENSE")
    removed = [os.path.relpath(c[1][0], "<package>") for c in calls_named("rmdir")]
    for dropped in removed:
        expect(os.path.isdir(os.path.join(prefix, dropped)),
               "package() removes %s, which the install tree does not have" % dropped)
    for kept in ("include/ctypes/ctypes.hpp", "include/ctypes/version.hpp",
                 "share/pkgconfig/ctypes-cpp.pc", "share/cmake/ctypes/ctypesConfig.cmake"):
        expect(os.path.isfile(os.path.join(prefix, kept)),
               "the install tree lacks %s" % kept)

    # test_package
    test_dir = os.path.join(recipe_dir, "test_package")
    test = load(os.path.join(test_dir, "conanfile.py"), "ctypes_cpp_test_package")
    t = test()
    t.requirements()
    expect(t.requires_calls == [t.tested_reference_str],
           "test_package does not require the tested reference")
    expect("CMakeDeps" in test.generators, "test_package does not use CMakeDeps")
    del conan.calls[:]
    t.test()
    expect(calls_named("run"), "test_package's test() runs nothing")
    with open(os.path.join(test_dir, "CMakeLists.txt")) as f:
        text = f.read()
    expect("find_package(ctypes CONFIG REQUIRED)" in text and "ctypes::ctypes" in text,
           "test_package/CMakeLists.txt does not use find_package(ctypes) and ctypes::ctypes")
    expect(os.path.isfile(os.path.join(test_dir, "test_package.cpp")),
           "test_package.cpp is missing")

    if problems:
        print("check_conan: the recipe is out of step:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("check_conan: %s/%s recipe and test_package check out" % (recipe.name, recipe.version))


if __name__ == "__main__":
    main()
