// Real system libraries through the façade: libc, libm, libz, libsqlite3. Their headers give
// constants and layouts only; nothing here links them.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>
#include <zlib.h>

TEST_CASE("libc: strlen, snprintf (variadic), abs", "[system][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    CHECK(libc.get<std::size_t(const char *)>("strlen")("ctypes") == 6);
    char buffer[64];
    auto snprintf = libc.get<int(char *, std::size_t, const char *, ...)>("snprintf");
    CHECK(snprintf(buffer, sizeof buffer, "%s-%d-%.2f-%c", "x", 42, 0.5f, 'z') == 11);
    CHECK(std::string(buffer) == "x-42-0.50-z");
    CHECK(libc.get<int(int)>("abs")(-9) == 9);
}

TEST_CASE("libm: cos, pow, and frexp with an out-pointer", "[system][posix]") {
    ctypes::CDLL libm{"libm.so.6"};
    CHECK(libm.get<double(double)>("cos")(0.0) == 1.0);
    CHECK(libm.get<double(double)>("cos")(M_PI) == Approx(-1.0));
    CHECK(libm.get<double(double, double)>("pow")(2.0, 10.0) == 1024.0);
    CHECK(libm.get<float(float)>("sqrtf")(2.25f) == 1.5f);
    int exponent = 0;
    CHECK(libm.get<double(double, int *)>("frexp")(8.0, &exponent) == 0.5);
    CHECK(exponent == 4);
}

TEST_CASE("libz: version, crc32, and a compress/uncompress round trip", "[system][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    CHECK(std::string(libz.get<const char *()>("zlibVersion")()) == ZLIB_VERSION);

    const std::string text = "ctypes-cpp calls zlib through a typed facade. "
                             "ctypes-cpp calls zlib through a typed facade.";
    const auto *bytes = reinterpret_cast<const Bytef *>(text.data());
    auto crc32 = libz.get<uLong(uLong, const Bytef *, uInt)>("crc32");
    const uLong crc = crc32(crc32(0, nullptr, 0), bytes, static_cast<uInt>(text.size()));
    CHECK(crc == crc32(0, bytes, static_cast<uInt>(text.size())));
    CHECK(crc32(0, reinterpret_cast<const Bytef *>("123456789"), 9) == 0xCBF43926ul);

    auto bound = libz.get<uLong(uLong)>("compressBound");
    auto compress = libz.get<int(Bytef *, uLongf *, const Bytef *, uLong)>("compress");
    auto uncompress = libz.get<int(Bytef *, uLongf *, const Bytef *, uLong)>("uncompress");
    std::vector<Bytef> packed(bound(text.size()));
    uLongf packed_size = packed.size();
    REQUIRE(compress(packed.data(), &packed_size, bytes, text.size()) == Z_OK);
    CHECK(packed_size < text.size());
    std::vector<char> unpacked(text.size());
    uLongf unpacked_size = unpacked.size();
    REQUIRE(uncompress(reinterpret_cast<Bytef *>(unpacked.data()), &unpacked_size, packed.data(),
                       packed_size) == Z_OK);
    CHECK(std::string(unpacked.data(), unpacked_size) == text);
}

TEST_CASE("libsqlite3: version and an in-memory query", "[system][posix]") {
    ctypes::CDLL lib{"libsqlite3.so.0"};
    CHECK(std::string(lib.get<const char *()>("sqlite3_libversion")()) == SQLITE_VERSION);

    auto open = lib.get<int(const char *, sqlite3 **)>("sqlite3_open");
    auto close = lib.get<int(sqlite3 *)>("sqlite3_close");
    auto prepare = lib.get<int(sqlite3 *, const char *, int, sqlite3_stmt **, const char **)>(
        "sqlite3_prepare_v2");
    auto step = lib.get<int(sqlite3_stmt *)>("sqlite3_step");
    auto column_int = lib.get<int(sqlite3_stmt *, int)>("sqlite3_column_int");
    auto column_text = lib.get<const unsigned char *(sqlite3_stmt *, int)>("sqlite3_column_text");
    auto finalize = lib.get<int(sqlite3_stmt *)>("sqlite3_finalize");
    auto errmsg = lib.get<const char *(sqlite3 *)>("sqlite3_errmsg");

    sqlite3 *db = nullptr;
    REQUIRE(open(":memory:", &db) == SQLITE_OK);
    sqlite3_stmt *stmt = nullptr;
    REQUIRE(prepare(db, "SELECT 6 * 7, upper('ctypes')", -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(step(stmt) == SQLITE_ROW);
    CHECK(column_int(stmt, 0) == 42);
    CHECK(std::string(reinterpret_cast<const char *>(column_text(stmt, 1))) == "CTYPES");
    CHECK(step(stmt) == SQLITE_DONE);
    CHECK(finalize(stmt) == SQLITE_OK);

    CHECK(prepare(db, "SELEKT nonsense", -1, &stmt, nullptr) == SQLITE_ERROR);
    CHECK(std::string(errmsg(db)).find("syntax error") != std::string::npos);
    CHECK(close(db) == SQLITE_OK);
}

// Bytes where C wants bytes (ctypes passes a c_char array or bytes wherever a c_ubyte or c_void_p
// pointer is declared): string buffers as unsigned char*, std::byte*, void*; byte containers as
// their const forms.
TEST_CASE("libz: Bytef* from string buffers, std::string, byte vectors and literals",
          "[system][posix][buffer]") {
    ctypes::CDLL libz{"libz.so.1"};
    auto crc32 = libz.get<uLong(uLong, const Bytef *, uInt)>("crc32");
    const std::string digits = "123456789";
    const std::vector<unsigned char> udigits(digits.begin(), digits.end());
    const std::vector<std::byte> bdigits(reinterpret_cast<const std::byte *>(digits.data()),
                                         reinterpret_cast<const std::byte *>(digits.data()) + 9);
    const std::array<char, 9> adigits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    auto buffer = ctypes::create_string_buffer(digits);
    const auto &const_buffer = buffer;
    CHECK(crc32(0, digits, 9) == 0xCBF43926ul);
    CHECK(crc32(0, std::string_view(digits), 9) == 0xCBF43926ul);
    CHECK(crc32(0, udigits, 9) == 0xCBF43926ul);
    CHECK(crc32(0, bdigits, 9) == 0xCBF43926ul);
    CHECK(crc32(0, adigits, 9) == 0xCBF43926ul);
    CHECK(crc32(0, buffer, 9) == 0xCBF43926ul);
    CHECK(crc32(0, const_buffer, 9) == 0xCBF43926ul);
    CHECK(crc32(0, "123456789", 9) == 0xCBF43926ul);
    CHECK(crc32(0, digits.c_str(), 9) == 0xCBF43926ul);
    CHECK(crc32(0, nullptr, 0) == 0ul);
    CHECK(crc32(0, udigits.data(), 9) == 0xCBF43926ul); // the pointer itself, as before

    // compress into a string buffer (Bytef* dest), uncompress from a byte vector into another.
    auto bound = libz.get<uLong(uLong)>("compressBound");
    auto compress = libz.get<int(Bytef *, uLongf *, const Bytef *, uLong)>("compress");
    auto uncompress = libz.get<int(Bytef *, uLongf *, const Bytef *, uLong)>("uncompress");
    const std::string text(300, 'z');
    auto packed = ctypes::create_string_buffer(bound(text.size()));
    uLongf packed_size = packed.size();
    REQUIRE(compress(packed, &packed_size, text, text.size()) == Z_OK);
    CHECK(packed_size < 40);
    const std::string raw = packed.raw().substr(0, packed_size);
    const std::vector<unsigned char> packed_bytes(raw.begin(), raw.end());
    auto unpacked = ctypes::create_string_buffer(text.size());
    uLongf unpacked_size = unpacked.size();
    REQUIRE(uncompress(unpacked, &unpacked_size, packed_bytes, packed_size) == Z_OK);
    CHECK(unpacked.raw() == text);

    // A buffer given raw bytes (ctypes buf.raw = ...) passes them as they are, NULs included.
    auto header = ctypes::create_string_buffer(4);
    header.assign_raw(std::string("\x78\0\x9c", 3));
    CHECK(header.raw() == std::string("\x78\0\x9c\0", 4));
    CHECK(crc32(0, header, 3) == crc32(0, std::string("\x78\0\x9c", 3), 3));
}

TEST_CASE("libc: memmove and memchr take buffers and containers as void*",
          "[system][posix][buffer]") {
    ctypes::CDLL libc{"libc.so.6"};
    auto memmove = libc.get<void *(void *, const void *, std::size_t)>("memmove");
    auto memchr = libc.get<const void *(const void *, int, std::size_t)>("memchr");
    auto buf = ctypes::create_string_buffer(8);
    const std::string source("ab\0cd", 5);
    CHECK(memmove(buf, source, source.size()) == buf.data());
    CHECK(buf.raw() == std::string("ab\0cd\0\0\0", 8));
    CHECK(memmove(buf.data() + 1, buf, 4) == buf.data() + 1); // overlapping, a plain pointer
    CHECK(buf.raw() == std::string("aab\0c\0\0\0", 8));
    const std::vector<std::uint8_t> bytes = {1, 2, 3, 0, 5};
    CHECK(memchr(bytes, 5, bytes.size()) == bytes.data() + 4);
    CHECK(memchr(bytes, 9, bytes.size()) == nullptr);
    CHECK(memchr(buf, 'c', buf.size()) == buf.data() + 4);
    auto wide = ctypes::create_unicode_buffer(L"xyz");
    CHECK(memchr(wide, 0, wide.size() * sizeof(wchar_t)) != nullptr);
    int numbers[] = {7, 8};
    CHECK(memchr(numbers, 8, sizeof numbers) != nullptr); // any object pointer, as before
}

// OpenSSL 3's EVP declarations, as <openssl/evp.h> has them (its header is not used: it needs the
// architecture's configuration.h, which an -m32 build on x86-64 does not have).
namespace {
struct evp_md;
struct evp_md_ctx;
struct engine;
constexpr int evp_max_md_size = 64; // EVP_MAX_MD_SIZE
} // namespace

TEST_CASE("libcrypto: EVP digests into unsigned char* buffers", "[system][posix][buffer]") {
    ctypes::CDLL crypto{"libcrypto.so.3"};
    auto sha256 = crypto.get<const evp_md *()>("EVP_sha256");
    auto digest = crypto.get<int(const void *, std::size_t, unsigned char *, unsigned int *,
                                 const evp_md *, engine *)>("EVP_Digest");
    const char *abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const auto hex = [](const std::string &raw) {
        std::string out;
        for (unsigned char c : raw) {
            const char *digits = "0123456789abcdef";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
        return out;
    };
    auto md = ctypes::create_string_buffer(evp_max_md_size);
    unsigned int size = 0;
    REQUIRE(digest(std::string("abc"), 3, md, &size, sha256(), nullptr) == 1);
    REQUIRE(size == 32);
    CHECK(hex(md.raw().substr(0, size)) == abc_sha256);

    // The streaming form: EVP_DigestUpdate's const void* and EVP_DigestFinal_ex's unsigned char*.
    auto ctx_new = crypto.get<evp_md_ctx *()>("EVP_MD_CTX_new");
    auto ctx_free = crypto.get<void(evp_md_ctx *)>("EVP_MD_CTX_free");
    auto init = crypto.get<int(evp_md_ctx *, const evp_md *, engine *)>("EVP_DigestInit_ex");
    auto update = crypto.get<int(evp_md_ctx *, const void *, std::size_t)>("EVP_DigestUpdate");
    auto final_ex =
        crypto.get<int(evp_md_ctx *, unsigned char *, unsigned int *)>("EVP_DigestFinal_ex");
    evp_md_ctx *ctx = ctx_new();
    REQUIRE(ctx != nullptr);
    CHECK(init(ctx, sha256(), nullptr) == 1);
    CHECK(update(ctx, std::vector<unsigned char>{'a', 'b'}, 2) == 1);
    CHECK(update(ctx, ctypes::create_string_buffer("c"), 1) == 1);
    auto out = ctypes::create_string_buffer(evp_max_md_size);
    size = 0;
    CHECK(final_ex(ctx, out, &size) == 1);
    ctx_free(ctx);
    CHECK(hex(out.raw().substr(0, size)) == abc_sha256);
}

// libuuid1 is part of every Debian system (util-linux); its header is not needed.
TEST_CASE("libuuid: uuid_t is unsigned char[16], and a buffer takes it",
          "[system][posix][buffer]") {
    ctypes::CDLL libuuid{"libuuid.so.1"};
    auto parse = libuuid.get<int(const char *, unsigned char *)>("uuid_parse");
    auto unparse = libuuid.get<void(const unsigned char *, char *)>("uuid_unparse_lower");
    auto is_null = libuuid.get<int(const unsigned char *)>("uuid_is_null");
    const std::string text = "0123abcd-4567-89ef-0123-456789abcdef";
    auto id = ctypes::create_string_buffer(16);
    CHECK(is_null(id) == 1);
    REQUIRE(parse(text, id) == 0);
    CHECK(is_null(id) == 0);
    CHECK(static_cast<unsigned char>(id[0]) == 0x01);
    CHECK(static_cast<unsigned char>(id[15]) == 0xef);
    auto back = ctypes::create_string_buffer(37);
    unparse(id, back);
    CHECK(back.value() == text);
    unsigned char raw[16] = {}; // uuid_t
    CHECK(parse("not a uuid", raw) == -1);
    const std::string bytes = id.raw();
    const std::vector<unsigned char> copy(bytes.begin(), bytes.end());
    CHECK(is_null(copy) == 0);
}
