// The ctypes-cpp tour: real calls into real libraries, each printed with what came back.
//
//   cmake --workflow --preset tour
//
// libsum is built beside this program; every other library is found by its soname, the way
// the system's loader finds it.
#include <ctypes/ctypes.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

void step(const char *what) {
    std::printf("\n== %s\n", what);
}

void tour_libsum() {
    step("libsum: the seeds' our_function(int, int*)");
    ctypes::CDLL libsum{CTYPES_TOUR_LIBSUM};
    auto our_function = libsum.get<int(int, int *)>("our_function");
    int nums[] = {1, 2, 3};
    std::printf("loaded %s\n", libsum.path().c_str());
    std::printf("our_function(3, {1, 2, 3}) = %d\n", our_function(3, nums));
}

void tour_libm() {
    step("libm: cos");
    ctypes::CDLL libm{"libm.so.6"};
    auto cos = libm.get<double(double)>("cos");
    std::printf("loaded %s\n", libm.path().c_str());
    std::printf("cos(0) = %g, cos(1) = %.6f\n", cos(0.0), cos(1.0));
}

void tour_libz() {
    step("libz: zlibVersion, crc32, compress, uncompress");
    ctypes::CDLL libz{"libz.so.1"};
    using byte = unsigned char;
    auto version = libz.get<const char *()>("zlibVersion");
    auto crc32 = libz.get<unsigned long(unsigned long, const byte *, unsigned)>("crc32");
    auto bound = libz.get<unsigned long(unsigned long)>("compressBound");
    auto compress = libz.get<int(byte *, unsigned long *, const byte *, unsigned long)>("compress");
    auto uncompress =
        libz.get<int(byte *, unsigned long *, const byte *, unsigned long)>("uncompress");

    std::printf("loaded %s, zlibVersion() = \"%s\"\n", libz.path().c_str(), version());
    const std::string text = "ctypes-cpp, ctypes-cpp, ctypes-cpp: Python's ctypes for C++";
    const auto *in = reinterpret_cast<const byte *>(text.data());
    std::printf("crc32 of %zu bytes = 0x%08lx\n", text.size(),
                crc32(0, in, static_cast<unsigned>(text.size())));

    std::vector<byte> packed(bound(text.size()));
    unsigned long packed_size = packed.size();
    int rc = compress(packed.data(), &packed_size, in, text.size());
    std::printf("compress -> %d (Z_OK is 0), %zu bytes became %lu\n", rc, text.size(), packed_size);
    std::vector<byte> out(text.size());
    unsigned long out_size = out.size();
    rc = uncompress(out.data(), &out_size, packed.data(), packed_size);
    const bool same = out_size == text.size() && std::memcmp(out.data(), in, out_size) == 0;
    std::printf("uncompress -> %d, %lu bytes, round trip %s\n", rc, out_size,
                same ? "identical" : "DIFFERENT");
}

void tour_sqlite() {
    step("libsqlite3: sqlite3_libversion and an in-memory query");
    ctypes::CDLL lib{"libsqlite3.so.0"};
    struct sqlite3; // opaque handles: only pointers to them cross the boundary
    struct sqlite3_stmt;
    auto libversion = lib.get<const char *()>("sqlite3_libversion");
    auto open = lib.get<int(const char *, sqlite3 **)>("sqlite3_open");
    auto prepare = lib.get<int(sqlite3 *, const char *, int, sqlite3_stmt **, const char **)>(
        "sqlite3_prepare_v2");
    auto step_row = lib.get<int(sqlite3_stmt *)>("sqlite3_step");
    auto column_int = lib.get<int(sqlite3_stmt *, int)>("sqlite3_column_int");
    auto column_text = lib.get<const unsigned char *(sqlite3_stmt *, int)>("sqlite3_column_text");
    auto finalize = lib.get<int(sqlite3_stmt *)>("sqlite3_finalize");
    auto close = lib.get<int(sqlite3 *)>("sqlite3_close");

    std::printf("loaded %s, sqlite3_libversion() = \"%s\"\n", lib.path().c_str(), libversion());
    sqlite3 *db = nullptr;
    open(":memory:", &db);
    sqlite3_stmt *stmt = nullptr;
    const char *sql = "SELECT 6 * 7, 'ctypes' || '-cpp'";
    prepare(db, sql, -1, &stmt, nullptr);
    if (step_row(stmt) == 100 /* SQLITE_ROW */)
        std::printf("%s -> %d, '%s'\n", sql, column_int(stmt, 0),
                    reinterpret_cast<const char *>(column_text(stmt, 1)));
    finalize(stmt);
    close(db);
}

void tour_libc() {
    step("libc: strtol with use_errno");
    ctypes::CDLL libc{"libc.so.6", ctypes::use_errno};
    auto strtol = libc.get<long(const char *, char **, int)>("strtol");
    for (const char *input : {"12345", "99999999999999999999999"}) {
        ctypes::set_errno(0);
        const long value = strtol(input, nullptr, 10);
        const int err = ctypes::get_errno();
        std::printf("strtol(\"%s\") = %ld, errno = %d%s\n", input, value, err,
                    err == ERANGE ? " (ERANGE)" : "");
    }
}

// Runs one part of the tour. A library this system lacks is said and skipped: the tour goes on
// with the next part. Any other error is a real failure of the tour.
bool run(void (*part)()) {
    try {
        part();
        return true;
    } catch (const ctypes::load_error &e) {
        std::printf("skipped, a library is missing here: %s\n", e.what());
        return true;
    } catch (const ctypes::error &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return false;
    }
}

} // namespace

int main() {
    std::printf("ctypes-cpp %d.%d.%d tour\n", CTYPES_VERSION_MAJOR, CTYPES_VERSION_MINOR,
                CTYPES_VERSION_PATCH);
    bool ok = true;
    for (void (*part)() : {tour_libsum, tour_libm, tour_libz, tour_sqlite, tour_libc})
        ok = run(part) && ok;
    return ok ? 0 : 1;
}
