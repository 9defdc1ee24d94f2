// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// libFuzzer target: the PE import-directory reader (a file on disk, read when a load failed) and
// the export-directory walk (an image as the loader maps it) on arbitrary bytes. Neither may crash,
// read out of bounds or hang, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <ctypes/detail/windows/pe_file.hpp>

#include "../pe_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    namespace pe = ctypes::detail::pe;
    std::vector<std::string> imports;
    (void)pe::read_imports(data, size, imports);
    std::size_t total = 0;
    for (const std::string &name : imports)
        total += name.size();
    // The export walk over the image the loader would map from these bytes, and over the bytes
    // themselves taken as an image (headers and directories that the mapping would not make).
    const auto visit = [&](const pe::export_entry &e) {
        total += e.name.size() + static_cast<std::size_t>(e.what) + e.rva;
        return false;
    };
    const std::vector<unsigned char> image = test_pe::map_image(data, size);
    (void)pe::for_each_export(image.data(), image.size(), visit);
    (void)pe::for_each_export(data, size, visit);
    return total == static_cast<std::size_t>(-1) ? 1 : 0;
}
