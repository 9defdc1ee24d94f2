// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The PE readers (detail/windows/pe_file.hpp) on every platform: a real i686 DLL that mingw-w64
// built, compared with what objdump reads from it, and hostile images made from it.
#include <catch2/catch.hpp>

#include <ctypes/detail/windows/pe_file.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "pe_image.hpp"

namespace pe = ctypes::detail::pe;

TEST_CASE("the PE readers refuse what is not a PE image", "[inspect]") {
    std::vector<std::string> imports;
    CHECK_FALSE(pe::read_imports(nullptr, 0, imports));
    const std::vector<unsigned char> elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    CHECK_FALSE(pe::read_imports(elf.data(), elf.size(), imports));
    CHECK(imports.empty());
    bool visited = false;
    const auto visit = [&](const pe::export_entry &) { return visited = true; };
    CHECK_FALSE(pe::for_each_export(nullptr, 0, visit));
    CHECK_FALSE(pe::for_each_export(elf.data(), elf.size(), visit));
    // "MZ" and an e_lfanew pointing past the end.
    std::vector<unsigned char> mz(0x40, 0);
    mz[0] = 'M';
    mz[1] = 'Z';
    mz[0x3c] = 0xf0;
    CHECK_FALSE(pe::read_imports(mz.data(), mz.size(), imports));
    CHECK_FALSE(pe::for_each_export(mz.data(), mz.size(), visit));
    CHECK_FALSE(visited);
}

#if defined(CTYPES_TEST_I686_DLL)
namespace {

std::vector<unsigned char> file_bytes(const char *path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

// The i686 fixture DLL as the loader would map it.
std::vector<unsigned char> i686_image() {
    const std::vector<unsigned char> file = file_bytes(CTYPES_TEST_I686_DLL);
    return test_pe::map_image(file.data(), file.size());
}

std::set<std::string> exports_of(const std::vector<unsigned char> &image) {
    std::set<std::string> names;
    pe::for_each_export(image.data(), image.size(), [&](const pe::export_entry &e) {
        names.insert(std::string(e.name));
        return false;
    });
    return names;
}

std::vector<std::string> imports_of(const std::vector<unsigned char> &file) {
    std::vector<std::string> names;
    pe::read_imports(file.data(), file.size(), names);
    return names;
}
} // namespace

TEST_CASE("the PE readers on a real i686 DLL: exports as objdump lists them, its imports",
          "[inspect][win32-names]") {
    const std::vector<unsigned char> file = file_bytes(CTYPES_TEST_I686_DLL);
    const std::vector<unsigned char> image = i686_image();
    REQUIRE(file.size() > 1024);
    REQUIRE(image.size() == pe::mapped_size(image.data()));
    std::set<std::string> objdump;
    {
        std::ifstream in(CTYPES_TEST_I686_EXPORTS);
        for (std::string line; std::getline(in, line);)
            if (!line.empty())
                objdump.insert(line);
    }
    REQUIRE(objdump.count("std_8@8") == 1);
    CHECK(exports_of(image) == objdump);
    pe::export_entry std_8;
    pe::for_each_export(image.data(), image.size(), [&](const pe::export_entry &e) {
        std_8 = e;
        return e.name == "std_8@8";
    });
    CHECK(std_8.name == "std_8@8");
    CHECK(std_8.what == pe::export_entry::kind::code);

    std::vector<std::string> imports = imports_of(file);
    for (std::string &name : imports)
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    CHECK(std::count(imports.begin(), imports.end(), "kernel32.dll") == 1);
    CHECK(std::count(imports.begin(), imports.end(), "msvcrt.dll") == 1);
}

TEST_CASE("the PE readers on truncated and corrupted images: bounded, never a crash",
          "[inspect][win32-names]") {
    const std::vector<unsigned char> file = file_bytes(CTYPES_TEST_I686_DLL);
    const std::vector<unsigned char> image = i686_image();
    const std::set<std::string> whole = exports_of(image);
    REQUIRE(whole.size() > 10);
    // Truncated anywhere: an exact copy in a buffer of that size (so ASan sees any overread);
    // the names found are always some of the real ones.
    for (std::size_t cut = 0; cut < image.size(); cut += (cut < 1024 ? 7 : 211)) {
        INFO("cut at " << cut);
        const std::vector<unsigned char> part(image.begin(),
                                              image.begin() + static_cast<std::ptrdiff_t>(cut));
        for (const std::string &name : exports_of(part))
            CHECK(whole.count(name) == 1);
    }
    for (std::size_t cut = 0; cut < file.size(); cut += (cut < 1024 ? 7 : 211)) {
        const std::vector<unsigned char> part(file.begin(),
                                              file.begin() + static_cast<std::ptrdiff_t>(cut));
        for (const std::string &name : imports_of(part))
            CHECK(name.size() <= pe::max_name);
    }
    // Counts and offsets at their extremes in the export directory: refused, not followed.
    const std::uint32_t nt = pe::u32(image.data() + 0x3c);
    const std::uint32_t dir_rva = pe::u32(image.data() + nt + 24 + 96); // PE32: directory 0
    REQUIRE(dir_rva > 0);
    REQUIRE(dir_rva + 40 <= image.size());
    for (const std::size_t field : {20u, 24u, 28u, 32u, 36u}) {
        for (const std::uint32_t value : {0xffffffffu, 0x7fffffffu, 0xfffffff0u}) {
            INFO("field " << field << " = " << value);
            std::vector<unsigned char> bad = image;
            std::memcpy(&bad[dir_rva + field], &value, 4);
            CHECK(exports_of(bad).empty());
        }
    }
    // Flipped bytes: every name stays inside the buffer, without a NUL.
    std::uint32_t seed = 2024;
    for (int round = 0; round < 500; ++round) {
        std::vector<unsigned char> bad = round % 2 ? image : file;
        for (int k = 0; k < 1 + round % 8; ++k) {
            seed = seed * 1103515245u + 12345u;
            const std::size_t at = round < 200 ? seed % 1024 : seed % bad.size();
            bad[at] = static_cast<unsigned char>(bad[at] ^ (1u << (seed >> 28 & 7)));
        }
        std::size_t outside = 0;
        pe::for_each_export(bad.data(), bad.size(), [&](const pe::export_entry &e) {
            const auto *begin = reinterpret_cast<const char *>(bad.data());
            if (e.name.find('\0') != std::string::npos || e.name.data() < begin ||
                e.name.data() + e.name.size() > begin + bad.size())
                ++outside;
            return false;
        });
        CHECK(outside == 0);
        for (const std::string &name : imports_of(bad))
            CHECK(name.size() <= pe::max_name);
    }
}
#endif
