// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The lookup in a library's own hash table against dlsym's own answers, over every export of
// the system's libc, libm, libz and libsqlite3.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#if defined(__linux__) && defined(__GLIBC__)
#include <ctypes/detail/posix/own_symbols.hpp>

#include <dlfcn.h>
#include <link.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

struct export_entry {
    unsigned type = 0;        // of the last entry with that name
    bool indirect = false;    // some entry of that name is a GNU_IFUNC or TLS symbol
    unsigned definitions = 0; // entries of that name in .dynsym: more than one with versions
};

// Every defined, non-local name of the library's .dynsym, read through its link map.
std::map<std::string, export_entry> exports_of(void *handle) {
    struct link_map *map = nullptr;
    REQUIRE(::dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0);
    const ctypes::detail::elf::dynamic_tables tables = ctypes::detail::elf::read_tables(map);
    REQUIRE(tables.usable());
    std::map<std::string, export_entry> out;
    ctypes::detail::elf::for_each_symbol(tables, [&](const ElfW(Sym) & s, const char *name) {
        export_entry &e = out[name];
        e.type = ELF64_ST_TYPE(s.st_info);
        e.indirect = e.indirect || e.type == STT_GNU_IFUNC || e.type == STT_TLS;
        ++e.definitions;
    });
    return out;
}

void check_against_dlsym(const char *soname) {
    INFO(soname);
    ctypes::CDLL lib{soname};
    void *handle = lib.native_handle();
    const auto own = ctypes::detail::own_symbols::of(handle);
    const auto exports = exports_of(handle);
    struct link_map *map = nullptr;
    REQUIRE(::dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0);
    const ctypes::detail::elf::dynamic_tables tables = ctypes::detail::elf::read_tables(map);
    REQUIRE(exports.size() > 50);
    std::size_t answered = 0, with_versions = 0, functions = 0;
    for (const auto &[name, entry] : exports) {
        INFO(name);
        void *fast = nullptr;
        ctypes::detail::symbol_facts facts;
        std::uint32_t index = ctypes::detail::no_symbol_index;
        const bool found = own.find(name.c_str(), fast, facts, index);
        void *slow = ::dlsym(handle, name.c_str());
        if (entry.type == STT_GNU_IFUNC || entry.type == STT_TLS)
            CHECK_FALSE(found); // left to dlsym
        if (!found) {
            // Left to dlsym only where dlsym has no plain answer (a version's own name, a
            // symbol with only old versions) or runs a resolver or the TLS machinery.
            CHECK((slow == nullptr || entry.indirect));
            continue;
        }
        ++answered;
        if (entry.definitions > 1)
            ++with_versions;
        CHECK(fast == slow);
        // The index names the entry that answered: what shared records are keyed on.
        CHECK(std::string(tables.strtab + tables.symtab[index].st_name) == name);
        // The kind and size the old path read from the symbol table.
        const ctypes::detail::symbol_facts old =
            ctypes::detail::native_loader::facts_of(handle, slow, name.c_str());
        CHECK(facts.kind == old.kind);
        CHECK(facts.size == old.size);
        // And what the public lookup hands out.
        if (facts.kind == ctypes::symbol_kind::object) {
            std::error_code ec;
            auto f = lib.get<void()>(name, ec);
            CHECK(ec == ctypes::errc::not_a_function);
        } else {
            functions += facts.kind == ctypes::symbol_kind::function;
            auto f = lib.get<void()>(name);
            CHECK(reinterpret_cast<void *>(f.address()) == slow);
            // A second lookup shares the first one's record.
            auto again = lib.get<void()>(name);
            CHECK(&again.name() == &f.name());
        }
    }
    CHECK(answered > 50); // this cannot pass by leaving everything to dlsym
    CHECK(functions > 0);
    if (std::string(soname) == "libc.so.6")
        CHECK(with_versions > 10); // realpath, pthread_cond_wait, ...: the default version wins
}

} // namespace

TEST_CASE("the own-table lookup gives dlsym's address for every export of libc, libm, libz and "
          "libsqlite3",
          "[lookup][posix]") {
    check_against_dlsym("libc.so.6");
    check_against_dlsym("libm.so.6");
    check_against_dlsym("libz.so.1");
    check_against_dlsym("libsqlite3.so.0");
}

TEST_CASE("names libz does not define itself still resolve as dlsym resolves them",
          "[lookup][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    const auto own = ctypes::detail::own_symbols::of(libz.native_handle());
    void *p = nullptr;
    ctypes::detail::symbol_facts facts;
    std::uint32_t index = 0;
    // libz imports free from libc: undefined in its own table, found in its dependency.
    CHECK_FALSE(own.find("free", p, facts, index));
    auto f = libz.get<void(void *)>("free");
    CHECK(reinterpret_cast<void *>(f.address()) == ::dlsym(libz.native_handle(), "free"));
    // A miss everywhere keeps dlsym's message.
    CHECK_FALSE(own.find("ctypes_no_such_symbol", p, facts, index));
    std::error_code ec;
    CHECK_FALSE(libz.try_get<void()>("ctypes_no_such_symbol"));
    auto missing = libz.get<void()>("ctypes_no_such_symbol", ec);
    CHECK_FALSE(missing);
    CHECK(ec == ctypes::errc::symbol_not_found);
    // An IFUNC (libc's memcpy) goes to dlsym, which runs the resolver.
    ctypes::CDLL libc{"libc.so.6"};
    CHECK_FALSE(
        ctypes::detail::own_symbols::of(libc.native_handle()).find("memcpy", p, facts, index));
    auto memcpy_fn = libc.get<void *(void *, const void *, std::size_t)>("memcpy");
    CHECK(reinterpret_cast<void *>(memcpy_fn.address()) == ::dlsym(libc.native_handle(), "memcpy"));
    // No tables at all: everything is left to dlsym.
    CHECK_FALSE(ctypes::detail::own_symbols::of(nullptr).find("crc32", p, facts, index));
    CHECK_FALSE(
        ctypes::detail::own_symbols::of(libz.native_handle()).find(nullptr, p, facts, index));
}

// A lookup the library's own table answers, without capture bits, allocates nothing: its record
// (the name) is the symbol's shared one (bench/README.md, lookups). Everything a handle reports
// stays as it was for a record of its own.
TEST_CASE("plain lookups of a symbol share one record; capturing and loader-answered lookups "
          "keep their own",
          "[lookup][memory][posix]") {
    using crc32_t = unsigned long(unsigned long, const unsigned char *, unsigned);
    ctypes::CDLL libz{"libz.so.1"};
    auto a = libz.get<crc32_t>("crc32");
    const auto b = libz.get<crc32_t>("crc32");
    const auto other_type = libz.get<void()>("crc32");
    CHECK(&a.name() == &b.name());
    CHECK(&other_type.name() == &a.name());
    CHECK(b.name() == "crc32");
    CHECK(b.flags() == ctypes::call_flags{});
    CHECK(&libz.get<crc32_t>("adler32").name() != &a.name());
    // The record outlives the handles that shared it: the library's state keeps it.
    const std::string *shared = &a.name();
    a = {};
    CHECK(a.name().empty());
    CHECK(b.name() == "crc32");
    CHECK(&libz.get<crc32_t>("crc32").name() == shared);
    // use_errno: a record of its own with the capture bits; the plain lookups are unaffected.
    const auto capturing = libz.get<crc32_t>("crc32", ctypes::use_errno);
    CHECK(&capturing.name() != shared);
    CHECK(capturing.name() == "crc32");
    CHECK(capturing.flags() == ctypes::use_errno);
    CHECK(libz.get<crc32_t>("crc32").flags() == ctypes::call_flags{});
    CHECK(capturing(0, reinterpret_cast<const unsigned char *>("a"), 1) ==
          b(0, reinterpret_cast<const unsigned char *>("a"), 1));
    // Another library object of the same file has its own state and its own records.
    ctypes::CDLL again{"libz.so.1"};
    CHECK(&again.get<crc32_t>("crc32").name() != shared);
    // A name the loader answers (free, from libz's dependency) keeps a record per lookup.
    const auto free_a = libz.get<void(void *)>("free");
    const auto free_b = libz.get<void(void *)>("free");
    CHECK(&free_a.name() != &free_b.name());
    CHECK(free_b.name() == "free");
    // Variables share records the same way.
    ctypes::CDLL libc{"libc.so.6"};
    const auto environ_a = libc.var<char **>("environ");
    const auto environ_b = libc.var<char **>("environ");
    CHECK(&environ_a.name() == &environ_b.name());
    CHECK(environ_b.name() == "environ");
    CHECK(*environ_b.get() == *environ_a.get());
}

// Threads looking up the same symbols at once each get a correct handle, and one record per
// symbol (run under ThreadSanitizer in CI).
TEST_CASE("concurrent lookups of the same symbols share one record per symbol",
          "[lookup][threads][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    // None of them an IFUNC (strlen, strcmp): dlsym answers those, with a record per lookup.
    static const char *const names[] = {"strtoul", "strtol", "abs",     "labs",    "atoi", "qsort",
                                        "getpid",  "atol",   "toupper", "tolower", "rand"};
    constexpr std::size_t count = sizeof names / sizeof names[0];
    constexpr int threads = 4;
    std::vector<std::vector<ctypes::function<void()>>> seen(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round)
                for (std::size_t i = 0; i < count; ++i) {
                    // Start in a different place per thread, so first lookups race.
                    auto f = libc.get<void()>(names[(i + static_cast<std::size_t>(t) * 3) % count]);
                    if (round == 0)
                        seen[static_cast<std::size_t>(t)].push_back(std::move(f));
                }
        });
    for (auto &w : workers)
        w.join();
    for (std::size_t i = 0; i < count; ++i) {
        const auto &first = seen[0][i];
        CHECK(first.name() == names[i % count]);
        for (int t = 1; t < threads; ++t) {
            const auto &f = seen[static_cast<std::size_t>(t)]
                                [(i + count - static_cast<std::size_t>(t) * 3 % count) % count];
            CHECK(&f.name() == &first.name());
            CHECK(f.address() == first.address());
        }
    }
}

#endif
