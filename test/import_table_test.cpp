// Import tables declared from the libraries' own headers (import_table.hpp).
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <string>
#include <system_error>
#include <type_traits>

#include "platform.hpp"

// Declared here, exported by no library: what a newer header declares and an older library lacks.
extern "C" int ctypes_test_not_exported(int);
extern "C" int ctypes_test_not_exported_either(void);
extern "C" void ctypes_test_optional_absent(void);
// The shapes fixture exports `counter` as data: a table declaring it a function is refused.
extern "C" int counter(void);
extern "C" int our_function(int, int *);

namespace {
struct shapes_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(our_function);
    CTYPES_OPTIONAL_IMPORT(ctypes_test_not_exported);
};
struct broken_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(our_function);
    CTYPES_IMPORT(ctypes_test_not_exported);
    CTYPES_OPTIONAL_IMPORT(ctypes_test_optional_absent);
    CTYPES_IMPORT(ctypes_test_not_exported_either);
};
struct unfit_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(counter);
    CTYPES_IMPORT(ctypes_test_not_exported);
};
} // namespace

TEST_CASE("an import table resolves its entries together, and optional ones may be absent",
          "[import_table]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    const auto api = ctypes::import_all<shapes_api>(lib);
    CHECK(api.complete());
    CHECK(api.missing().empty());
    int nums[] = {1, 2, 3};
    CHECK(api.our_function(3, nums) == 6);
    CHECK(api.our_function.name() == "our_function");
    CHECK_FALSE(api.ctypes_test_not_exported);
    STATIC_REQUIRE(std::is_base_of_v<ctypes::function<int(int, int *)>,
                                     std::decay_t<decltype(api.our_function)>>);
    CHECK(lib.use_count() == 1); // the entry keeps the library mapped, as a function does
    auto copy = api;
    CHECK(copy.our_function(1, nums) == 1);
}

TEST_CASE("one error lists every missing required entry of an import table",
          "[import_table][errors]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    const std::string start = "ctypes: cannot import from '" + std::string(CTYPES_TEST_SHAPES) +
                              "': 2 required symbols missing: 'ctypes_test_not_exported', "
                              "'ctypes_test_not_exported_either'";
    try {
        ctypes::import_all<broken_api>(lib);
        FAIL("an import table with missing entries was made");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == test_platform::missing_symbol());
        CHECK_THAT(e.what(), Catch::StartsWith(start));
#if !defined(_WIN32)
        CHECK_THAT(e.what(), Catch::EndsWith("undefined symbol: ctypes_test_not_exported_either"));
#endif
    }
    ctypes::error_report report;
    const auto api = ctypes::import_all<broken_api>(lib, report);
    REQUIRE(report);
    CHECK_THAT(report.message(), Catch::StartsWith(start));
    CHECK_FALSE(api.complete());
    CHECK(api.missing().size() == 2);
    CHECK(api.our_function); // what was found is usable
    CHECK_FALSE(api.ctypes_test_not_exported);
    CHECK_FALSE(api.ctypes_test_optional_absent);
    CHECK_THROWS_AS(report.raise(), ctypes::symbol_error);

    ctypes::import_all<shapes_api>(lib, report);
    CHECK_FALSE(report);
}

#if !defined(_WIN32)
TEST_CASE("an entry that exists but is not a function is reported with get()'s text",
          "[import_table][errors][posix]") {
    if (!test_platform::knows_symbol_kinds)
        return;
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    ctypes::error_report report;
    ctypes::import_all<unfit_api>(lib, report);
    CHECK_THAT(report.message(),
               Catch::Contains("1 required symbol missing: 'ctypes_test_not_exported'; ctypes: "
                               "symbol 'counter' in '") &&
                   Catch::Contains("is a data object of 4 bytes, not a function"));
}
#endif

#if !defined(_WIN32)
#include <sqlite3.h>
#include <zlib.h>

namespace {
// zlib.h's own declarations: the signatures cannot drift from the header.
struct zlib_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(zlibVersion);
    CTYPES_IMPORT(crc32);
    CTYPES_IMPORT(compressBound);
    CTYPES_IMPORT(compress);
    CTYPES_IMPORT(uncompress);
    CTYPES_OPTIONAL_IMPORT(crc32_z);
};
struct sqlite_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(sqlite3_libversion);
    CTYPES_IMPORT(sqlite3_open);
    CTYPES_IMPORT(sqlite3_prepare_v2);
    CTYPES_IMPORT(sqlite3_step);
    CTYPES_IMPORT(sqlite3_column_int);
    CTYPES_IMPORT(sqlite3_finalize);
    CTYPES_IMPORT(sqlite3_close);
    CTYPES_OPTIONAL_IMPORT(sqlite3_close_v2);
};
} // namespace

TEST_CASE("import tables from the real zlib.h and sqlite3.h", "[import_table][posix]") {
    ctypes::CDLL libz{"libz.so.1"};
    const auto z = ctypes::import_all<zlib_api>(libz);
    CHECK(std::string(z.zlibVersion()) == ZLIB_VERSION);
    CHECK(z.crc32(0, "123456789", 9) == 0xCBF43926ul);
    REQUIRE(z.crc32_z); // zlib 1.2.9 and later
    CHECK(z.crc32_z(0, std::string("123456789"), 9) == 0xCBF43926ul);
    const std::string text(200, 'a');
    auto packed = ctypes::create_string_buffer(z.compressBound(text.size()));
    uLongf packed_size = packed.size();
    REQUIRE(z.compress(packed, &packed_size, text, text.size()) == Z_OK);
    auto unpacked = ctypes::create_string_buffer(text.size());
    uLongf unpacked_size = unpacked.size();
    REQUIRE(z.uncompress(unpacked, &unpacked_size, packed, packed_size) == Z_OK);
    CHECK(unpacked.raw() == text);

    ctypes::CDLL libsqlite3{"libsqlite3.so.0"};
    const auto sq = ctypes::import_all<sqlite_api>(libsqlite3);
    CHECK(std::string(sq.sqlite3_libversion()) == SQLITE_VERSION);
    CHECK(sq.sqlite3_close_v2);
    sqlite3 *db = nullptr;
    REQUIRE(sq.sqlite3_open(":memory:", &db) == SQLITE_OK);
    sqlite3_stmt *stmt = nullptr;
    REQUIRE(sq.sqlite3_prepare_v2(db, std::string("SELECT 6 * 7"), -1, &stmt, nullptr) ==
            SQLITE_OK);
    CHECK(sq.sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(sq.sqlite3_column_int(stmt, 0) == 42);
    CHECK(sq.sqlite3_finalize(stmt) == SQLITE_OK);
    CHECK(sq.sqlite3_close(db) == SQLITE_OK);

    // The wrong library for a table: every entry it lacks is named at once.
    try {
        ctypes::import_all<sqlite_api>(libz);
        FAIL("libz resolved a sqlite3 table");
    } catch (const ctypes::symbol_error &e) {
        CHECK_THAT(e.what(), Catch::StartsWith("ctypes: cannot import from 'libz.so.1': 7 "
                                               "required symbols missing: 'sqlite3_libversion', "
                                               "'sqlite3_open', 'sqlite3_prepare_v2'"));
    }
}
#endif

#if defined(_WIN32)
#include <windows.h>

// A newer SDK's declaration that this kernel32 lacks.
extern "C" DWORD WINAPI ctypes_test_no_such_kernel32_export(void);

namespace {
// <windows.h>'s own WINAPI declarations: on 32-bit Windows their type carries stdcall, and the
// entries are called as stdcall even through a CDLL.
struct kernel32_api : ctypes::import_table<ctypes::CDLL> {
    using import_table::import_table;
    CTYPES_IMPORT(GetCurrentProcessId);
    CTYPES_IMPORT(GetModuleHandleW);
    CTYPES_IMPORT(lstrlenW);
    CTYPES_IMPORT(MulDiv);
    CTYPES_IMPORT(SetLastError);
    CTYPES_IMPORT(GetLastError);
    CTYPES_OPTIONAL_IMPORT(ctypes_test_no_such_kernel32_export);
};
} // namespace

TEST_CASE("get<decltype(::MulDiv)> and an import table from <windows.h>",
          "[import_table][windows]") {
    ctypes::CDLL kernel32{"kernel32.dll"};
    auto muldiv = kernel32.get<decltype(::MulDiv)>("MulDiv");
    // The pointer called is the header's own type: stdcall on 32-bit Windows, whatever CDLL says.
    STATIC_REQUIRE(std::is_same_v<decltype(muldiv)::pointer, decltype(&::MulDiv)>);
    CHECK(muldiv(7, 6, 3) == 14);
    for (int i = 0; i < 100; ++i) // a convention mismatch would unbalance the stack here
        CHECK(muldiv(i, 2, 1) == 2 * i);

    const auto k = ctypes::import_all<kernel32_api>(kernel32);
    STATIC_REQUIRE(std::is_same_v<std::decay_t<decltype(k.MulDiv)>::pointer, decltype(&::MulDiv)>);
    CHECK(k.GetCurrentProcessId() == ::GetCurrentProcessId());
    CHECK(k.GetModuleHandleW(nullptr) == ::GetModuleHandleW(nullptr));
    CHECK(k.lstrlenW(std::wstring(L"four")) == 4);
    CHECK(k.MulDiv(10, 10, 4) == 25);
    k.SetLastError(1234);
    CHECK(k.GetLastError() == 1234u);
    CHECK_FALSE(k.ctypes_test_no_such_kernel32_export);
    CHECK(k.complete());
}
#endif
