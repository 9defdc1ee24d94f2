// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// libFuzzer target: the loader-cache parser and the ELF dynamic-section reader on arbitrary
// bytes. Neither may crash, read out of bounds or hang, whatever the input.
#include <cstddef>
#include <cstdint>

#include <ctypes/detail/ld_cache.hpp>
#include <ctypes/detail/posix/elf_file.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    namespace c = ctypes::detail::ld_cache;
    std::size_t total = 0;
    c::for_each_entry(data, size, [&](const c::entry &e) {
        total += e.key.size() + e.value.size();
        (void)c::compare_names(e.key, e.value);
        return false;
    });
    (void)c::find(data, size, "z");
    (void)c::find(data, size, "c", c::flag_elf_libc6);
    std::string file;
    (void)c::lookup(data, size, "libz.so.1", file);
    (void)ctypes::detail::elf_file::read_dynamic(data, size);
    return total == static_cast<std::size_t>(-1) ? 1 : 0;
}
