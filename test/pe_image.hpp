// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// What the Windows loader does to a DLL file before anything reads its exports, for the tests
// and the fuzzer of the PE readers on platforms without that loader: the headers and each
// section's raw data copied to their RVAs in an image of SizeOfImage bytes. The file is
// untrusted here too: every copy is bounded, and an image over 4 MiB is refused.
#ifndef CTYPES_TEST_PE_IMAGE_HPP
#define CTYPES_TEST_PE_IMAGE_HPP

#include <ctypes/detail/windows/pe_file.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace test_pe {

// The image the loader would map from `file`; empty when the headers do not add up.
inline std::vector<unsigned char> map_image(const unsigned char *file, std::size_t size) {
    namespace pe = ctypes::detail::pe;
    const auto fits = [&](std::uint64_t at, std::uint64_t n) {
        return at <= size && n <= size - at;
    };
    if (!fits(0, 0x40) || file[0] != 'M' || file[1] != 'Z')
        return {};
    const std::uint64_t nt = pe::u32(file + 0x3c);
    if (!fits(nt, 24 + 64) || std::memcmp(file + nt, "PE\0\0", 4) != 0)
        return {};
    const std::uint32_t sections = pe::u16(file + nt + 6);
    const std::uint64_t opt = nt + 24, table = opt + pe::u16(file + nt + 20);
    const std::uint32_t image_size = pe::u32(file + opt + 56);
    const std::uint32_t headers_size = pe::u32(file + opt + 60);
    if (image_size == 0 || image_size > (4u << 20))
        return {};
    std::vector<unsigned char> image(image_size, 0);
    std::memcpy(image.data(), file, std::min<std::uint64_t>({headers_size, size, image_size}));
    for (std::uint32_t i = 0; i < sections && i < pe::max_sections; ++i) {
        const std::uint64_t s = table + std::uint64_t{i} * 40;
        if (!fits(s, 40))
            break;
        const std::uint32_t vsize = pe::u32(file + s + 8), va = pe::u32(file + s + 12);
        const std::uint32_t raw_size = pe::u32(file + s + 16), raw_ptr = pe::u32(file + s + 20);
        if (raw_ptr >= size || va >= image_size)
            continue;
        std::uint64_t n = std::min<std::uint64_t>(raw_size, size - raw_ptr);
        n = std::min<std::uint64_t>(n, image_size - va);
        if (vsize != 0)
            n = std::min<std::uint64_t>(n, vsize);
        std::memcpy(image.data() + va, file + raw_ptr, static_cast<std::size_t>(n));
    }
    return image;
}

} // namespace test_pe

#endif
