// Lookups and calls from many threads at once on one library object.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <atomic>
#include <thread>
#include <vector>

TEST_CASE("8 threads get and call concurrently from one library", "[threads]") {
    const ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    constexpr int threads = 8;
    constexpr int rounds = 500;
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                auto add = lib.get<int(int, int)>("add_i32");
                auto fail = lib.get<int(int)>("fail_with_errno");
                int nums[] = {t, i, 1};
                auto sum = lib.get<int(int, int *)>("our_function");
                if (add(t, i) != t + i || sum(3, nums) != t + i + 1)
                    ++wrong;
                fail(t + 1);
                if (ctypes::get_errno() != t + 1) // each thread sees its own capture
                    ++wrong;
                if (!lib.has("add_i32"))
                    ++wrong;
            }
        });
    }
    for (auto &th : pool)
        th.join();
    CHECK(wrong.load() == 0);
    CHECK(lib.use_count() == 0); // every handle from every thread was released
}
