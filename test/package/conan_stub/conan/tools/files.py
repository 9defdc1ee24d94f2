from conan import calls


def copy(conanfile, pattern, src, dst, *args, **kwargs):
    calls.append(("copy", (pattern, src, dst), kwargs))


def rmdir(conanfile, path):
    calls.append(("rmdir", (path,), {}))
