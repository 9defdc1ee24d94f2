// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The lookup in a library's own hash table against dlsym's own answers, over every export of
// the system's libc, libm, libz and libsqlite3.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#if defined(__linux__) && defined(__GLIBC__)
#include <ctypes/detail/posix/own_symbols.hpp>

#include <dlfcn.h>
#include <link.h>

#include <map>
#include <string>

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
    REQUIRE(exports.size() > 50);
    std::size_t answered = 0, with_versions = 0, functions = 0;
    for (const auto &[name, entry] : exports) {
        INFO(name);
        void *fast = nullptr;
        ctypes::detail::symbol_facts facts;
        const bool found = own.find(name.c_str(), fast, facts);
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
    // libz imports free from libc: undefined in its own table, found in its dependency.
    CHECK_FALSE(own.find("free", p, facts));
    auto f = libz.get<void(void *)>("free");
    CHECK(reinterpret_cast<void *>(f.address()) == ::dlsym(libz.native_handle(), "free"));
    // A miss everywhere keeps dlsym's message.
    CHECK_FALSE(own.find("ctypes_no_such_symbol", p, facts));
    std::error_code ec;
    CHECK_FALSE(libz.try_get<void()>("ctypes_no_such_symbol"));
    auto missing = libz.get<void()>("ctypes_no_such_symbol", ec);
    CHECK_FALSE(missing);
    CHECK(ec == ctypes::errc::symbol_not_found);
    // An IFUNC (libc's memcpy) goes to dlsym, which runs the resolver.
    ctypes::CDLL libc{"libc.so.6"};
    CHECK_FALSE(ctypes::detail::own_symbols::of(libc.native_handle()).find("memcpy", p, facts));
    auto memcpy_fn = libc.get<void *(void *, const void *, std::size_t)>("memcpy");
    CHECK(reinterpret_cast<void *>(memcpy_fn.address()) == ::dlsym(libc.native_handle(), "memcpy"));
    // No tables at all: everything is left to dlsym.
    CHECK_FALSE(ctypes::detail::own_symbols::of(nullptr).find("crc32", p, facts));
    CHECK_FALSE(ctypes::detail::own_symbols::of(libz.native_handle()).find(nullptr, p, facts));
}

#endif
