// The differential test of runtime-typed calls: hundreds of C functions with random signatures
// (test/gen_signatures.py, seeded), each called through get<Sig>, through the fast path (where
// the signature suits it) and through libffi; every result must agree with the typed call's.
#include <ctypes/dynamic.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

struct s_small {
    std::int32_t a;
    float b;
};
struct s_pair {
    double x, y;
};
struct s_big {
    std::int64_t v[4];
};
struct s_mixed {
    std::uint8_t c;
    std::int16_t s;
    double d;
};
struct s_bytes {
    std::uint8_t b[3];
};
union u_num {
    std::int32_t i;
    float f;
};

u_num make_u_num(std::int32_t i) {
    u_num u;
    u.i = i;
    return u;
}

const unsigned char sig_bytes[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};

template <class R>
bool same(const R &a, const R &b) {
    if constexpr (std::is_arithmetic_v<R>)
        return a == b;
    else
        return std::memcmp(&a, &b, sizeof(R)) == 0; // NOLINT: the same bits is the point
}

std::string read_text(const char *path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct tally {
    int expected = 0, functions = 0;
    std::vector<std::string> disagree;
};

const ctypes::CDLL &signatures_library() {
    static const ctypes::CDLL lib{CTYPES_TEST_SIGNATURES};
    return lib;
}

const ctypes::cdef &signatures_decls() {
    static const ctypes::cdef decls{read_text(CTYPES_TEST_SIGNATURES_DECLS)};
    return decls;
}

void report(const tally &t) {
    std::string names;
    for (const std::string &n : t.disagree)
        names += " " + n;
    INFO("the calls disagree on" << names);
    CHECK(t.disagree.empty());
    CHECK(t.expected > 0);
    CHECK(t.functions == t.expected);
}

} // namespace

#define SIGNATURE_CASE(name, R, Sig, args)                                                         \
    {                                                                                              \
        auto typed = lib.get<Sig>(name);                                                           \
        auto dyn = lib.get_dynamic(name, decls);                                                   \
        const R a = typed args;                                                                    \
        const R b = dyn args.as<R>();                                                              \
        const R c = dyn.via_libffi() args.as<R>();                                                 \
        const R d = dyn.call<R> args;                                                              \
        const R e = dyn.via_libffi().call<R> args;                                                 \
        ++t.functions;                                                                             \
        if (!same(a, b) || !same(a, c) || !same(a, d) || !same(a, e))                              \
            t.disagree.push_back(name);                                                            \
    }

// The generated calls come in SIGNATURE_PARTS groups (gen_signatures.py), one TEST_CASE each, so
// that ctest runs them side by side; together they check every generated function.
#define SIGNATURE_PART_BODY                                                                        \
    const ctypes::CDLL &lib = signatures_library();                                                \
    const ctypes::cdef &decls = signatures_decls();                                                \
    tally t

#define SIGNATURE_PART 0
TEST_CASE("random signatures: get<Sig>, the fast path and libffi agree, part 1",
          "[dynamic][signatures]") {
    SIGNATURE_PART_BODY;
#include "signatures_calls.inc"
    report(t);
}
#undef SIGNATURE_PART

#define SIGNATURE_PART 1
TEST_CASE("random signatures: get<Sig>, the fast path and libffi agree, part 2",
          "[dynamic][signatures]") {
    SIGNATURE_PART_BODY;
#include "signatures_calls.inc"
    report(t);
}
#undef SIGNATURE_PART

#define SIGNATURE_PART 2
TEST_CASE("random signatures: get<Sig>, the fast path and libffi agree, part 3",
          "[dynamic][signatures]") {
    SIGNATURE_PART_BODY;
#include "signatures_calls.inc"
    report(t);
}
#undef SIGNATURE_PART

#define SIGNATURE_PART 3
TEST_CASE("random signatures: get<Sig>, the fast path and libffi agree, part 4",
          "[dynamic][signatures]") {
    SIGNATURE_PART_BODY;
#include "signatures_calls.inc"
    report(t);
}
#undef SIGNATURE_PART

static_assert(SIGNATURE_PARTS == 4, "ctypes: signatures_test.cpp has one TEST_CASE per part of "
                                    "gen_signatures.py's calls; make PARTS and them agree");
static_assert(SIGNATURE_TOTAL >= 500, "ctypes: the differential test checks at least 500 "
                                      "signatures; run gen_signatures.py with a count of 500 or "
                                      "more");

TEST_CASE("random signatures: enough of them take the fast path", "[dynamic][signatures]") {
    const ctypes::CDLL &lib = signatures_library();
    const ctypes::cdef &decls = signatures_decls();
    int fast = 0;
    for (const std::string &name : decls.functions())
        fast += lib.get_dynamic(name, decls).uses_fast_path() ? 1 : 0;
    CHECK(decls.functions().size() == SIGNATURE_TOTAL);
#if defined(__x86_64__) && !defined(_WIN32)
    CHECK(fast >= 150);
#elif defined(__x86_64__) || defined(_M_X64)
    CHECK(fast >= 50); // Windows x64: at most four parameters
#else
    (void)fast; // the fast path is x86-64's here
#endif
}
