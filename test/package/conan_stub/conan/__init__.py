"""A stand-in for the parts of Conan 2's API that ctypes-cpp's recipes use, so CI can import
the recipes and call their methods without Conan. It records what the recipe asks for; it
builds nothing. Only test/package/check_conan.py uses it."""
import types

calls = []  # (name, args, kwargs) of every tool call, in order


class _CppInfo:
    def __init__(self):
        self.properties = {}
        self.system_libs = []
        self.libdirs = ["lib"]
        self.bindirs = ["bin"]

    def set_property(self, name, value):
        self.properties[name] = value


class _Info:
    def __init__(self):
        self.cleared = False

    def clear(self):
        self.cleared = True


class ConanFile:
    name = None
    version = None
    settings = ()

    def __init__(self, os_name="Linux"):
        self.settings = types.SimpleNamespace(os=os_name, arch="x86_64", compiler="gcc",
                                              build_type="Release")
        self.cpp_info = _CppInfo()
        self.info = _Info()
        self.recipe_folder = None
        self.export_sources_folder = "<export_sources>"
        self.source_folder = "<source>"
        self.package_folder = "<package>"
        self.tested_reference_str = "ctypes-cpp/<version>"
        self.cpp = types.SimpleNamespace(build=types.SimpleNamespace(bindir="<bindir>"))
        self.requires_calls = []

    def requires(self, ref):
        self.requires_calls.append(ref)

    def run(self, *args, **kwargs):
        calls.append(("run", args, kwargs))
