// Reliability on hostile and unusual input: names with embedded NULs, plugins that export the
// same allocator, thread-local and copy-relocated exports, relative paths after chdir, files the
// loader must not see, dependency graphs built to make the load-failure diagnosis slow.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>

#include "platform.hpp"

TEST_CASE("a library name with an embedded NUL is refused, not truncated", "[library][errors]") {
    const std::string name = std::string(CTYPES_TEST_SHAPES) + std::string("\0/x", 3);
    try {
        ctypes::CDLL lib{name};
        FAIL("a name with an embedded NUL loaded " + lib.path());
    } catch (const ctypes::load_error &e) {
        CHECK(e.code() == ctypes::errc::load_failed);
        CHECK_THAT(
            e.what(),
            Catch::Contains("embedded NUL") &&
                Catch::Contains("byte " + std::to_string(std::string(CTYPES_TEST_SHAPES).size())));
    }
    std::error_code ec;
    ctypes::CDLL lib{name, ec};
    CHECK(ec == ctypes::errc::load_failed);
    CHECK_FALSE(lib);
    CHECK_THROWS_AS(ctypes::CDLL{std::filesystem::path(name)}, ctypes::load_error);
}

TEST_CASE("a symbol name with an embedded NUL is refused, not truncated", "[library][errors]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    const std::string name("add_i32\0evil", 12);
    try {
        lib.get<int(int, int)>(name);
        FAIL("a symbol name with an embedded NUL was found");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::symbol_not_found);
        CHECK_THAT(e.what(), Catch::Contains("'add_i32'") && Catch::Contains("embedded NUL") &&
                                 Catch::Contains("byte 7"));
    }
    std::error_code ec;
    CHECK_FALSE(lib.get<int(int, int)>(name, ec));
    CHECK(ec == ctypes::errc::symbol_not_found);
    CHECK_FALSE(lib.has(name));
    CHECK_FALSE(lib.try_get<int(int, int)>(name));
    CHECK_THROWS_AS(lib.var<int>(std::string("counter\0", 8)), ctypes::symbol_error);
    CHECK(lib.get<int(int, int)>(std::string("add_i32"))(2, 3) == 5); // the clean name still works
}

#if !defined(_WIN32)
#include <dlfcn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_CASE("a plugin's free is its own when another plugin exports the same name globally",
          "[memory][owned][posix]") {
    ctypes::CDLL a{CTYPES_TEST_PLUGIN_A, ctypes::rtld_global};
    for (const char *path : {CTYPES_TEST_PLUGIN_B, CTYPES_TEST_PLUGIN_SYMBOLIC}) {
        INFO(path);
        ctypes::CDLL b{path};
        auto own_frees = b.get<int()>("plugin_free_count");
        auto foreign_frees = b.get<int()>("plugin_foreign_free_count");
        auto a_foreign_frees = a.get<int()>("plugin_foreign_free_count");
        const int before = own_frees();
        CHECK(b.get_free("plugin_free").get().address() ==
              b.get<void(void *)>("plugin_free").address());
        {
            auto alloc = b.get_owning<int *()>("plugin_alloc", "plugin_free");
            auto block = alloc();
            REQUIRE(block);
            CHECK(*block == b.get<int()>("plugin_tag")());
        }
        CHECK(own_frees() == before + 1);
        CHECK(foreign_frees() == 0);
        CHECK(a_foreign_frees() == 0); // the global plugin's allocator never saw the block
    }
}

TEST_CASE("a thread-local export is refused by get and is the calling thread's in var",
          "[variable][posix]") {
    ctypes::CDLL lib{CTYPES_TEST_TLS};
    try {
        lib.get<int()>("tls_counter");
        FAIL("get<int()> accepted a thread-local variable");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::not_a_function);
        CHECK_THAT(e.what(), Catch::Contains("thread-local variable of 4 bytes"));
    }
    auto address_of = lib.get<int *()>("tls_counter_address");
    auto counter = lib.var<int>("tls_counter");
    CHECK(counter.get() == address_of());
    CHECK(*counter == 7);
    *counter = 11;
    CHECK(lib.get<int()>("tls_counter_value")() == 11);
    int *other_thread = nullptr, *other_var = nullptr;
    std::thread([&] {
        other_thread = address_of();
        other_var = lib.var<int>("tls_counter").get();
    }).join();
    CHECK(other_var == other_thread);
    CHECK(other_var != counter.get()); // each thread has its own instance

    try {
        lib.var<char[8]>("tls_block");
        FAIL("var<char[8]> accepted a 4096-byte thread-local variable");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::size_mismatch);
        CHECK_THAT(e.what(), Catch::Contains("thread-local variable of 4096 bytes"));
    }
    CHECK(lib.var<char[4096]>("tls_block"));
}

TEST_CASE("var<T> gives the program's copy of a copy-relocated object, the one libc uses",
          "[variable][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    auto env = libc.var<char **>("environ");
    CHECK(env.get() == &environ); // the executable's own definition
    CHECK(static_cast<void *>(env.get()) == ::dlsym(RTLD_DEFAULT, "environ"));
    static char entry[] = "CTYPES_TEST_ENVIRON_WRITE=seen";
    char *replacement[] = {entry, nullptr};
    char **saved = *env;
    *env = replacement;
    const char *seen = std::getenv("CTYPES_TEST_ENVIRON_WRITE");
    *env = saved;
    REQUIRE(seen != nullptr);
    CHECK(std::string(seen) == "seen");
}

namespace {
// A fresh directory under the system's temporary one, removed with everything in it.
struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string &tag)
        : path(std::filesystem::temp_directory_path() /
               ("ctypes-" + tag + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

// Changes the working directory for one scope.
struct working_dir {
    std::filesystem::path saved = std::filesystem::current_path();
    explicit working_dir(const std::filesystem::path &to) { std::filesystem::current_path(to); }
    ~working_dir() {
        std::error_code ignored;
        std::filesystem::current_path(saved, ignored);
    }
};
} // namespace

TEST_CASE("a library loaded by a relative path is still known after chdir",
          "[inspect][library][posix]") {
    temp_dir dir("relative");
    const std::filesystem::path file = dir.path / "librelative.so";
    std::filesystem::copy_file(CTYPES_TEST_SHAPES, file);
    ctypes::CDLL lib;
    {
        working_dir in(dir.path);
        lib = ctypes::CDLL{"./librelative.so"};
    }
    working_dir elsewhere("/");
    CHECK(lib.path() == std::filesystem::canonical(file).string());
    CHECK(ctypes::is_loaded(file.string()));
    CHECK(ctypes::is_loaded(lib.path()));
    bool listed = false;
    for (const ctypes::loaded_image &image : ctypes::loaded_libraries())
        listed = listed || image.path == lib.path();
    CHECK(listed);
    void *extra = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    REQUIRE(extra != nullptr);
    CHECK_FALSE(lib.unload()); // the extra reference keeps it mapped
    ::dlclose(extra);
    CHECK_FALSE(ctypes::is_loaded(file.string()));
}

namespace {
// Runs `attempt` in a child process that may not take more than a few seconds (a load that
// blocks or crashes must fail the test, not the suite); returns the child's exit status, or
// 128 + the signal that ended it.
template <class F>
int in_child(F attempt) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::alarm(10); // a hang guard, not a timing target
        ::_exit(attempt());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// 0 when loading `path` throws a load_error whose text has `expect`.
int load_fails_with(const std::string &path, const std::string &expect) {
    try {
        ctypes::CDLL lib{path};
        return 1;
    } catch (const ctypes::load_error &e) {
        return std::string(e.what()).find(expect) != std::string::npos ? 0 : 2;
    }
}
} // namespace

TEST_CASE("a truncated library and a FIFO are load errors, never seen by the loader",
          "[library][errors][posix]") {
    temp_dir dir("guard");
    const std::string truncated = (dir.path / "libtruncated.so").string();
    std::filesystem::copy_file(CTYPES_TEST_SHAPES, truncated);
    const auto size = std::filesystem::file_size(truncated);
    std::filesystem::resize_file(truncated, size / 2);
    CHECK(in_child(
              [&] { return load_fails_with(truncated, "truncated: its loadable segments"); }) == 0);
    std::filesystem::resize_file(truncated, 40); // inside the ELF header
    CHECK(in_child([&] { return load_fails_with(truncated, "truncated: its ELF headers"); }) == 0);

    const std::string fifo = (dir.path / "libfifo.so").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(in_child([&] { return load_fails_with(fifo, "not a regular file but a FIFO"); }) == 0);

    // An intact copy still loads, and a file that is not ELF still gets the loader's own words.
    const std::string intact = (dir.path / "libintact.so").string();
    std::filesystem::copy_file(CTYPES_TEST_SHAPES, intact);
    CHECK(ctypes::CDLL{intact}.get<int(int, int)>("add_i32")(2, 3) == 5);
    const std::string text = (dir.path / "libtext.so").string();
    std::filesystem::copy_file(CTYPES_TEST_SHAPES, text);
    std::filesystem::resize_file(text, 3);
    CHECK(load_fails_with(text, "file too short") == 0);
}
#endif
