// The FFI-safety trait that the compile-time checks are built on. The rejection messages
// themselves are proven by the compile_fail/ tests.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {
struct point {
    int x, y;
};
struct with_virtual {
    virtual ~with_virtual() = default;
};
enum class colour { red };
} // namespace

TEST_CASE("is_ffi_safe accepts what C has and rejects what it has not", "[types]") {
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<int>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<long double>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<std::uint64_t>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<colour>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<point>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<const point &>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<std::string *>); // an opaque pointer is fine
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<int (*)(int)>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<std::nullptr_t>);
    STATIC_REQUIRE(ctypes::is_ffi_safe_v<void>);

    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<std::string>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<const std::string &>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<std::string_view>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<std::vector<int>>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<with_virtual>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<int point::*>);
    STATIC_REQUIRE_FALSE(ctypes::is_ffi_safe_v<int[4]>); // arrays cannot be returned
}
