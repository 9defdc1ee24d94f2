// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// symbols(), loaded_libraries(), is_loaded(), and errors that explain themselves: a missing
// dependency named, a near-miss symbol answered with the closest exports.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "platform.hpp"

#if defined(_WIN32)
#include <filesystem>
#endif

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>

#include "run_command.hpp"

namespace {

using test_command::run;

void copy_file(const std::string &from, const std::string &to) {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out << in.rdbuf();
    REQUIRE(out.good());
}

std::string temp_dir() {
    char tmpl[] = "/tmp/ctypes_inspect_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    return tmpl;
}

// `nm -D --defined-only -S`: name -> (type letter, size) lines, versions stripped.
struct nm_symbol {
    char type;
    std::size_t size;
};
std::multimap<std::string, nm_symbol> nm_defined(const std::string &file) {
    std::multimap<std::string, nm_symbol> out;
    std::istringstream lines(
        run("nm -D --defined-only -S --without-symbol-versions '" + file + "'"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::vector<std::string> f;
        for (std::string w; fields >> w;)
            f.push_back(w);
        if (f.size() == 4) // address size type name
            out.emplace(f[3], nm_symbol{f[2][0], std::stoul(f[1], nullptr, 16)});
        else if (f.size() == 3) // address type name (no size)
            out.emplace(f[2], nm_symbol{f[1][0], 0});
    }
    return out;
}

std::vector<std::string> sorted_names(const std::vector<ctypes::symbol_info> &symbols) {
    std::vector<std::string> names;
    for (const auto &s : symbols)
        names.push_back(s.name);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> sorted_names(const std::multimap<std::string, nm_symbol> &symbols) {
    std::vector<std::string> names;
    for (const auto &s : symbols)
        names.push_back(s.first);
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST_CASE("symbols() lists what nm -D --defined-only lists, for libz", "[inspect][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    const auto symbols = libz.symbols();
    const auto nm = nm_defined(libz.path());
    REQUIRE(nm.size() > 50);
    CHECK(sorted_names(symbols) == sorted_names(nm));
    for (const auto &s : symbols) {
        INFO(s.name);
        const auto it = nm.find(s.name);
        REQUIRE(it != nm.end());
        if (it->second.type == 'T')
            CHECK(s.kind == ctypes::symbol_kind::function);
        if (s.kind == ctypes::symbol_kind::function) {
            CHECK(s.size == it->second.size);
            CHECK(s.address == reinterpret_cast<const void *>(libz.get<void()>(s.name).address()));
        }
    }
}

TEST_CASE("symbols() gives each export's kind and size, as nm -S does", "[inspect][posix]") {
    ctypes::CDLL needs{CTYPES_TEST_NEEDS};
    const auto symbols = needs.symbols();
    const auto nm = nm_defined(needs.path());
    CHECK(sorted_names(symbols) == sorted_names(nm));
    std::map<std::string, ctypes::symbol_info> by_name;
    for (const auto &s : symbols)
        by_name[s.name] = s;
    REQUIRE(by_name.count("needs_value"));
    CHECK(by_name["needs_value"].kind == ctypes::symbol_kind::function);
    CHECK(by_name["needs_compute_total"].kind == ctypes::symbol_kind::function);
    CHECK(by_name["needs_counter"].kind == ctypes::symbol_kind::object);
    CHECK(by_name["needs_counter"].size == sizeof(int));
    CHECK(by_name["needs_counter"].address == &*needs.var<int>("needs_counter"));
    CHECK(by_name["needs_table"].kind == ctypes::symbol_kind::object);
    CHECK(by_name["needs_table"].size == 24);
    CHECK(by_name["needs_tls"].kind == ctypes::symbol_kind::tls);
    CHECK(by_name["needs_tls"].size == sizeof(int));
    CHECK(by_name["needs_tls"].address == nullptr);
    CHECK(by_name.count("dep_value") == 0); // the dependency's, not this library's
    for (const auto &s : symbols) {
        INFO(s.name);
        const auto it = nm.find(s.name);
        REQUIRE(it != nm.end());
        CHECK(s.size == it->second.size);
        const char t = it->second.type;
        CHECK((s.kind == ctypes::symbol_kind::function) == (t == 'T' || t == 'i'));
        CHECK((s.kind == ctypes::symbol_kind::tls) == (s.name == "needs_tls"));
    }
    ctypes::CDLL empty;
    CHECK_THROWS_AS(empty.symbols(), ctypes::load_error);
}

TEST_CASE("loaded_libraries and is_loaded prove an image left the process", "[inspect][posix]") {
    const std::string file = CTYPES_TEST_UNLOAD;
    const std::string name = file.substr(file.rfind('/') + 1);
    CHECK_FALSE(ctypes::is_loaded(file));
    CHECK_FALSE(ctypes::is_loaded(name));
    ctypes::CDLL lib{file};
    CHECK(ctypes::is_loaded(file));
    CHECK(ctypes::is_loaded(name));
    const auto images = ctypes::loaded_libraries();
    CHECK(std::any_of(images.begin(), images.end(),
                      [&](const ctypes::loaded_image &i) { return i.path == lib.path(); }));
    // The program itself and libc are there too.
    REQUIRE_FALSE(images.empty());
    CHECK(images.front().path.find("ctypes_test") != std::string::npos);
    CHECK(ctypes::is_loaded(ctypes::CDLL{"libc.so.6"}.path()));
    CHECK(lib.unload());
    CHECK_FALSE(ctypes::is_loaded(file));
    CHECK_FALSE(ctypes::is_loaded(name));
    CHECK_FALSE(ctypes::is_loaded(""));
}

TEST_CASE("a load that fails for a missing dependency names the dependency", "[inspect][posix]") {
    const std::string dir = temp_dir();
    const std::string needs = dir + "/libctypes_fixture_needs.so";
    const std::string dep = dir + "/libctypes_fixture_dep.so.3";
    copy_file(CTYPES_TEST_NEEDS, needs);
    SECTION("without the dependency beside it") {
        try {
            ctypes::CDLL lib{needs};
            FAIL("loaded a library whose dependency is missing");
        } catch (const ctypes::load_error &e) {
            const std::string what = e.what();
            CHECK_THAT(what, Catch::StartsWith("ctypes: cannot load '" + needs +
                                               "': dependency 'libctypes_fixture_dep.so.3' "
                                               "(needed by '" +
                                               needs + "') was not found: "));
            CHECK_THAT(what, Catch::EndsWith("No such file or directory"));
        }
        std::error_code ec;
        ctypes::CDLL quiet{needs, ec};
        CHECK(ec == ctypes::errc::load_failed);
    }
    SECTION("with the dependency beside it, found through $ORIGIN") {
        copy_file(CTYPES_TEST_DEP, dep);
        ctypes::CDLL lib{needs};
        CHECK(lib.get<int()>("needs_value")() == 43);
        CHECK(lib.unload());
        std::remove(dep.c_str());
    }
    SECTION("a library that is itself missing is not blamed on a dependency") {
        try {
            ctypes::CDLL lib{dir + "/libctypes_not_here.so"};
            FAIL("loaded a missing library");
        } catch (const ctypes::load_error &e) {
            CHECK_THAT(e.what(), !Catch::Contains("dependency"));
        }
    }
    std::remove(needs.c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("a missing symbol suggests the closest exported names", "[inspect][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    try {
        libz.get<unsigned long()>("crc32_zz");
        FAIL("found a symbol that does not exist");
    } catch (const ctypes::symbol_error &e) {
        CHECK_THAT(e.what(), Catch::StartsWith("ctypes: cannot find symbol 'crc32_zz' in "
                                               "'libz.so.1' (did you mean 'crc32_z'"));
        CHECK_THAT(e.what(), Catch::EndsWith("undefined symbol: crc32_zz"));
        CHECK(e.code() == ctypes::errc::symbol_not_found);
    }
    try {
        libz.get<int()>("inflateEnd_");
        FAIL("found a symbol that does not exist");
    } catch (const ctypes::symbol_error &e) {
        CHECK_THAT(e.what(), Catch::Contains("(did you mean 'inflateEnd'"));
    }
    try {
        libz.get<int()>("nothing_like_any_export_at_all");
        FAIL("found a symbol that does not exist");
    } catch (const ctypes::symbol_error &e) {
        CHECK_THAT(e.what(), !Catch::Contains("did you mean"));
    }
    CHECK_FALSE(libz.try_get<int()>("crc32_zz").has_value());
}

namespace {
struct evp_md; // OpenSSL's EVP_MD, opaque
std::string what_of_get(const ctypes::CDLL &lib, const char *name) {
    return test_platform::what_of([&] { lib.get<int(const evp_md *)>(name); });
}
} // namespace

TEST_CASE("did you mean finds renames by word segments in OpenSSL 3's libcrypto",
          "[inspect][posix]") {
    ctypes::CDLL crypto{"libcrypto.so.3"};
    // 1.1 -> 3.0: a word inserted. Four edits apart, which plain edit distance never offers.
    CHECK_THAT(what_of_get(crypto, "EVP_MD_size"),
               Catch::StartsWith("ctypes: cannot find symbol 'EVP_MD_size' in 'libcrypto.so.3' "
                                 "(did you mean 'EVP_MD_get_size'"));
    CHECK_THAT(what_of_get(crypto, "EVP_MD_block_size"),
               Catch::Contains("(did you mean 'EVP_MD_get_block_size'"));
    // 1.0 -> 1.1: a verb swapped for its partner.
    CHECK_THAT(what_of_get(crypto, "EVP_MD_CTX_create"),
               Catch::Contains("(did you mean 'EVP_MD_CTX_new'"));
    CHECK_THAT(what_of_get(crypto, "EVP_MD_CTX_destroy"),
               Catch::Contains("(did you mean 'EVP_MD_CTX_free'"));
    // A word dropped.
    CHECK_THAT(what_of_get(crypto, "EVP_MD_CTX_get0_get_md"),
               Catch::Contains("'EVP_MD_CTX_get0_md'"));
    // Sharing one word is no rename.
    CHECK_THAT(what_of_get(crypto, "EVP_frobnicate_widgets"), !Catch::Contains("did you mean"));
    CHECK_THAT(what_of_get(crypto, "nothing_like_any_export_at_all"),
               !Catch::Contains("did you mean"));
}

TEST_CASE("get_first() takes a function's names across versions in libcrypto, listing all tried",
          "[inspect][posix]") {
    ctypes::CDLL crypto{"libcrypto.so.3"};
    auto sha256 = crypto.get<const evp_md *()>("EVP_sha256");
    auto size = crypto.get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_get_size"});
    CHECK(size.name() == "EVP_MD_get_size");
    CHECK(size(sha256()) == 32);
    auto first = crypto.get_first<int(const evp_md *)>({"EVP_MD_get_size", "EVP_MD_size"});
    CHECK(first.name() == "EVP_MD_get_size");
    auto make = crypto.get_first<void *()>({std::string("EVP_MD_CTX_create"), "EVP_MD_CTX_new"});
    auto free_ctx = crypto.get_first<void(void *)>({"EVP_MD_CTX_destroy", "EVP_MD_CTX_free"});
    void *ctx = make();
    CHECK(ctx != nullptr);
    free_ctx(ctx);

    try {
        crypto.get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_sizeof"});
        FAIL("found a name libcrypto.so.3 does not export");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::symbol_not_found);
        CHECK_THAT(e.what(), Catch::StartsWith("ctypes: cannot find any of 'EVP_MD_size', "
                                               "'EVP_MD_sizeof' in 'libcrypto.so.3' (did you "
                                               "mean 'EVP_MD_get_size'"));
        CHECK_THAT(e.what(), Catch::EndsWith("undefined symbol: EVP_MD_sizeof"));
    }
    // The non-throwing forms.
    std::error_code ec;
    CHECK_FALSE(crypto.get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_sizeof"}, ec));
    CHECK(ec == ctypes::errc::symbol_not_found);
    ctypes::error_report report;
    CHECK_FALSE(crypto.get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_sizeof"}, report));
    CHECK_THAT(report.message(), Catch::StartsWith("ctypes: cannot find any of 'EVP_MD_size'"));
    CHECK(crypto.get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_get_size"}, report));
    CHECK_FALSE(report);
    CHECK_FALSE(crypto.try_get_first<int(const evp_md *)>({"EVP_MD_size"}).has_value());
    CHECK(
        crypto.try_get_first<int(const evp_md *)>({"EVP_MD_size", "EVP_MD_get_size"}).has_value());

    // An unfit name stops the search and is reported as get() reports it.
    ctypes::CDLL shapes{CTYPES_TEST_SHAPES};
    try {
        shapes.get_first<int()>({"no_such_counter", "counter", "our_function"});
        FAIL("get_first() went past a data object");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == ctypes::errc::not_a_function);
    }
    CHECK_THROWS_AS(shapes.try_get_first<int()>({"counter"}), ctypes::symbol_error);
    CHECK_THROWS_AS(shapes.get_first<int()>({}), ctypes::symbol_error);
    CHECK_THROWS_AS(ctypes::CDLL{}.get_first<int()>({"our_function"}), ctypes::load_error);
}

#endif

#if defined(_WIN32)

TEST_CASE("Windows: find_library walks PATH, symbols() reads the export directory",
          "[inspect][windows]") {
    const std::string kernel32 = ctypes::find_library("kernel32");
    REQUIRE_FALSE(kernel32.empty());
    CHECK((kernel32.size() > 12 && kernel32.find_last_of("\\/") != std::string::npos));
    CHECK(ctypes::find_library("ctypes_no_such_library").empty());
    ctypes::WinDLL lib{"kernel32.dll"};
    const auto symbols = lib.symbols();
    REQUIRE(symbols.size() > 100);
    bool found = false;
    for (const auto &s : symbols)
        if (s.name == "GetLastError") {
            found = true;
            CHECK(s.kind == ctypes::symbol_kind::function);
            CHECK(s.address == reinterpret_cast<const void *>(
                                   lib.get<unsigned long()>("GetLastError").address()));
        }
    CHECK(found);
    try {
        lib.get<unsigned long()>("GetLastErrorr");
        FAIL("found a symbol that does not exist");
    } catch (const ctypes::symbol_error &e) {
        CHECK_THAT(e.what(), Catch::Contains("(did you mean 'GetLastError'"));
    }
    CHECK(ctypes::is_loaded("KERNEL32.DLL"));
    CHECK_FALSE(ctypes::is_loaded("ctypes_no_such_library.dll"));
    CHECK(ctypes::loaded_libraries().size() >= 2);
}

TEST_CASE("Windows: a load that fails for a missing DLL names the DLL", "[inspect][windows]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "ctypes_inspect_missing_dll";
    std::error_code ignored; // a file still mapped by an earlier run cannot be removed
    fs::remove_all(dir, ignored);
    fs::create_directories(dir);
    const fs::path needs = dir / fs::path(CTYPES_TEST_NEEDS).filename();
    const std::string dep_name = fs::path(CTYPES_TEST_DEP).filename().string();
    fs::copy_file(CTYPES_TEST_NEEDS, needs, fs::copy_options::overwrite_existing);
    try {
        ctypes::CDLL lib{needs};
        FAIL("loaded a library whose dependency is missing");
    } catch (const ctypes::load_error &e) {
        CHECK_THAT(e.what(), Catch::Contains("dependency '" + dep_name + "' (needed by '",
                                             Catch::CaseSensitive::No));
    }
    fs::copy_file(CTYPES_TEST_DEP, dir / dep_name, fs::copy_options::overwrite_existing);
    {
        ctypes::CDLL lib{needs};
        CHECK(lib.get<int()>("needs_value")() == 43);
    }
    fs::remove_all(dir, ignored);
}

#endif
