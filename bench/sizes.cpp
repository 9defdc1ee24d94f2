// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// sizeof of every public handle type and the bytes a loaded library's state costs, against a
// raw pointer and Boost.DLL's import (bench/README.md, memory). Prints a Markdown table.
// The heap bytes are what operator new hands out while the object is made (the loader's own
// malloc, inside dlopen, is not counted for either library).
// g++ 12 takes the free() in the replaced operator delete below for a mismatch with the
// replaced operator new, which is malloc().
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <ctypes/ctypes.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#if CTYPES_BENCH_HAVE_BOOST_DLL
#include <boost/dll/import.hpp>
#include <boost/dll/shared_library.hpp>
#endif

namespace {
std::atomic<std::size_t> allocated{0};
} // namespace

void *operator new(std::size_t n) {
    allocated += n;
    if (void *p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

namespace {

template <class Make>
std::size_t heap_bytes(Make make) {
    const std::size_t before = allocated;
    auto object = make();
    const std::size_t after = allocated;
    (void)object;
    return after - before;
}

void row(const char *what, std::size_t size, const char *note) {
    std::printf("| %s | %zu | %s |\n", what, size, note);
}

} // namespace

int main() {
    std::printf("| type | sizeof (bytes) | note |\n|---|---:|---|\n");
    row("`int (*)(int, int)` (raw pointer)", sizeof(int (*)(int, int)), "the floor");
    row("`ctypes::function<int(int, int)>`", sizeof(ctypes::function<int(int, int)>),
        "target 24: address, library state, symbol record");
    row("`ctypes::variable<int>`", sizeof(ctypes::variable<int>),
        "target 24: address, library state, name record");
    row("`ctypes::owned_ptr<char>`", sizeof(ctypes::owned_ptr<char>),
        "target 24: pointer, library state, the free's record");
    row("`ctypes::callback<int(const void *, const void *)>`",
        sizeof(ctypes::callback<int(const void *, const void *)>), "");
    row("`ctypes::CDLL` (library)", sizeof(ctypes::CDLL), "");
#if CTYPES_BENCH_HAVE_BOOST_DLL
    using boost_import = decltype(boost::dll::import <int(int, int)>(
        std::declval<const boost::dll::fs::path &>(), std::declval<const char *>()));
    row("Boost.DLL `import<int(int, int)>` result", sizeof(boost_import), "");
    row("`boost::dll::shared_library`", sizeof(boost::dll::shared_library), "");
#endif
    std::printf("\n| object | heap bytes (operator new) |\n|---|---:|\n");
    std::printf("| `ctypes::CDLL{\"libz.so.1\"}`: the library's shared state | %zu |\n",
                heap_bytes([] { return ctypes::CDLL{"libz.so.1"}; }));
    std::printf("| of which `ctypes::detail::library_state` (sizeof, its reference count "
                "included; the rest is the path's characters) | %zu |\n",
                sizeof(ctypes::detail::library_state));
    const ctypes::CDLL libz{"libz.so.1"};
    using crc32_t = unsigned long(unsigned long, const unsigned char *, unsigned);
    std::printf("| `libz.get<unsigned long(unsigned long, const unsigned char *, unsigned)>"
                "(\"crc32\")`, the symbol's first lookup (its shared record and the library's "
                "table entry) | %zu |\n",
                heap_bytes([&] { return libz.get<crc32_t>("crc32"); }));
    std::printf("| of which `ctypes::detail::symbol_record` (sizeof: the name, the capture bits) "
                "| %zu |\n",
                sizeof(ctypes::detail::symbol_record));
    std::printf("| the same, a later lookup of the symbol | %zu |\n",
                heap_bytes([&] { return libz.get<crc32_t>("crc32"); }));
    const auto capturing = [&] { return libz.get<crc32_t>("crc32", ctypes::use_errno); };
    std::printf("| the same with `ctypes::use_errno`, the process's first (which also sets up the "
                "run-time thunks' arena) | %zu |\n",
                heap_bytes(capturing));
    std::printf("| the same with `ctypes::use_errno`, a later one (a record of its own, with its "
                "swap thunk) | %zu |\n",
                heap_bytes(capturing));
#if CTYPES_BENCH_HAVE_BOOST_DLL
    std::printf(
        "| Boost.DLL `import<...>(\"libz.so.1\", \"crc32\")` (library and function) | %zu |\n",
        heap_bytes([] {
            return boost::dll::import <unsigned long(unsigned long, const unsigned char *,
                                                     unsigned)>(
                "libz.so.1", "crc32", boost::dll::load_mode::search_system_folders);
        }));
#endif
    return 0;
}
