// Real system libraries through the façade: libc, libm, libz, libsqlite3. Their headers give
// constants and layouts only; nothing here links them.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cmath>
#include <cstring>
#include <string>
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
