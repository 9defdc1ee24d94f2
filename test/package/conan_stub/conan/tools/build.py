from conan import calls


def can_run(conanfile):
    calls.append(("can_run", (), {}))
    return True
