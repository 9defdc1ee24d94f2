// A callback's exception reaches the C++ caller whatever the foreign function's parameter types:
// real libraries with typed handles (sqlite3*, sqlite3_stmt*, CURL*), and the handler for the
// exceptions no façade call can collect.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <sqlite3.h>
#if defined(CTYPES_TEST_HAVE_CURL)
#include <curl/curl.h>
#endif

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

const ctypes::CDLL &sqlite() {
    static const ctypes::CDLL lib{"libsqlite3.so.0"};
    return lib;
}

// An in-memory database, closed through the façade at the end of the scope.
struct database {
    ctypes::function<int(sqlite3 *)> close = sqlite().get<int(sqlite3 *)>("sqlite3_close");
    sqlite3 *db = nullptr;
    database() {
        auto open = sqlite().get<int(const char *, sqlite3 **)>("sqlite3_open");
        REQUIRE(open(":memory:", &db) == SQLITE_OK);
    }
    ~database() { close(db); }
    database(const database &) = delete;
    database &operator=(const database &) = delete;
};

using sql_function = void(sqlite3_context *, int, sqlite3_value **);

} // namespace

TEST_CASE("sqlite3_step with a typed sqlite3_stmt* rethrows a throwing SQL function",
          "[callback][system]") {
    database d;
    auto create_function =
        sqlite()
            .get<int(sqlite3 *, const char *, int, int, void *, sql_function *, sql_function *,
                     void (*)(sqlite3_context *))>("sqlite3_create_function");
    auto result_int = sqlite().get<void(sqlite3_context *, int)>("sqlite3_result_int");
    auto value_int = sqlite().get<int(sqlite3_value *)>("sqlite3_value_int");
    auto prepare = sqlite().get<int(sqlite3 *, const char *, int, sqlite3_stmt **, const char **)>(
        "sqlite3_prepare_v2");
    auto step = sqlite().get<int(sqlite3_stmt *)>("sqlite3_step");
    auto column_int = sqlite().get<int(sqlite3_stmt *, int)>("sqlite3_column_int");
    auto finalize = sqlite().get<int(sqlite3_stmt *)>("sqlite3_finalize");

    int calls = 0;
    ctypes::callback<sql_function> twice([&](sqlite3_context *ctx, int, sqlite3_value **argv) {
        ++calls;
        const int v = value_int(argv[0]);
        if (v == 3)
            throw std::range_error("twice: 3 is out of range");
        result_int(ctx, 2 * v);
    });
    REQUIRE(create_function(d.db, "twice", 1, SQLITE_UTF8, nullptr, twice.get(), nullptr,
                            nullptr) == SQLITE_OK);

    sqlite3_stmt *stmt = nullptr;
    REQUIRE(prepare(d.db, "select twice(value) from (select 1 as value union all select 3)", -1,
                    &stmt, nullptr) == SQLITE_OK);
    REQUIRE(step(stmt) == SQLITE_ROW); // twice(1): no throw
    CHECK(column_int(stmt, 0) == 2);
    // twice(3) throws: sqlite3 still returns a row (the callback set no result), but the caller
    // gets the exception, not the row.
    CHECK_THROWS_WITH(step(stmt), "twice: 3 is out of range");
    CHECK(calls == 2);
    CHECK(ctypes::take_callback_exception() == nullptr);
    CHECK(finalize(stmt) == SQLITE_OK);
}

TEST_CASE("sqlite3_exec with a typed sqlite3* handle rethrows a throwing row callback",
          "[callback][system]") {
    database d;
    using row_callback = int(void *, int, char **, char **);
    auto exec =
        sqlite().get<int(sqlite3 *, const char *, row_callback *, void *, char **)>("sqlite3_exec");
    REQUIRE(exec(d.db, "create table t(n int); insert into t values (1), (2), (3);", nullptr,
                 nullptr, nullptr) == SQLITE_OK);
    std::vector<std::string> seen;
    ctypes::callback<row_callback> row(
        [&](void *, int, char **values, char **) {
            seen.emplace_back(values[0]);
            if (seen.size() == 2)
                throw std::runtime_error("row 2 refused");
            return 0;
        },
        ctypes::on_exception(1)); // a nonzero result makes sqlite3_exec stop: SQLITE_ABORT
    CHECK_THROWS_WITH(exec(d.db, "select n from t order by n", row.get(), nullptr, nullptr),
                      "row 2 refused");
    CHECK(seen == std::vector<std::string>{"1", "2"});
    // Through the raw pointer, sqlite3's own answer, and the exception stays parked.
    seen.clear();
    CHECK(exec.address()(d.db, "select n from t order by n", row.get(), nullptr, nullptr) ==
          SQLITE_ABORT);
    CHECK_THROWS_WITH(ctypes::rethrow_callback_exception(), "row 2 refused");
}

#if defined(CTYPES_TEST_HAVE_CURL)
struct Curl_easy; // libcurl's handle as the library itself names it; CURL* may be a void* here

TEST_CASE("curl_easy_perform(CURL*) rethrows a throwing write callback, file:// URL",
          "[callback][system]") {
    ctypes::CDLL curl{"libcurl.so.4"};
    auto init = curl.get<Curl_easy *()>("curl_easy_init");
    auto cleanup = curl.get<void(Curl_easy *)>("curl_easy_cleanup");
    auto setopt = curl.get<CURLcode(Curl_easy *, CURLoption, ...)>("curl_easy_setopt");
    auto perform = curl.get<CURLcode(Curl_easy *)>("curl_easy_perform");
    auto perform_curl = curl.get<CURLcode(CURL *)>("curl_easy_perform"); // the header's spelling
    using write_callback = std::size_t(char *, std::size_t, std::size_t, void *);

    char path[] = "/tmp/ctypes-curl-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string content(100000, 'x'); // several writes of curl's buffer
    REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
    const std::string url = std::string("file://") + path;

    Curl_easy *h = init();
    REQUIRE(h != nullptr);
    std::string received;
    bool refuse = false;
    ctypes::callback<write_callback> sink(
        [&](char *data, std::size_t size, std::size_t n, void *) -> std::size_t {
            if (refuse && !received.empty())
                throw std::length_error("sink is full");
            received.append(data, size * n);
            return size * n;
        });
    REQUIRE(setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK);
    REQUIRE(setopt(h, CURLOPT_WRITEFUNCTION, sink.get()) == CURLE_OK);

    CHECK(perform(h) == CURLE_OK);
    CHECK(received == content);

    received.clear();
    refuse = true;
    // The callback returns 0 to curl, which stops with CURLE_WRITE_ERROR (23); the caller gets
    // the exception instead of the 23.
    CHECK_THROWS_WITH(perform(h), "sink is full");
    CHECK(received.size() < content.size());
    received.clear();
    CHECK_THROWS_WITH(perform_curl(h), "sink is full");
    CHECK(ctypes::take_callback_exception() == nullptr);
    received.clear();
    CHECK(perform.address()(h) == CURLE_WRITE_ERROR); // raw: curl's own answer
    CHECK_THROWS_WITH(ctypes::rethrow_callback_exception(), "sink is full");
    cleanup(h);
    unlink(path);
}
#endif

namespace {
std::atomic<int> handled{0};
std::string handled_what; // written by the handler on the ending thread, read after its join
void record_exception(std::exception_ptr e) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception &x) {
        handled_what = x.what();
    } catch (...) {
        handled_what = "?";
    }
    handled.fetch_add(1);
}
} // namespace

TEST_CASE("an exception no façade call collects goes to the program's handler",
          "[callback][posix]") {
    const ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    auto call_from_thread = lib.get<int(int (*)(int), int)>("call_from_thread");
    auto call_int = lib.get<int(int (*)(int), int)>("call_int");
    ctypes::callback<int(int)> cb(
        [](int x) -> int {
            if (x < 0)
                throw std::invalid_argument("negative: " + std::to_string(x));
            return x;
        },
        ctypes::on_exception(-100));

    REQUIRE(ctypes::set_callback_exception_handler(&record_exception) == nullptr);
    handled = 0;
    // On a thread C created: it ends with the exception parked, no façade call there.
    CHECK(call_from_thread(cb.get(), -1) == -100); // this thread has nothing to rethrow
    CHECK(handled == 1);
    CHECK(handled_what == "negative: -1");
    // A raw-pointer call on a std::thread that ends without collecting it. (Catch's assertions
    // stay on this thread.)
    int raw_result = 0;
    std::thread([&] { raw_result = call_int.address()(cb.get(), -2); }).join();
    CHECK(raw_result == -100);
    CHECK(handled == 2);
    CHECK(handled_what == "negative: -2");
    // Collected exceptions never reach the handler.
    bool rethrown = false, taken = false;
    std::thread([&] {
        try {
            call_int(cb.get(), -3);
        } catch (const std::invalid_argument &) {
            rethrown = true;
        }
        call_int.address()(cb.get(), -4);
        taken = ctypes::take_callback_exception() != nullptr;
    }).join();
    CHECK(rethrown);
    CHECK(taken);
    CHECK(handled == 2);
    CHECK(ctypes::set_callback_exception_handler(nullptr) == &record_exception);
    CHECK(ctypes::take_callback_exception() == nullptr);
}
