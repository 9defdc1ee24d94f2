// Reliability on hostile and unusual input: names with embedded NULs, plugins that export the
// same allocator, thread-local and copy-relocated exports, relative paths after chdir, files the
// loader must not see, dependency graphs built to make the load-failure diagnosis slow.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

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
    // The library that defines the variables, and one that defines none and reaches them
    // through its dependency on the first (dlsym finds them in the dependency's TLS block).
    for (const char *path : {CTYPES_TEST_TLS, CTYPES_TEST_TLS_USER}) {
        INFO(path);
        ctypes::CDLL lib{path};
        if (path == std::string(CTYPES_TEST_TLS_USER))
            for (const auto &s : lib.symbols())
                REQUIRE((s.name != "tls_counter" && s.name != "tls_block"));
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
        CHECK(*counter == lib.get<int()>("tls_counter_value")());
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
    std::cout.flush(); // or the child writes out the parent's pending output again
    std::fflush(nullptr);
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

namespace {
// A minimal shared object of the running ABI for the dependency walk, which reads files and
// never loads them: one PT_LOAD over the whole file, a PT_DYNAMIC with the DT_NEEDED, DT_RPATH
// and DT_RUNPATH entries given, and their strings.
void write_elf(const std::filesystem::path &file, const std::vector<std::string> &needed,
               const std::string &rpath = "", const std::string &runpath = "") {
    using word = std::uintptr_t;
    constexpr bool is64 = sizeof(word) == 8;
    const std::size_t ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32;
    std::string strtab(1, '\0');
    const auto add_string = [&](const std::string &text) {
        const word at = strtab.size();
        strtab += text;
        strtab += '\0';
        return at;
    };
    std::vector<std::pair<word, word>> dynamic;
    dynamic.reserve(needed.size() + 5);
    for (const std::string &name : needed)
        dynamic.emplace_back(1, add_string(name)); // DT_NEEDED
    if (!rpath.empty())
        dynamic.emplace_back(15, add_string(rpath)); // DT_RPATH
    if (!runpath.empty())
        dynamic.emplace_back(29, add_string(runpath)); // DT_RUNPATH
    const word dyn_at = ehsize + 2 * phentsize;
    const word strtab_at = dyn_at + (dynamic.size() + 3) * 2 * sizeof(word);
    dynamic.emplace_back(5, strtab_at);      // DT_STRTAB
    dynamic.emplace_back(10, strtab.size()); // DT_STRSZ
    dynamic.emplace_back(0, 0);              // DT_NULL
    const word total = strtab_at + strtab.size();
    std::string out(total, '\0');
    const auto put = [&](std::size_t at, auto value) {
        std::memcpy(&out[at], &value, sizeof value);
    };
    std::memcpy(&out[0],
                "\x7f"
                "ELF",
                4);
    out[4] = is64 ? 2 : 1;
    const std::uint16_t probe = 1;
    out[5] = *reinterpret_cast<const unsigned char *>(&probe) == 1 ? 1 : 2;
    out[6] = 1;
    put(16, std::uint16_t{3}); // ET_DYN
    put(18, ctypes::detail::search::host_machine());
    put(20, std::uint32_t{1});
    put(is64 ? 32 : 28, word{ehsize});
    put(is64 ? 52 : 40, static_cast<std::uint16_t>(ehsize));
    put(is64 ? 54 : 42, static_cast<std::uint16_t>(phentsize));
    put(is64 ? 56 : 44, std::uint16_t{2});
    const auto phdr = [&](std::size_t at, std::uint32_t type, word offset, word size) {
        put(at, type);
        if (is64) {
            put(at + 4, std::uint32_t{6});
            put(at + 8, offset);
            put(at + 16, offset);
            put(at + 24, offset);
            put(at + 32, size);
            put(at + 40, size);
        } else {
            put(at + 4, offset);
            put(at + 8, offset);
            put(at + 12, offset);
            put(at + 16, size);
            put(at + 20, size);
            put(at + 24, std::uint32_t{6});
        }
    };
    phdr(ehsize, 1, 0, total);                                              // PT_LOAD
    phdr(ehsize + phentsize, 2, dyn_at, dynamic.size() * 2 * sizeof(word)); // PT_DYNAMIC
    for (std::size_t i = 0; i < dynamic.size(); ++i) {
        put(dyn_at + i * 2 * sizeof(word), dynamic[i].first);
        put(dyn_at + i * 2 * sizeof(word) + sizeof(word), dynamic[i].second);
    }
    std::memcpy(&out[strtab_at], strtab.data(), strtab.size());
    std::ofstream(file, std::ios::binary).write(out.data(), static_cast<std::streamsize>(total));
}

std::string gone(const std::string &name) {
    return name + ": cannot open shared object file: No such file or directory";
}
} // namespace

TEST_CASE("the missing-dependency walk is bounded on a hostile graph", "[inspect][posix]") {
    // 128 DT_NEEDED names, each a symlink back to the library itself, found only in the last of
    // 256 DT_RPATH directories: a walk keyed on paths, re-resolving every name, took seconds.
    temp_dir dir("hostile");
    std::vector<std::string> needed;
    std::string rpath;
    for (int i = 0; i < 256; ++i)
        rpath += (i ? ":$ORIGIN/r" : "$ORIGIN/r") + std::to_string(i);
    std::filesystem::create_directories(dir.path / "r255");
    for (int i = 0; i < 128; ++i) {
        needed.push_back("libh" + std::to_string(i) + ".so");
        std::filesystem::create_symlink("../libhostile.so", dir.path / "r255" / needed.back());
    }
    needed.push_back("libhmissing.so");
    const std::string top = (dir.path / "libhostile.so").string();
    write_elf(top, needed, rpath);

    ctypes::detail::dependency_walk_stats stats;
    CHECK(ctypes::detail::missing_dependency(top, gone("libhmissing.so"), &stats) ==
          "dependency 'libhmissing.so' (needed by '" + top + "') was not found");
    CHECK(stats.objects == 1);
    // A name the graph never needs: everything is walked, each file once however many symlinks
    // reach it, each name resolved once, and the probe budget ends the walk.
    const std::string text = ctypes::detail::missing_dependency(top, gone("libelse.so"), &stats);
    CHECK(text == "dependency 'libelse.so' was not found");
    CHECK(stats.objects == 1);
    CHECK(stats.probes <= ctypes::detail::search::probe_budget{}.left);
    // Only a loader message about a shared object that could not be opened starts a walk.
    CHECK(ctypes::detail::missing_dependency(top, "undefined symbol: x", &stats).empty());
    CHECK(ctypes::detail::missing_dependency(top, gone(top), &stats).empty()); // the library
}

TEST_CASE("the missing-dependency walk follows the loader's search rules", "[inspect][posix]") {
    temp_dir dir("rules");
    // DT_NEEDED "$ORIGIN/libdep.so" is beside the library, and what it needs is what is missing.
    write_elf(dir.path / "liborigin.so", {"$ORIGIN/libdep.so"});
    write_elf(dir.path / "libdep.so", {"libgone.so"});
    const std::string origin_top = (dir.path / "liborigin.so").string();
    CHECK(ctypes::detail::missing_dependency(origin_top, gone("libgone.so")) ==
          "dependency 'libgone.so' (needed by '" + (dir.path / "libdep.so").string() +
              "') was not found");

    // DT_RPATH is passed down: libleaf.so is found for libmid.so through its loader's DT_RPATH.
    std::filesystem::create_directories(dir.path / "sub");
    write_elf(dir.path / "librpath.so", {"libmid.so"}, "$ORIGIN/sub");
    write_elf(dir.path / "sub" / "libmid.so", {"libleaf.so"});
    write_elf(dir.path / "sub" / "libleaf.so", {"libgone.so"});
    CHECK(ctypes::detail::missing_dependency((dir.path / "librpath.so").string(),
                                             gone("libgone.so")) ==
          "dependency 'libgone.so' (needed by '" + (dir.path / "sub" / "libleaf.so").string() +
              "') was not found");
    // ... but not past an object with a DT_RUNPATH, which searches only that.
    write_elf(dir.path / "librunpath.so", {"libmid2.so"}, "$ORIGIN/sub");
    write_elf(dir.path / "sub" / "libmid2.so", {"libleaf.so"}, "", "/nonexistent");
    CHECK(ctypes::detail::missing_dependency((dir.path / "librunpath.so").string(),
                                             gone("libgone.so")) ==
          "dependency 'libgone.so' was not found");

    // An object with a DT_RUNPATH passes on nothing of its own, but what its loaders passed it.
    std::filesystem::create_directories(dir.path / "sub" / "deeper");
    write_elf(dir.path / "libchain.so", {"libmid4.so"}, "$ORIGIN/sub");
    write_elf(dir.path / "sub" / "libmid4.so", {"libleaf4.so"}, "/nonexistent", "$ORIGIN/deeper");
    write_elf(dir.path / "sub" / "deeper" / "libleaf4.so", {"libdeep.so"});
    write_elf(dir.path / "sub" / "libdeep.so", {"libgone.so"});
    CHECK(ctypes::detail::missing_dependency((dir.path / "libchain.so").string(),
                                             gone("libgone.so")) ==
          "dependency 'libgone.so' (needed by '" + (dir.path / "sub" / "libdeep.so").string() +
              "') was not found");

    // $LIB in an rpath is the loader's library directory.
    const std::string lib = ctypes::detail::search::lib_token();
    std::filesystem::create_directories(dir.path / lib);
    write_elf(dir.path / "liblib.so", {"libinlib.so"}, "$ORIGIN/$LIB");
    write_elf(dir.path / lib / "libinlib.so", {"libgone.so"});
    CHECK(
        ctypes::detail::missing_dependency((dir.path / "liblib.so").string(), gone("libgone.so")) ==
        "dependency 'libgone.so' (needed by '" + (dir.path / lib / "libinlib.so").string() +
            "') was not found");
}
#endif
