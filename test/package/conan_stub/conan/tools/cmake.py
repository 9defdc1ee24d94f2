from conan import calls


class CMakeToolchain:
    def __init__(self, conanfile):
        self.cache_variables = {}
        self.conanfile = conanfile

    def generate(self):
        calls.append(("CMakeToolchain.generate", (dict(self.cache_variables),), {}))


class CMake:
    def __init__(self, conanfile):
        self.conanfile = conanfile

    def configure(self, *args, **kwargs):
        calls.append(("CMake.configure", args, kwargs))

    def build(self, *args, **kwargs):
        calls.append(("CMake.build", args, kwargs))

    def install(self, *args, **kwargs):
        calls.append(("CMake.install", args, kwargs))


def cmake_layout(conanfile, *args, **kwargs):
    calls.append(("cmake_layout", args, kwargs))
