// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The loaders: cdll.load() opens anew, cdll[name] caches, from many threads at once.
#include <catch2/catch.hpp>

#include <ctypes/library_loader.hpp>

#include <atomic>
#include <thread>
#include <vector>

#if !defined(_WIN32)

TEST_CASE("cdll[name] returns one cached library per name", "[loader][posix]") {
    const ctypes::CDLL &a = ctypes::cdll["libz.so.1"];
    const ctypes::CDLL &b = ctypes::cdll["libz.so.1"];
    CHECK(&a == &b);
    CHECK(a.name() == "libz.so.1");
    CHECK(a.has("crc32"));
    const ctypes::CDLL &m = ctypes::cdll["libm.so.6"];
    CHECK(&m != &a);
    CHECK(ctypes::cdll.size() >= 2);
    auto cosine = m.get<double(double)>("cos");
    CHECK(cosine(0.0) == 1.0);
}

TEST_CASE("cdll.load(name) opens a new library object every time", "[loader][posix]") {
    // The unload fixture: nothing else in the process keeps it loaded, so the last unload()
    // can report that the image left.
    ctypes::CDLL first = ctypes::cdll.load(CTYPES_TEST_UNLOAD);
    ctypes::CDLL second = ctypes::cdll.load(CTYPES_TEST_UNLOAD);
    CHECK(first.native_handle() == second.native_handle()); // one image, two references
    CHECK(first.unload() == false);                         // the second still holds it
    CHECK(second.is_loaded());
    CHECK(second.unload() == true);
    CHECK_THROWS_AS(ctypes::cdll.load("libctypes_not_a_library.so"), ctypes::load_error);
}

TEST_CASE("a failed cdll[name] caches nothing and can be retried", "[loader][posix]") {
    ctypes::library_loader<ctypes::CDLL> loader;
    CHECK(loader.size() == 0);
    CHECK_THROWS_AS(loader["libctypes_not_a_library.so"], ctypes::load_error);
    CHECK(loader.size() == 0);
    const ctypes::CDLL &shapes = loader[CTYPES_TEST_SHAPES];
    CHECK(shapes.is_loaded());
    CHECK(loader.size() == 1);
}

TEST_CASE("a loader of its own unloads its cache when destroyed", "[loader][posix]") {
    {
        ctypes::library_loader<ctypes::CDLL> loader;
        CHECK(loader[CTYPES_TEST_UNLOAD].is_loaded());
        CHECK(ctypes::is_loaded(CTYPES_TEST_UNLOAD));
    }
    CHECK_FALSE(ctypes::is_loaded(CTYPES_TEST_UNLOAD));
}

TEST_CASE("8 threads asking cdll[name] at once all get the same library", "[loader][posix]") {
    ctypes::library_loader<ctypes::WinDLL> loader;
    std::atomic<bool> go{false};
    std::vector<const ctypes::WinDLL *> seen(std::size_t{8} * 200, nullptr);
    std::vector<std::thread> threads;
    threads.reserve(8);
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            while (!go.load())
                std::this_thread::yield();
            for (int i = 0; i < 200; ++i)
                seen[static_cast<std::size_t>(t) * 200 + static_cast<std::size_t>(i)] =
                    &loader[i % 2 ? "libz.so.1" : CTYPES_TEST_SHAPES];
        });
    go = true;
    for (auto &t : threads)
        t.join();
    CHECK(loader.size() == 2);
    const ctypes::WinDLL *z = &loader["libz.so.1"];
    const ctypes::WinDLL *shapes = &loader[CTYPES_TEST_SHAPES];
    for (std::size_t k = 0; k < seen.size(); ++k)
        CHECK(seen[k] == (k % 2 ? z : shapes));
    // The global loaders too.
    std::vector<const ctypes::OleDLL *> global(8, nullptr);
    threads.clear();
    for (int t = 0; t < 8; ++t)
        threads.emplace_back(
            [&, t] { global[static_cast<std::size_t>(t)] = &ctypes::oledll["libz.so.1"]; });
    for (auto &t : threads)
        t.join();
    for (const auto *p : global)
        CHECK(p == global.front());
}

#endif
