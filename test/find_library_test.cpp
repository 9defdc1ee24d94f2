// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// find_library(), library_filename(), try_decorated, the loader-cache parser, and the rule that
// a bare name never loads from the current directory.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>
#include <ctypes/detail/ld_cache.hpp>
#if defined(__linux__) && defined(__GLIBC__)
#include <ctypes/detail/posix/ld_cache_file.hpp>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_command.hpp"
#endif

namespace {

#if !defined(_WIN32)
using test_command::run;

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

std::string temp_dir() {
    char tmpl[] = "/tmp/ctypes_find_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    return tmpl;
}

std::string find_in(const std::string &cache, const std::string &name,
                    std::int32_t abi = ctypes::detail::ld_cache::running_abi()) {
    return ctypes::detail::ld_cache::find(reinterpret_cast<const unsigned char *>(cache.data()),
                                          cache.size(), name, abi);
}

// Every short name the loader cache knows ("z" for libz.so.1), from the cache itself.
std::vector<std::string> names_in(const std::string &cache) {
    std::vector<std::string> names;
    ctypes::detail::ld_cache::for_each_entry(
        reinterpret_cast<const unsigned char *>(cache.data()), cache.size(),
        [&](const ctypes::detail::ld_cache::entry &e) {
            const std::string key(e.key);
            const auto so = key.find(".so");
            if (key.compare(0, 3, "lib") == 0 && so != std::string::npos && so > 3)
                names.push_back(key.substr(3, so - 3));
            return false;
        });
    return names;
}

bool file_exists(const char *path) {
    struct stat st;
    return ::stat(path, &st) == 0;
}

// A new-format loader cache with these keys, in this order, for the running ABI; each maps to
// "/x/<key>".
std::string build_cache(const std::vector<std::string> &keys) {
    std::string cache(48 + keys.size() * 24, '\0');
    std::memcpy(&cache[0], "glibc-ld.so.cache1.1", 20);
    const std::uint32_t n = static_cast<std::uint32_t>(keys.size());
    std::memcpy(&cache[20], &n, 4);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::uint32_t key = static_cast<std::uint32_t>(cache.size());
        cache += keys[i] + '\0';
        const std::uint32_t value = static_cast<std::uint32_t>(cache.size());
        cache += "/x/" + keys[i] + '\0';
        const std::int32_t flags = ctypes::detail::ld_cache::running_abi();
        std::memcpy(&cache[48 + i * 24], &flags, 4);
        std::memcpy(&cache[48 + i * 24 + 4], &key, 4);
        std::memcpy(&cache[48 + i * 24 + 8], &value, 4);
    }
    return cache;
}

// A loader cache in `format` ("old", "compat" or "new") that ldconfig writes into `dir` from a
// configuration of the test's own: ldconfig's built-in trusted directories and `dir`/lib, which
// holds a copy of the dep fixture. Never /etc/ld.so.conf: on a machine with multiarch i386
// libraries `ldconfig -c old` over the system's configuration can abort (a glibc double free).
// Links are never created (-X). Returns the cache's bytes.
std::string write_cache(const std::string &dir, const std::string &format) {
    const std::string lib = dir + "/lib";
    const std::string dep = CTYPES_TEST_DEP;
    if (!file_exists(lib.c_str())) {
        REQUIRE(::mkdir(lib.c_str(), 0700) == 0);
        write_file(lib + dep.substr(dep.rfind('/')), read_file(dep));
        write_file(dir + "/ld.so.conf", lib + "\n");
    }
    const std::string file = dir + "/" + format + ".cache";
    run("/sbin/ldconfig -X -c " + format + " -f " + dir + "/ld.so.conf -C " + file +
        " 2>/dev/null");
    return read_file(file);
}

// The removal of write_cache's files.
void remove_caches(const std::string &dir) {
    const std::string dep = CTYPES_TEST_DEP;
    for (const char *format : {"old", "compat", "new"})
        std::remove((dir + "/" + format + ".cache").c_str());
    std::remove((dir + "/lib" + dep.substr(dep.rfind('/'))).c_str());
    ::rmdir((dir + "/lib").c_str());
    std::remove((dir + "/ld.so.conf").c_str());
    ::rmdir(dir.c_str());
}

// Every entry of a cache as "key => value", sorted: from our reader, or from what
// `ldconfig -p` prints of the same file.
std::vector<std::string> entries_read(const std::string &cache) {
    std::vector<std::string> out;
    ctypes::detail::ld_cache::for_each_entry(
        reinterpret_cast<const unsigned char *>(cache.data()), cache.size(),
        [&](const ctypes::detail::ld_cache::entry &e) {
            out.push_back(std::string(e.key) + " => " + std::string(e.value));
            return false;
        });
    std::sort(out.begin(), out.end());
    return out;
}
std::vector<std::string> entries_printed(const std::string &file) {
    // Lines "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1".
    std::istringstream lines(run("/sbin/ldconfig -p -C " + file));
    std::vector<std::string> out;
    for (std::string line; std::getline(lines, line);) {
        const auto flags = line.find(" (");
        const auto arrow = line.rfind(" => ");
        if (line.empty() || line[0] != '\t' || flags == std::string::npos ||
            arrow == std::string::npos)
            continue;
        out.push_back(line.substr(1, flags - 1) + line.substr(arrow));
    }
    std::sort(out.begin(), out.end());
    return out;
}
#endif

} // namespace

TEST_CASE("library_filename decorates a short name the platform's way", "[find]") {
#if defined(_WIN32)
    CHECK(ctypes::library_filename("z") == "z.dll");
#elif defined(__APPLE__)
    CHECK(ctypes::library_filename("z") == "libz.dylib");
#else
    CHECK(ctypes::library_filename("z") == "libz.so");
    CHECK(ctypes::library_filename("sqlite3") == "libsqlite3.so");
#endif
}

#if defined(__linux__) && defined(__GLIBC__)

TEST_CASE("find_library gives the sonames ctypes gives for the usual libraries", "[find][posix]") {
    CHECK(ctypes::find_library("z") == "libz.so.1");
    CHECK(ctypes::find_library("m") == "libm.so.6");
    CHECK(ctypes::find_library("c") == "libc.so.6");
    CHECK(ctypes::find_library("sqlite3") == "libsqlite3.so.0");
    CHECK(ctypes::find_library("ctypes_no_such_library_anywhere").empty());
    CHECK(ctypes::find_library("").empty());
    CHECK(ctypes::find_library("/lib/libz").empty());
    // What it returns is what the loader accepts.
    ctypes::CDLL libz{ctypes::find_library("z")};
    CHECK(libz.has("crc32"));
}

TEST_CASE("find_library agrees with Python's ctypes.util.find_library for every name in the "
          "loader cache",
          "[find][posix][python]") {
    if (!file_exists("/usr/bin/python3"))
        FAIL("Debian's /usr/bin/python3 is needed for this comparison (apt-get install python3)");
    const std::string cache = read_file("/etc/ld.so.cache");
    std::vector<std::string> names = names_in(cache);
    REQUIRE(names.size() > 50);
    // Names that are not in the cache at all, and near misses.
    for (const char *extra : {"ctypes_no_such_library", "zz", "sqlite", "ssl", "crypto", "stdc++"})
        names.emplace_back(extra);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());

    const std::string list_file = temp_dir() + "/names";
    std::string list;
    for (const std::string &n : names)
        list += n + "\n";
    write_file(list_file, list);
    const std::string out = run("/usr/bin/python3 -c 'import sys, ctypes.util\n"
                                "for n in open(sys.argv[1]).read().split():\n"
                                "    print(n, ctypes.util.find_library(n) or \"\")' " +
                                list_file);
    std::istringstream lines(out);
    std::string line;
    std::size_t compared = 0, found = 0;
    while (std::getline(lines, line)) {
        const auto space = line.find(' ');
        REQUIRE(space != std::string::npos);
        const std::string name = line.substr(0, space), python = line.substr(space + 1);
        INFO("find_library(\"" << name << "\")");
        CHECK(ctypes::find_library(name) == python);
        ++compared;
        found += python.empty() ? 0 : 1;
    }
    CHECK(compared == names.size());
    CHECK(found > 50);
    std::remove(list_file.c_str());
}

TEST_CASE("find_library looks in LD_LIBRARY_PATH when the cache has nothing, as ctypes does",
          "[find][posix][python]") {
    // libctypes_fixture_dep.so is a link to libctypes_fixture_dep.so.3, whose soname that is.
    const std::string dep = CTYPES_TEST_DEP;
    const std::string dir = dep.substr(0, dep.rfind('/'));
    const char *old = std::getenv("LD_LIBRARY_PATH");
    const std::string saved = old ? old : "";
    CHECK(ctypes::find_library("ctypes_fixture_dep").empty());
    // An empty entry (the current directory, to glibc) is skipped, not searched.
    ::setenv("LD_LIBRARY_PATH", ("::" + dir).c_str(), 1);
    const std::string ours = ctypes::find_library("ctypes_fixture_dep");
    const std::string python =
        run("/usr/bin/python3 -c 'import ctypes.util; "
            "print(ctypes.util.find_library(\"ctypes_fixture_dep\") or \"\")'");
    if (old)
        ::setenv("LD_LIBRARY_PATH", saved.c_str(), 1);
    else
        ::unsetenv("LD_LIBRARY_PATH");
    CHECK(ours == "libctypes_fixture_dep.so.3");
    CHECK(ours + "\n" == python);
}

TEST_CASE("the cache parser reads all three formats ldconfig writes", "[find][posix]") {
    if (!file_exists("/sbin/ldconfig"))
        FAIL("/sbin/ldconfig is needed to write caches in each format");
    const std::string dir = temp_dir();
    const std::string dep = CTYPES_TEST_DEP;
    const std::string dep_file = dep.substr(dep.rfind('/') + 1); // libctypes_fixture_dep.so.3
    for (const char *format : {"old", "compat", "new"}) {
        INFO("format " << format);
        const std::string bytes = write_cache(dir, format);
        REQUIRE(bytes.size() > 100);
        const std::string magic = std::string(format) == "new" ? "glibc-ld.so" : "ld.so-1.7.0";
        CHECK(bytes.compare(0, 11, magic) == 0);
        // Every entry, of every ABI, as ldconfig itself reads the file back.
        const std::vector<std::string> ours = entries_read(bytes);
        CHECK(ours.size() > 50);
        CHECK(ours == entries_printed(dir + "/" + format + ".cache"));
        // The private directory's library is among them. (Its ABI flags are ldconfig's guess:
        // an i386 library that needs no libc is plain "ELF", not libc6.)
        CHECK(std::count(ours.begin(), ours.end(), dep_file + " => " + dir + "/lib/" + dep_file) ==
              1);
    }
    // The old format and the new agree on every name.
    const std::string old_format = write_cache(dir, "old");
    const std::string new_format = write_cache(dir, "new");
    std::size_t found = 0;
    for (const std::string &name : names_in(new_format)) {
        INFO("name " << name);
        CHECK(find_in(old_format, name) == find_in(new_format, name));
        found += find_in(new_format, name).empty() ? 0 : 1;
    }
#if defined(__x86_64__) && !defined(__ILP32__)
    CHECK(found > 50); // ldconfig's trusted directories hold the running ABI's libraries
#endif
    (void)found;
    remove_caches(dir);
}

TEST_CASE("the cache parser keeps to the running ABI", "[find][posix]") {
    const std::string cache = read_file("/etc/ld.so.cache");
    namespace c = ctypes::detail::ld_cache;
    // Each entry found is one whose flags are the running ABI's.
    std::size_t running = 0, other = 0;
    c::for_each_entry(reinterpret_cast<const unsigned char *>(cache.data()), cache.size(),
                      [&](const c::entry &e) {
                          (e.flags == c::running_abi() ? running : other) += 1;
                          return false;
                      });
    CHECK(running > 50);
#if defined(__x86_64__) && !defined(__ILP32__)
    CHECK(c::running_abi() == 0x0303);
    // The multilib i386 and x32 entries, where installed, are not ours.
    if (other > 0) {
        const bool other_abi_found =
            !find_in(cache, "c", c::flag_elf_libc6).empty() ||
            !find_in(cache, "c", c::flag_elf_libc6 | c::flag_x8664_libx32).empty();
        CHECK(other_abi_found);
    }
#endif
    CHECK(find_in(cache, "z", 0x7f03).empty()); // an ABI no cache has
}

TEST_CASE("the newest version wins, by the loader's own ordering", "[find]") {
    namespace c = ctypes::detail::ld_cache;
    CHECK(c::compare_names("libfoo.so.10", "libfoo.so.9") > 0);
    CHECK(c::compare_names("libfoo.so.1", "libfoo.so") > 0);
    CHECK(c::compare_names("libfoo.so.1.2", "libfoo.so.1.10") < 0);
    CHECK(c::compare_names("libfoo.so.2", "libfoo.so.2") == 0);
    CHECK(c::compare_names("libfoo.so.99999999999999999999999", "libfoo.so.1") > 0);
    // A hand-built new-format cache, entries deliberately in the wrong order.
    const std::string cache =
        build_cache({"libfoo.so", "libfoo.so.2", "libfoo.so.10", "libfoobar.so.99"});
    CHECK(find_in(cache, "foo") == "libfoo.so.10");
    CHECK(find_in(cache, "foobar") == "libfoobar.so.99");
    CHECK(find_in(cache, "fo").empty());
    std::string file;
    CHECK(c::lookup(reinterpret_cast<const unsigned char *>(cache.data()), cache.size(),
                    "libfoo.so.2", file));
    CHECK(file == "/x/libfoo.so.2");
}

TEST_CASE("the loader cache is read once and read again when the file changes", "[find][posix]") {
    namespace s = ctypes::detail::search;
    const std::string dir = temp_dir();
    const std::string path = dir + "/ld.so.cache";
    write_file(path, build_cache({"libfoo.so.1", "libbar.so.7"}));
    s::ld_cache_file file(path);
    CHECK(file.reads() == 0);
    CHECK(file.find("foo") == "libfoo.so.1");
    CHECK(file.find("bar") == "libbar.so.7");
    CHECK(file.find("foo") == "libfoo.so.1");
    CHECK(file.find("baz").empty());
    CHECK(file.reads() == 1);

    // ldconfig's way: a new file renamed over the old one (another inode).
    write_file(path + ".new", build_cache({"libfoo.so.2"}));
    REQUIRE(std::rename((path + ".new").c_str(), path.c_str()) == 0);
    CHECK(file.find("foo") == "libfoo.so.2");
    CHECK(file.find("bar").empty());
    CHECK(file.reads() == 2);

    // Rewritten in place with the same size: the modification time tells.
    write_file(path, build_cache({"libfoo.so.3"}));
    const struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    CHECK(file.find("foo") == "libfoo.so.3");
    CHECK(file.reads() == 3);

    // Corrupt, then gone, then back.
    write_file(path, "glibc-ld.so.cache1.1 truncated");
    CHECK(file.find("foo").empty());
    std::remove(path.c_str());
    CHECK(file.find("foo").empty());
    write_file(path, build_cache({"libfoo.so.4"}));
    CHECK(file.find("foo") == "libfoo.so.4");
    CHECK(file.reads() == 5);
    std::remove(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("the kept loader cache gives what a fresh read of /etc/ld.so.cache gives",
          "[find][posix]") {
    const std::string cache = read_file("/etc/ld.so.cache");
    std::vector<std::string> names = names_in(cache);
    REQUIRE(names.size() > 50);
    names.push_back("ctypes_no_such_library");
    names.push_back("");
    auto &kept = ctypes::detail::search::system_ld_cache();
    for (int round = 0; round < 2; ++round)
        for (const std::string &name : names) {
            INFO(name);
            CHECK(kept.find(name) == find_in(cache, name));
        }
}

TEST_CASE("truncated and corrupted caches give an empty result, never a crash", "[find][posix]") {
    namespace c = ctypes::detail::ld_cache;
    const std::string real = read_file("/etc/ld.so.cache");
    REQUIRE(real.size() > 1000);
    std::string compat;
    if (file_exists("/sbin/ldconfig")) {
        const std::string dir = temp_dir();
        compat = write_cache(dir, "compat");
        remove_caches(dir);
    }
    for (const std::string *source : {&real, static_cast<const std::string *>(&compat)}) {
        if (source->empty())
            continue;
        const std::string &bytes = *source;
        // Truncated anywhere: an exact copy in a buffer of that size (so ASan sees any overread).
        for (std::size_t cut = 0; cut < bytes.size(); cut += (cut < 256 ? 1 : 97)) {
            std::vector<unsigned char> part(bytes.begin(),
                                            bytes.begin() + static_cast<std::ptrdiff_t>(cut));
            const std::string z = c::find(part.data(), part.size(), "z");
            // A cut anywhere in the header, entries or strings makes the whole cache unreadable.
            INFO("cut at " << cut << " of " << bytes.size());
            if (cut < bytes.size() / 2)
                CHECK(z.empty());
            else
                CHECK((z.empty() || z == "libz.so.1"));
        }
        // Flipped bytes: every result stays a NUL-free name inside the buffer, or empty.
        std::uint32_t seed = 12345;
        for (int round = 0; round < 2000; ++round) {
            std::vector<unsigned char> bad(bytes.begin(), bytes.end());
            for (int k = 0; k < 1 + round % 8; ++k) {
                seed = seed * 1103515245u + 12345u;
                const std::size_t at = (round < 600 ? seed % 64 : seed % bad.size());
                bad[at] = static_cast<unsigned char>(bad[at] ^ (1u << (seed >> 28 & 7)));
            }
            const std::string z = c::find(bad.data(), bad.size(), "z");
            CHECK(z.find('\0') == std::string::npos);
        }
    }
    // Counts that claim more entries than the file holds.
    std::string huge = real.substr(0, 48);
    const std::uint32_t lots = 0xffffffffu;
    std::memcpy(&huge[20], &lots, 4);
    CHECK(find_in(huge, "z").empty());
    std::string old_huge = "ld.so-1.7.0";
    old_huge.resize(16, '\0');
    std::memcpy(&old_huge[12], &lots, 4);
    CHECK(find_in(old_huge, "z").empty());
    CHECK(c::find(nullptr, 0, "z").empty());
    CHECK(find_in("not a cache at all, not even close to one, really not", "z").empty());
}

TEST_CASE("try_decorated loads the decorated forms of a short name", "[find][posix]") {
    ctypes::CDLL libz{"z", ctypes::try_decorated};
    CHECK(libz.name() == "z");
    CHECK(libz.has("crc32"));
    CHECK_THROWS_AS(ctypes::CDLL("z"), ctypes::load_error);
    try {
        ctypes::CDLL missing{"ctypes_nothing_like_this", ctypes::try_decorated};
        FAIL("loaded a library that does not exist");
    } catch (const ctypes::load_error &e) {
        CHECK_THAT(e.what(), Catch::StartsWith("ctypes: cannot load 'ctypes_nothing_like_this': "
                                               "also tried 'libctypes_nothing_like_this.so': "));
        CHECK_THAT(e.what(), Catch::EndsWith("No such file or directory"));
    }
    std::error_code ec;
    ctypes::CDLL quiet{"ctypes_nothing_like_this", ctypes::try_decorated, ec};
    CHECK(ec == ctypes::errc::load_failed);
    CHECK_FALSE(quiet);
}

TEST_CASE("a bare name never loads from the current directory", "[find][posix][safety]") {
    const std::string dir = temp_dir();
    const std::string bare = "libctypes_cwd_probe.so";
    write_file(dir + "/" + bare, read_file(CTYPES_TEST_SHAPES));
    char old_cwd[4096];
    REQUIRE(::getcwd(old_cwd, sizeof old_cwd) != nullptr);
    REQUIRE(::chdir(dir.c_str()) == 0);
    std::error_code bare_ec, decorated_ec, dotted_ec;
    ctypes::CDLL by_bare{bare, bare_ec};
    ctypes::CDLL by_short{"ctypes_cwd_probe", ctypes::try_decorated, decorated_ec};
    const std::string found = ctypes::find_library("ctypes_cwd_probe");
    // The same file with a directory in its name does load: the refusal above is the rule.
    ctypes::CDLL by_path{"./" + bare, dotted_ec};
    const bool was_loaded = ctypes::is_loaded(dir + "/" + bare);
    REQUIRE(::chdir(old_cwd) == 0);
    CHECK(bare_ec == ctypes::errc::load_failed);
    CHECK(decorated_ec == ctypes::errc::load_failed);
    CHECK(found.empty());
    CHECK_FALSE(dotted_ec);
    CHECK(was_loaded);
    CHECK(by_path.unload());
    std::remove((dir + "/" + bare).c_str());
    ::rmdir(dir.c_str());
}

#endif
