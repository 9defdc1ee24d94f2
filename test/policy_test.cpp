// Policies: calling conventions per library and per function, user-defined policies, and the
// 32-bit Windows stdcall names (`name@N`) computed from the C++ signature.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include "platform.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {
struct trio {
    std::int32_t x, y, z;
};
struct six {
    std::int16_t v[3];
};
struct one {
    char c;
};
struct big {
    std::int32_t v[5];
};

const ctypes::CDLL &conventions() {
    static const ctypes::CDLL lib{CTYPES_TEST_CONVENTIONS};
    return lib;
}

namespace d = ctypes::detail;
constexpr std::size_t pointer_slot = d::round_to_slots(sizeof(void *));

// N of `name@N`: every parameter's size rounded up to 4 bytes (static tests, every platform).
static_assert(d::stdcall_argument_bytes<int()>() == 0);
static_assert(d::stdcall_argument_bytes<int(std::int32_t)>() == 4);
static_assert(d::stdcall_argument_bytes<int(char)>() == 4);
static_assert(d::stdcall_argument_bytes<int(bool, std::int16_t)>() == 8);
static_assert(d::stdcall_argument_bytes<int(std::int64_t)>() == 8);
static_assert(d::stdcall_argument_bytes<int(double, float)>() == 12);
static_assert(d::stdcall_argument_bytes<std::int64_t(std::int32_t, std::int64_t)>() == 12);
static_assert(d::stdcall_argument_bytes<double(std::int64_t, double)>() == 16);
static_assert(d::stdcall_argument_bytes<double(trio, std::int8_t, double)>() == 24);
static_assert(d::stdcall_argument_bytes<int(six)>() == 8); // a 6-byte struct takes 8
static_assert(d::stdcall_argument_bytes<int(one)>() == 4);
static_assert(d::stdcall_argument_bytes<int(const trio &)>() == pointer_slot); // as a pointer
static_assert(d::stdcall_argument_bytes<int(int *, const char *)>() == 2 * pointer_slot);
static_assert(d::stdcall_argument_bytes<big(std::int32_t)>() == 4); // hidden result pointer
static_assert(d::stdcall_argument_bytes<int(std::int32_t) noexcept>() == 4);
static_assert(d::round_to_slots(0) == 0 && d::round_to_slots(1) == 4 && d::round_to_slots(4) == 4 &&
              d::round_to_slots(5) == 8 && d::round_to_slots(12) == 12);

static_assert(d::decorates_names<ctypes::stdcall_convention>::value);
static_assert(!d::decorates_names<ctypes::cdecl_convention>::value);

// The policy's pointer type is what the call goes through.
using std8_windll =
    ctypes::function<std::int32_t(std::int32_t, std::int32_t), ctypes::windll_policy>;
using std8_cdll = ctypes::function<std::int32_t(std::int32_t, std::int32_t), ctypes::cdll_policy>;
static_assert(
    std::is_same_v<std8_windll::pointer,
                   ctypes::stdcall_convention::pointer<std::int32_t, std::int32_t, std::int32_t>>);
static_assert(std::is_same_v<std8_cdll::pointer, std::int32_t (*)(std::int32_t, std::int32_t)>);
#if defined(__i386__) || defined(_M_IX86)
// On 32-bit x86 the two conventions are different types...
static_assert(!std::is_same_v<std8_windll::pointer, std8_cdll::pointer>);
#else
// ...everywhere else stdcall is cdecl, with no attribute for the compiler to warn about.
static_assert(std::is_same_v<std8_windll::pointer, std8_cdll::pointer>);
#endif
// Variadic functions stay cdecl under every convention.
static_assert(
    std::is_same_v<ctypes::function<int(const char *, ...), ctypes::windll_policy>::pointer,
                   int (*)(const char *, ...)>);

// A user-defined policy: any type with `convention` and `result_check`.
struct counting_check {
    static constexpr bool checks = true;
    static inline int calls = 0;
    static inline std::string last_function;
    template <class R>
    static void check(const R &, const std::string &function) {
        ++calls;
        last_function = function;
    }
};
// A user-defined convention: fastcall on 32-bit x86 (GCC and clang spelling), cdecl elsewhere.
// 32-bit Windows exports fastcall functions as `@name@N` (MSVC and MinGW alike). Its thunk is
// what C calls in a callback of it.
#if defined(__i386__)
#define TEST_FASTCALL __attribute__((fastcall))
#else
#define TEST_FASTCALL
#endif
struct fastcall_convention {
    template <class R, class... A>
    using pointer = R(TEST_FASTCALL *)(A...);
    template <class R, class... A>
    using variadic_pointer = R (*)(A..., ...);
    static std::string decorate(const std::string &name, std::size_t argument_bytes) {
        return "@" + name + "@" + std::to_string(argument_bytes);
    }
    template <class Target, class R, class... A>
    static R TEST_FASTCALL thunk(A... a) noexcept {
        return Target::invoke(a...);
    }
};
static_assert(d::decorates_names<fastcall_convention>::value);
// A callback's pointer is the convention's own pointer type.
using fast_ternary = fastcall_convention::pointer<int, int, int, int>;
using fast_callback = ctypes::callback<int(int, int, int), fastcall_convention>;
static_assert(std::is_same_v<fast_callback::pointer, fast_ternary>);
#if defined(__i386__)
static_assert(!std::is_same_v<fast_ternary, int (*)(int, int, int)>);
#endif
static_assert(d::decoration_of<int(int, int, int), fastcall_convention>().argument_bytes == 12);
static_assert(d::decoration_of<int(int, int, int), fastcall_convention>().rule ==
              &d::call_decorate<fastcall_convention>);
static_assert(d::decoration_of<int(int, ...), fastcall_convention>().argument_bytes ==
              d::no_decoration); // variadic: cdecl, never decorated
static_assert(d::decoration_of<int(int), ctypes::stdcall_convention>().rule == nullptr);
static_assert(d::decoration_of<int(int), ctypes::cdecl_convention>().argument_bytes ==
              d::no_decoration);

struct my_policy {
    using convention = ctypes::stdcall_convention;
    using result_check = counting_check;
};
} // namespace

TEST_CASE("stdcall argument bytes follow the x86 stack rule", "[policy]") {
    CHECK(d::stdcall_argument_bytes<double(trio, std::int8_t, double)>() == 24);
    CHECK(d::stdcall_argument_bytes<int(six)>() == 8);
    CHECK(d::decorated_name("f", 12, true) == "_f@12");
    CHECK(d::decorated_name("f", 12, false) == "f@12");
    CHECK(d::argument_size_text(8, 12) == "declared 8 bytes of arguments, the library exports 12");
}

TEST_CASE("a CDLL fetches one stdcall function and a WinDLL one cdecl function", "[policy]") {
    const auto &lib = conventions();
    auto std_8 = lib.get<std::int32_t(std::int32_t, std::int32_t), ctypes::windll_policy>("std_8");
    static_assert(std::is_same_v<decltype(std_8), std8_windll>);
    CHECK(std_8(10, 3) == 7);

    ctypes::WinDLL win{CTYPES_TEST_CONVENTIONS};
    auto c_8 = win.get<std::int32_t(std::int32_t, std::int32_t), ctypes::cdll_policy>("c_8");
    static_assert(std::is_same_v<decltype(c_8), std8_cdll>);
    CHECK(c_8(10, 3) == 7);
    auto also_std_8 = win.get<std::int32_t(std::int32_t, std::int32_t)>("std_8");
    static_assert(std::is_same_v<decltype(also_std_8), std8_windll>);
    CHECK(also_std_8(3, 10) == -7);
}

TEST_CASE("stdcall functions of every argument size return the right values", "[policy]") {
    ctypes::WinDLL lib{CTYPES_TEST_CONVENTIONS};
    CHECK(lib.get<std::int32_t()>("std_0")() == 42);
    CHECK(lib.get<std::int32_t(std::int32_t)>("std_4")(-5) == -15);
    CHECK(lib.get<std::int32_t(std::int32_t, std::int32_t)>("std_8")(100, 1) == 99);
    CHECK(lib.get<std::int64_t(std::int32_t, std::int64_t)>("std_12")(3, INT64_C(1) << 40) ==
          (INT64_C(3) << 40) - 1);
    CHECK(lib.get<double(std::int64_t, double)>("std_16")(INT64_C(10), 4.0) == 2.5);
    CHECK(lib.get<double(trio, std::int8_t, double)>("std_24")(trio{7, 2, 3}, -4, 0.5) == 11.5);
    CHECK(lib.get<std::int32_t(six)>("std_six")(six{{100, 3, 7}}) == 79);
    // and their cdecl twins through a CDLL
    const auto &c = conventions();
    CHECK(c.get<double(std::int64_t, double)>("c_16")(INT64_C(10), 4.0) == 2.5);
    CHECK(c.get<double(trio, std::int8_t, double)>("c_24")(trio{7, 2, 3}, -4, 0.5) == 11.5);
}

TEST_CASE("a user-defined policy picks the convention and checks every result", "[policy]") {
    ctypes::basic_library<my_policy> lib{CTYPES_TEST_CONVENTIONS};
    auto std_4 = lib.get<std::int32_t(std::int32_t)>("std_4");
    static_assert(std::is_same_v<decltype(std_4)::policy_type, my_policy>);
    counting_check::calls = 0;
    CHECK(std_4(2) == 6);
    CHECK(std_4(3) == 9);
    CHECK(counting_check::calls == 2);
    CHECK(counting_check::last_function == "std_4");
    // the same policy for one function of a CDLL
    auto std_8 = conventions().get<std::int32_t(std::int32_t, std::int32_t), my_policy>("std_8");
    CHECK(std_8(1, 1) == 0);
    CHECK(counting_check::calls == 3);
    CHECK(counting_check::last_function == "std_8");
}

TEST_CASE("a user-defined convention: fastcall", "[policy]") {
    // On 32-bit Windows the DLL exports `@fast_12@12` only: found through the convention's
    // decorate rule. Elsewhere the plain name is exported.
    auto fast = conventions()
                    .get<std::int32_t(std::int32_t, std::int32_t, std::int32_t),
                         ctypes::policy<fastcall_convention>>("fast_12");
    // On 32-bit x86 a and b travel in ECX and EDX: a cdecl call would pass garbage.
    CHECK(fast(10, 4, 3) == 18);
    CHECK(fast(-1, 1, 5) == -10);
#if defined(_WIN32) && (defined(_M_IX86) || defined(__i386__))
    // The rule's form with another N is a wrong signature, named as such.
    std::error_code ec;
    std::string message;
    try {
        (void)conventions()
            .get<std::int32_t(std::int32_t, std::int32_t), ctypes::policy<fastcall_convention>>(
                "fast_12");
    } catch (const ctypes::symbol_error &e) {
        ec = e.code();
        message = e.what();
    }
    CHECK(ec == ctypes::errc::argument_size_mismatch);
    CHECK_THAT(message,
               Catch::Contains("is exported as '@fast_12@12'") &&
                   Catch::Contains("declared 8 bytes of arguments, the library exports 12"));
#endif
}

TEST_CASE("a user-defined convention makes callbacks that C calls: fastcall",
          "[policy][callback]") {
    // call_fastcall(f, c, n) sums f(i, 2i + 1, c) over i < n, calling f as fastcall on 32-bit x86
    // (i and 2i + 1 in ECX and EDX, c on the stack and popped by f); plainly elsewhere.
    static const ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    static const auto call_fastcall = lib.get<long(fast_ternary, int, int)>("call_fastcall");
    const auto expected = [](int c, int n, int k) {
        long sum = 0;
        for (int i = 0; i < n; ++i)
            sum += (i - (2 * i + 1)) * c + k;
        return sum;
    };
    int k = 7;
    {
        fast_callback capturing([&k](int a, int b, int c) { return (a - b) * c + k; });
        fast_callback stateless([](int a, int b, int c) { return (a - b) * c; });
        CHECK(capturing.uses_slot());
        CHECK_FALSE(stateless.uses_slot());
        CHECK(call_fastcall(capturing.get(), 3, 100) == expected(3, 100, 7));
        CHECK(call_fastcall(stateless.get(), -2, 100) == expected(-2, 100, 0));
        CHECK(capturing(5, 1, 2) == 15); // from C++, through the pointer

        auto with_data = ctypes::with_user_data<int(void *, int, int), fastcall_convention>(
            [&k](int a, int b) { return a * k - b; });
        static_assert(std::is_same_v<decltype(with_data.get()),
                                     fastcall_convention::pointer<int, void *, int, int>>);
        CHECK(with_data.get()(with_data.user_data(), 5, 1) == 34);

        // An exception in the callable reaches the C++ caller once C returns.
        fast_callback throwing([](int a, int, int) -> int {
            if (a == 3)
                throw std::runtime_error("three");
            return 0;
        });
        CHECK_THROWS_WITH(call_fastcall(throwing.get(), 1, 10), "three");
    }

    // The static pool holds CTYPES_CALLBACK_SLOTS live callables with state. Beyond it, thunks
    // made at run time serve a convention with cdecl's pointers (fastcall off 32-bit x86); a
    // fastcall pointer is not one, so there the next callback is a clear error.
    std::vector<fast_callback> live;
    live.reserve(CTYPES_CALLBACK_SLOTS);
    for (int i = 0; live.size() < CTYPES_CALLBACK_SLOTS; ++i)
        live.emplace_back([i](int a, int b, int c) { return (a - b) * c + i; });
    for (std::size_t i = 0; i < live.size(); i += 13)
        CHECK(call_fastcall(live[i].get(), 2, 10) == expected(2, 10, static_cast<int>(i)));
#if defined(__i386__)
    try {
        fast_callback one_more([&k](int, int, int) { return k; });
        FAIL("a fastcall callback beyond the static pool was made");
    } catch (const ctypes::error &e) {
        CHECK(e.code() == ctypes::errc::no_callback_slot);
        CHECK_THAT(e.what(), Catch::Contains("a thunk made at run time serves only conventions "
                                             "whose function pointers are cdecl's or stdcall's"));
    }
    live.pop_back(); // a slot freed is taken again
    fast_callback again([&k](int a, int b, int c) { return (a - b) * c + k; });
    CHECK(call_fastcall(again.get(), 3, 100) == expected(3, 100, 7));
#elif CTYPES_DETAIL_RUNTIME_THUNKS
    fast_callback one_more([&k](int a, int b, int c) { return (a - b) * c + k; });
    CHECK(call_fastcall(one_more.get(), 3, 100) == expected(3, 100, 7));
#endif
}

TEST_CASE("a user convention's decoration rule: tried forms, mismatches", "[policy]") {
    const std::set<std::string> exports{"@fast_12@12", "std_8@8", "plain"};
    const auto exists = [&](const std::string &n) { return exports.count(n) != 0; };
    const d::decorate_rule fast = d::decoration_of<int(int), fastcall_convention>().rule;
    using kind = d::decorated_match::kind;
    auto m = d::find_decorated("fast_12", 12, exists, fast);
    CHECK(m.what == kind::found);
    CHECK(m.name == "@fast_12@12");
    m = d::find_decorated("fast_12", 8, exists, fast); // a parameter too few
    CHECK(m.what == kind::mismatch);
    CHECK(m.name == "@fast_12@12");
    CHECK(m.exported_bytes == 12);
    // The rule replaces stdcall's forms: `std_8@8` is not a fastcall name.
    CHECK(d::find_decorated("std_8", 8, exists, fast).what == kind::missing);
    CHECK(d::find_decorated("std_8", 8, exists).name == "std_8@8");
    // A rule that leaves the name as it is never tries the plain name a second time.
    const d::decorate_rule same = [](const std::string &n, std::size_t) { return n; };
    CHECK(d::find_decorated("plain", 4, exists, same).what == kind::missing);
}

TEST_CASE("decorated names are tried only where they exist", "[policy]") {
    // Off 32-bit Windows a stdcall lookup is the plain name and nothing else: a wrong name is
    // missing, never resolved through a decorated guess.
#if !(defined(_WIN32) && (defined(_M_IX86) || defined(__i386__)))
    std::error_code ec;
    auto f = conventions().get<std::int32_t(std::int32_t, std::int32_t), ctypes::windll_policy>(
        "std_8@8", ec);
    CHECK(ec == test_platform::missing_symbol());
    CHECK_FALSE(f);
#endif
}

#if defined(CTYPES_TEST_I686_EXPORTS)
namespace {
// The export names of the i686 Windows build of the conventions fixture, as objdump read them.
std::set<std::string> i686_exports() {
    std::ifstream in(CTYPES_TEST_I686_EXPORTS);
    std::set<std::string> names;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            names.insert(line);
    return names;
}

template <class Sig, class Convention = ctypes::stdcall_convention>
d::decorated_match lookup_in_i686(const std::string &name) {
    static const std::set<std::string> exports = i686_exports();
    const d::decoration how = d::decoration_of<Sig, Convention>();
    return d::find_decorated(
        name, how.argument_bytes, [&](const std::string &n) { return exports.count(n) != 0; },
        how.rule);
}
} // namespace

TEST_CASE("stdcall lookup against the exports of a real i686 DLL", "[policy][win32-names]") {
    using kind = d::decorated_match::kind;
    REQUIRE(i686_exports().count("std_8@8") == 1);
    REQUIRE(i686_exports().count("std_8") == 0); // only the decorated form exists

    SECTION("MinGW's name@N, with N from the signature") {
        CHECK(lookup_in_i686<std::int32_t()>("std_0").name == "std_0@0");
        CHECK(lookup_in_i686<std::int32_t(std::int32_t)>("std_4").name == "std_4@4");
        CHECK(lookup_in_i686<std::int32_t(std::int32_t, std::int32_t)>("std_8").name == "std_8@8");
        CHECK(lookup_in_i686<std::int64_t(std::int32_t, std::int64_t)>("std_12").name ==
              "std_12@12");
        CHECK(lookup_in_i686<double(std::int64_t, double)>("std_16").name == "std_16@16");
        const auto m = lookup_in_i686<double(trio, std::int8_t, double)>("std_24");
        CHECK(m.what == kind::found);
        CHECK(m.name == "std_24@24");
        CHECK(lookup_in_i686<std::int32_t(six)>("std_six").name == "std_six@8");
    }
    SECTION("MSVC's _name@N") {
        const auto m = lookup_in_i686<std::int32_t(std::int32_t, std::int32_t)>("msvc_8");
        CHECK(m.what == kind::found);
        CHECK(m.name == "_msvc_8@8");
    }
    SECTION("a decorated export with another N is a mismatch, naming both sizes") {
        const auto m = lookup_in_i686<std::int32_t(std::int32_t, std::int32_t)>("std_12");
        CHECK(m.what == kind::mismatch);
        CHECK(m.name == "std_12@12");
        CHECK(m.exported_bytes == 12);
        CHECK(d::argument_size_text(8, m.exported_bytes) ==
              "declared 8 bytes of arguments, the library exports 12");
        const auto n = lookup_in_i686<double(trio, double)>("std_24"); // forgot the int8_t
        CHECK(n.what == kind::mismatch);
        CHECK(n.exported_bytes == 24);
    }
    SECTION("a user convention's rule: fastcall's @name@N") {
        const auto m = lookup_in_i686<std::int32_t(std::int32_t, std::int32_t, std::int32_t),
                                      fastcall_convention>("fast_12");
        CHECK(m.what == kind::found);
        CHECK(m.name == "@fast_12@12");
        CHECK(lookup_in_i686<std::int32_t(std::int32_t, std::int32_t, std::int32_t)>("fast_12")
                  .what == kind::missing); // not a stdcall name
    }
    SECTION("no decorated form at all is missing") {
        CHECK(lookup_in_i686<std::int32_t(std::int32_t)>("no_such_function").what == kind::missing);
        CHECK(lookup_in_i686<std::int32_t(std::int32_t, std::int32_t)>("c_8").what ==
              kind::missing); // cdecl exports are plain names only
    }
}
#endif

#if defined(__i386__)
namespace {
// Bytes the callee popped, measured entirely in assembly by the fixture.
std::int32_t callee_pops(void *fn, std::int32_t words) {
    static const auto probe =
        conventions().get<std::int32_t(void *, std::int32_t)>("probe_callee_pops");
    return probe(fn, words);
}

template <class Ptr>
void *as_void(Ptr p) {
    return reinterpret_cast<void *>(p);
}

// The top of the x87 register stack (bits 11-13 of the FPU status word). A call that leaves
// a float result unpopped moves it for good, and after eight such calls every float result
// in the process is a NaN: a test must leave it where it found it.
unsigned x87_top() {
    std::uint16_t status = 0;
    __asm__ __volatile__("fnstsw %0" : "=m"(status));
    return (status >> 11) & 7U;
}

#if !defined(__OPTIMIZE__)
// How far one call through `p` moves the caller's stack pointer: 0 when caller and callee
// agree on who pops the arguments. Kept unoptimised (with a frame pointer) so that the stack
// is measured right around the call and a mismatched call cannot break the return.
template <class Ptr, class... A>
__attribute__((noinline)) std::ptrdiff_t esp_shift(Ptr p, A... a) {
    std::uintptr_t before = 0, after = 0;
    __asm__ __volatile__("movl %%esp, %0" : "=r"(before)::"memory");
    p(a...);
    __asm__ __volatile__("movl %%esp, %0" : "=r"(after)::"memory");
    return static_cast<std::ptrdiff_t>(after - before);
}
#endif
} // namespace

TEST_CASE("x86: the fixture's stdcall functions pop their arguments, cdecl ones do not",
          "[policy][x86]") {
    const unsigned top = x87_top();
    ctypes::WinDLL lib{CTYPES_TEST_CONVENTIONS};
    CHECK(callee_pops(as_void(lib.get<std::int32_t(std::int32_t)>("std_4").address()), 1) == 4);
    CHECK(callee_pops(as_void(lib.get<std::int32_t(std::int32_t, std::int32_t)>("std_8").address()),
                      2) == 8);
    CHECK(
        callee_pops(as_void(lib.get<std::int64_t(std::int32_t, std::int64_t)>("std_12").address()),
                    3) == 12);
    CHECK(callee_pops(as_void(lib.get<double(std::int64_t, double)>("std_16").address()), 4) == 16);
    CHECK(callee_pops(as_void(lib.get<double(trio, std::int8_t, double)>("std_24").address()), 6) ==
          24);
    CHECK(callee_pops(as_void(lib.get<std::int32_t(six)>("std_six").address()), 2) == 8);
    const auto &c = conventions();
    CHECK(callee_pops(as_void(c.get<std::int32_t(std::int32_t, std::int32_t)>("c_8").address()),
                      2) == 0);
    CHECK(callee_pops(as_void(c.get<double(trio, std::int8_t, double)>("c_24").address()), 6) == 0);
    // std_16, std_24 and c_24 return a double in st(0): the probe pops it.
    CHECK(x87_top() == top);
}

TEST_CASE("x86: a fastcall callback pops its stack argument as fastcall does",
          "[policy][callback][x86]") {
    // One word on the stack (the third argument; the first two go in ECX and EDX): 4 bytes.
    int k = 1;
    fast_callback capturing([&k](int, int, int c) { return c + k; });
    fast_callback stateless([](int, int, int c) { return c; });
    CHECK(callee_pops(as_void(capturing.get()), 1) == 4);
    CHECK(callee_pops(as_void(stateless.get()), 1) == 4);
}

#if !defined(__OPTIMIZE__)
TEST_CASE("x86: the stdcall policy makes a stdcall call, and a mismatch shifts the stack",
          "[policy][x86]") {
    const auto &lib = conventions();
    using sig = std::int32_t(std::int32_t, std::int32_t);
    auto std_8 = lib.get<sig, ctypes::windll_policy>("std_8");
    auto c_8 = lib.get<sig, ctypes::cdll_policy>("c_8");

    // Through the policies' own pointer types, the calls the façade makes: balanced.
    CHECK(esp_shift(std_8.address(), 10, 3) == 0);
    CHECK(esp_shift(c_8.address(), 10, 3) == 0);

    // The stdcall pointer leaves the 8 bytes for the callee to pop: a cdecl callee does not,
    // so the stack ends 8 bytes lower. This is what proves the caller emits a stdcall call.
    auto c_8_as_stdcall = lib.get<sig, ctypes::windll_policy>("c_8");
    CHECK(esp_shift(c_8_as_stdcall.address(), 10, 3) == -8);
    // The other mismatch: a cdecl call to a stdcall callee pops the arguments twice. (A cdecl
    // lookup is never decorated: on Windows it names the export as the DLL spells it.)
#if defined(_WIN32)
    auto std_8_as_cdecl = lib.get<sig, ctypes::cdll_policy>("std_8@8");
#else
    auto std_8_as_cdecl = lib.get<sig, ctypes::cdll_policy>("std_8");
#endif
    CHECK(esp_shift(std_8_as_cdecl.address(), 10, 3) == 8);

    // And the façade's own call operator, many times over: right results, intact stack.
    std::int32_t sum = 0;
    for (int i = 0; i < 1000; ++i)
        sum += std_8(i, 1);
    CHECK(sum == 1000 * 999 / 2 - 1000);
}

// What a header declares for the fixture's std_8: the convention is part of the type.
extern "C" std::int32_t __attribute__((stdcall)) std_8(std::int32_t, std::int32_t);

TEST_CASE("x86: get<decltype(::f)> of a stdcall declaration calls it as stdcall, even on a CDLL",
          "[policy][x86]") {
    const auto &lib = conventions(); // a CDLL
    auto f = lib.get<decltype(::std_8)>("std_8");
    STATIC_REQUIRE(std::is_same_v<decltype(f)::pointer, decltype(&::std_8)>);
    CHECK(esp_shift(f.address(), 10, 3) == 0);
    std::int32_t sum = 0;
    for (int i = 0; i < 1000; ++i)
        sum += f(i, 1);
    CHECK(sum == 1000 * 999 / 2 - 1000);
    auto checked = ctypes::checked(f, [](std::int32_t) {});
    CHECK(checked(10, 3) == 7);
    auto found = lib.get_first<decltype(::std_8)>({"std_8_renamed", "std_8"});
    CHECK(esp_shift(found.address(), 10, 3) == 0);
}
#endif
#endif
