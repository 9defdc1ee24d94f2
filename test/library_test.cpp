// Loading, naming, flags, ownership and unloading (DESIGN.md "Loading", Guarantees 1 and 3).
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>
#include <ctypes/library_loader.hpp>

#include <filesystem>
#include <system_error>
#include <string>
#include <utility>
#include <vector>

#include "platform.hpp"

// The Windows counterparts of the [posix] tests are in windows_test.cpp.
#if !defined(_WIN32)
#include <dlfcn.h>

namespace {
bool mapped(const char *path) {
    void *h = ::dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
    if (h)
        ::dlclose(h);
    return h != nullptr;
}
} // namespace

TEST_CASE("a library loads by path and reports the file the loader mapped", "[library][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    CHECK(lib.is_loaded());
    CHECK(static_cast<bool>(lib));
    CHECK(lib.native_handle() != nullptr);
    CHECK(lib.name() == CTYPES_TEST_SHAPES);
    CHECK(std::filesystem::equivalent(lib.path(), CTYPES_TEST_SHAPES));
    CHECK(lib.use_count() == 0);
}

TEST_CASE("a bare soname is searched by the loader and path() is where it was found",
          "[library][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    CHECK(libz.name() == "libz.so.1");
    REQUIRE(libz.path().size() > std::string("libz.so.1").size());
    CHECK(libz.path().front() == '/');
    CHECK(std::filesystem::exists(libz.path()));
}
#endif

TEST_CASE("paths are accepted as std::string, std::wstring and std::filesystem::path",
          "[library]") {
    const std::string narrow = CTYPES_TEST_SHAPES;
    ctypes::CDLL a{narrow};
    ctypes::CDLL b{std::filesystem::path(narrow)};
    ctypes::CDLL c{std::filesystem::path(narrow).wstring()};
    CHECK(a.native_handle() == b.native_handle());
    CHECK(b.native_handle() == c.native_handle());
    CHECK(c.name() == narrow);
}

TEST_CASE("a missing library is a load_error naming it, with the loader's text",
          "[library][errors]") {
    try {
        ctypes::CDLL lib{"libdoes-not-exist.so"};
        FAIL("loading a missing library did not throw");
    } catch (const ctypes::load_error &e) {
        const std::string what = e.what();
        CHECK(what.rfind("ctypes: cannot load 'libdoes-not-exist.so': ", 0) == 0);
#if !defined(_WIN32)
        CHECK(what.find("cannot open shared object file") != std::string::npos);
#endif
        CHECK(e.code() == test_platform::missing_library());
    }
}

TEST_CASE("a missing library reported through error_code leaves an empty object",
          "[library][errors]") {
    std::error_code ec;
    ctypes::CDLL lib{"libdoes-not-exist.so", ec};
    CHECK(ec == test_platform::missing_library());
    CHECK_FALSE(lib.is_loaded());
    CHECK(lib.native_handle() == nullptr);

    ctypes::CDLL ok{CTYPES_TEST_SHAPES, ctypes::rtld_lazy, ec};
    CHECK_FALSE(ec);
    CHECK(ok.is_loaded());
}

#if !defined(_WIN32)
TEST_CASE("a file that is not a shared library is refused with the loader's reason",
          "[library][errors][posix]") {
    try {
        ctypes::CDLL lib{__FILE__};
        FAIL("loading a source file did not throw");
    } catch (const ctypes::load_error &e) {
        CHECK(std::string(e.what()).find("invalid ELF header") != std::string::npos);
    }
}

TEST_CASE("self() sees the running program's global symbols", "[library][posix]") {
    auto self = ctypes::CDLL::self();
    CHECK(self.name().empty());
    CHECK(std::filesystem::equivalent(self.path(), "/proc/self/exe"));
    auto strlen = self.get<std::size_t(const char *)>("strlen"); // libc is global
    CHECK(strlen("four") == 4);
    strlen = {};
    CHECK_FALSE(self.unload()); // the program never leaves itself
}

TEST_CASE("adopt() takes ownership of an open handle", "[library][posix]") {
    void *raw = ::dlopen(CTYPES_TEST_UNLOAD, RTLD_NOW);
    REQUIRE(raw != nullptr);
    auto lib = ctypes::CDLL::adopt(raw);
    CHECK(lib.native_handle() == raw);
    CHECK(std::filesystem::equivalent(lib.path(), CTYPES_TEST_UNLOAD));
    CHECK(lib.get<int()>("unload_fixture_value")() == 42);
    CHECK(lib.unload()); // the adopted reference was the only one
    CHECK_FALSE(mapped(CTYPES_TEST_UNLOAD));

    CHECK_THROWS_AS(ctypes::CDLL::adopt(nullptr), ctypes::load_error);
}
#endif

TEST_CASE("an empty name or a null pointer is a load_error, not the running program", "[library]") {
    const auto refused = [](auto &&name, const char *which) {
        INFO(which);
        try {
            ctypes::CDLL lib{name};
            FAIL("loaded " << lib.path());
        } catch (const ctypes::load_error &e) {
            CHECK(e.code() == std::errc::invalid_argument);
            CHECK(std::string(e.what()) == std::string("ctypes: cannot load a library from ") +
                                               which + ": use self() for the running program");
        }
        std::error_code ec;
        ctypes::CDLL lib{name, ec};
        CHECK(ec == std::errc::invalid_argument);
        CHECK_FALSE(lib.is_loaded());
    };
    refused(static_cast<const char *>(nullptr), "a null name");
    refused(static_cast<const wchar_t *>(nullptr), "a null name");
    refused("", "an empty name");
    refused(std::string(), "an empty name");
    refused(std::wstring(), "an empty name");
    refused(std::filesystem::path(), "an empty name");
    // What a port of `CDLL(find_library("nosuchlib"))` writes: an error, not a library that has
    // printf.
    CHECK_THROWS_AS(ctypes::CDLL{ctypes::find_library("ctypes_no_such_library")},
                    ctypes::load_error);
    CHECK_THROWS_AS(ctypes::cdll.load(""), ctypes::load_error);
    CHECK(ctypes::CDLL::self().is_loaded());
}

TEST_CASE("moving a library moves its reference and empties the source", "[library]") {
    ctypes::CDLL a{CTYPES_TEST_SHAPES};
    const auto handle = a.native_handle();
    ctypes::CDLL b{std::move(a)};
    CHECK_FALSE(a.is_loaded());
    CHECK(b.native_handle() == handle);
    ctypes::CDLL c;
    c = std::move(b);
    CHECK(c.native_handle() == handle);
    CHECK(c.get<int(int, int *)>("our_function")(0, nullptr) == 0);
    CHECK_THROWS_AS(b.get<int()>("noop_count"), ctypes::load_error);
}

TEST_CASE("an empty library object refuses lookups and unload with load_error", "[library]") {
    ctypes::CDLL empty;
    CHECK_FALSE(empty.has("anything"));
    CHECK(empty.name().empty());
    CHECK(empty.path().empty());
    try {
        empty.get<int()>("anything");
        FAIL("lookup on an empty library did not throw");
    } catch (const ctypes::load_error &e) {
        CHECK(e.code() == ctypes::errc::not_loaded);
        CHECK(std::string(e.what()).find("'anything'") != std::string::npos);
    }
    std::error_code ec;
    CHECK_FALSE(empty.unload(ec));
    CHECK(ec == ctypes::errc::not_loaded);
    CHECK_THROWS_AS(empty.unload(), ctypes::load_error);
}

#if !defined(_WIN32)
TEST_CASE("unload() returns true when the image really left the process", "[library][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_UNLOAD};
    REQUIRE(mapped(CTYPES_TEST_UNLOAD));
    CHECK(lib.unload());
    CHECK_FALSE(lib.is_loaded());
    CHECK_FALSE(mapped(CTYPES_TEST_UNLOAD));
}
#endif

TEST_CASE("unload() with live functions or variables is an error that counts them",
          "[library][lifetime]") {
    ctypes::CDLL lib{CTYPES_TEST_UNLOAD};
    auto f = lib.get<int()>("unload_fixture_value");
    auto v = lib.var<int>("unload_fixture_state");
    CHECK(lib.use_count() == 2);
    try {
        lib.unload();
        FAIL("unload with live handles did not throw");
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::in_use);
        CHECK(std::string(e.what()) == "ctypes: cannot unload '" CTYPES_TEST_UNLOAD
                                       "': 2 functions, variables or owned pointers still use it");
    }
    // Nothing was lost: the library and both handles still work.
    CHECK(lib.is_loaded());
    CHECK(f() == 42);
    CHECK(*v == 1);

    std::error_code ec;
    CHECK_FALSE(lib.unload(ec));
    CHECK(ec == ctypes::errc::in_use);

    f = {};
    v = {};
    CHECK(lib.use_count() == 0);
    CHECK(lib.unload());
}

#if !defined(_WIN32)
TEST_CASE("functions keep their library mapped after the library object is gone",
          "[library][lifetime][posix]") {
    ctypes::function<int()> f;
    {
        ctypes::CDLL lib{CTYPES_TEST_UNLOAD};
        f = lib.get<int()>("unload_fixture_value");
    }
    CHECK(mapped(CTYPES_TEST_UNLOAD));
    CHECK(f() == 42);
    f = {};
    CHECK_FALSE(mapped(CTYPES_TEST_UNLOAD));
}

TEST_CASE("loading a library twice and unloading one copy leaves the other working",
          "[library][lifetime][posix]") {
    ctypes::CDLL first{CTYPES_TEST_UNLOAD};
    ctypes::CDLL second{CTYPES_TEST_UNLOAD};
    CHECK(first.native_handle() == second.native_handle());
    CHECK_FALSE(first.unload()); // the second reference keeps it mapped
    CHECK(mapped(CTYPES_TEST_UNLOAD));
    CHECK(second.get<int()>("unload_fixture_value")() == 42);
    CHECK(second.unload());
    CHECK_FALSE(mapped(CTYPES_TEST_UNLOAD));
}

TEST_CASE("rtld_nodelete keeps the image after unload()", "[library][flags][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_NODELETE, ctypes::rtld_nodelete};
    CHECK_FALSE(lib.unload());
    CHECK(mapped(CTYPES_TEST_NODELETE));
}

TEST_CASE("rtld_noload only succeeds for a library already in the process",
          "[library][flags][posix]") {
    std::error_code ec;
    ctypes::CDLL absent{CTYPES_TEST_UNLOAD, ctypes::rtld_noload, ec};
    CHECK(ec == ctypes::errc::load_failed);
    CHECK_FALSE(mapped(CTYPES_TEST_UNLOAD));

    ctypes::CDLL loaded{CTYPES_TEST_UNLOAD};
    ctypes::CDLL again{CTYPES_TEST_UNLOAD, ctypes::rtld_noload};
    CHECK(again.native_handle() == loaded.native_handle());
}

TEST_CASE("rtld_global makes a library's symbols visible through self()",
          "[library][flags][posix]") {
    auto self = ctypes::CDLL::self();
    REQUIRE_FALSE(self.has("unload_fixture_value"));
    ctypes::CDLL local{CTYPES_TEST_UNLOAD, ctypes::rtld_lazy | ctypes::rtld_local};
    CHECK_FALSE(self.has("unload_fixture_value"));
    ctypes::CDLL global{CTYPES_TEST_UNLOAD, ctypes::rtld_now | ctypes::rtld_global};
    CHECK(self.has("unload_fixture_value"));
    CHECK(global.flags() == (ctypes::rtld_now | ctypes::rtld_global));
}
#endif

TEST_CASE("flags combine and test as a bitmask", "[library][flags]") {
    constexpr auto f = ctypes::rtld_lazy | ctypes::use_errno;
    STATIC_REQUIRE(ctypes::has_flags(f, ctypes::use_errno));
    STATIC_REQUIRE_FALSE(ctypes::has_flags(f, ctypes::rtld_global));
    STATIC_REQUIRE_FALSE(ctypes::has_flags(f, ctypes::load_flags::none));
    auto g = f;
    g &= ~ctypes::use_errno;
    CHECK(g == ctypes::rtld_lazy);
}

TEST_CASE("a loader trying several names reports why each one failed, as the exception would",
          "[library][errors]") {
    // python-magic's loader: try each candidate, say why every one failed.
    const std::string names[] = {"libdoes-not-exist.so", "", CTYPES_TEST_SHAPES};
    std::vector<std::string> why;
    ctypes::CDLL lib;
    ctypes::error_report report;
    for (const std::string &name : names) {
        lib = ctypes::CDLL{name, report};
        if (lib)
            break;
        REQUIRE(report);
        CHECK(report.message() == test_platform::what_of([&] { ctypes::CDLL{name}; }));
        why.push_back(report.message());
    }
    REQUIRE(lib.is_loaded());
    CHECK_FALSE(report); // the success cleared it
    CHECK(report.message().empty());
    REQUIRE(why.size() == 2);
    CHECK(why[0].rfind("ctypes: cannot load 'libdoes-not-exist.so': ", 0) == 0);
    CHECK(why[0].size() > std::string("ctypes: cannot load 'libdoes-not-exist.so': ").size());
    CHECK(why[1] == "ctypes: cannot load a library from an empty name: use self() for the "
                    "running program");

    ctypes::CDLL missing{"libdoes-not-exist.so", ctypes::rtld_lazy, report};
    CHECK(report.code() == test_platform::missing_library());
    CHECK_THROWS_AS(report.raise(), ctypes::load_error);
    report.clear();
    CHECK_FALSE(report);
    CHECK_NOTHROW(report.raise());
}

TEST_CASE("lookups report the exception's text without throwing", "[library][errors]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    ctypes::error_report report;
    auto f = lib.get<int(int, int *)>("our_functoin", report);
    CHECK_FALSE(f);
    CHECK(report.code() == test_platform::missing_symbol());
    CHECK(report.message() ==
          test_platform::what_of([&] { lib.get<int(int, int *)>("our_functoin"); }));
    CHECK(report.message().find("'our_functoin'") != std::string::npos);
    CHECK_THROWS_AS(report.raise(), ctypes::symbol_error);

    auto g = lib.get<int(int, int *)>("our_function", ctypes::use_errno, report);
    REQUIRE(g);
    CHECK_FALSE(report);
    int nums[] = {1, 2, 3};
    CHECK(g(3, nums) == 6);

    auto v = lib.var<int>("no_such_variable", report);
    CHECK_FALSE(v);
    CHECK(report.message() == test_platform::what_of([&] { lib.var<int>("no_such_variable"); }));

    ctypes::CDLL empty;
    empty.get<int()>("our_function", report);
    CHECK(report.code() == ctypes::errc::not_loaded);
    CHECK_THROWS_AS(report.raise(), ctypes::load_error);
}
