// No callback limit a real program hits: the static thunk pool, then thunks made at run time
// (W^X), and the clear error where the system refuses run-time code.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <expat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#if defined(__linux__)
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "run_command.hpp"
#endif

namespace {

const ctypes::CDLL &callbacks_fixture() {
    static const ctypes::CDLL lib{CTYPES_TEST_CALLBACKS};
    return lib;
}

using comparator = int(const void *, const void *);

} // namespace

TEST_CASE("5,000 live capturing callbacks of one signature, each called through C",
          "[callback][pool]") {
    auto call_int = callbacks_fixture().get<int(int (*)(int), int)>("call_int");
    constexpr int count = 5000;
    std::vector<int> calls(count, 0);
    std::vector<ctypes::callback<int(int)>> live;
    live.reserve(count);
    for (int i = 0; i < count; ++i)
        live.emplace_back([&calls, i](int x) {
            ++calls[static_cast<std::size_t>(i)];
            return x * 10000 + i;
        });
    for (int i = 0; i < count; ++i) {
        CHECK(live[static_cast<std::size_t>(i)].uses_slot());
        // Each pointer is distinct and calls its own callable, static pool or run-time thunk.
        const int got = call_int(live[static_cast<std::size_t>(i)].get(), 7);
        if (got != 70000 + i)
            FAIL("callback " << i << " returned " << got);
    }
    for (int i = 0; i < count; ++i)
        REQUIRE(calls[static_cast<std::size_t>(i)] == 1);
    // An exception from a run-time thunk reaches the caller like any other.
    ctypes::callback<int(int)> thrower(
        [&calls](int) -> int { throw std::runtime_error("late " + std::to_string(calls.size())); });
    CHECK(thrower.uses_slot());
    CHECK_THROWS_WITH(call_int(thrower.get(), 1), "late 5000");
    // Freed thunks are taken again, with their new callables.
    live.erase(live.begin() + 10, live.begin() + 4000);
    std::vector<ctypes::callback<int(int)>> again;
    for (int i = 0; i < 4000; ++i)
        again.emplace_back([i, &calls](int x) { return x - i + static_cast<int>(calls.size()); });
    for (int i = 0; i < 4000; i += 97)
        CHECK(call_int(again[static_cast<std::size_t>(i)].get(), 1) == 1 - i + count);
    CHECK(call_int(live.back().get(), 0) == count - 1);
}

#if !defined(_WIN32)
TEST_CASE("qsort with 300 live comparators, and run-time thunks in other registers",
          "[callback][pool][posix]") {
    ctypes::CDLL libc{"libc.so.6"};
    auto qsort = libc.get<void(void *, std::size_t, std::size_t, comparator *)>("qsort");
    constexpr int count = 300;
    std::vector<ctypes::callback<comparator>> comparators;
    std::vector<int> used(count, 0);
    for (int i = 0; i < count; ++i)
        comparators.emplace_back([&used, i](const void *a, const void *b) {
            ++used[static_cast<std::size_t>(i)];
            const int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);
            return i % 2 ? (x > y) - (x < y) : (y > x) - (y < x); // odd ascending, even descending
        });
    for (int i = 0; i < count; i += 7) {
        std::vector<int> v{5, 3, 9, 1, 7};
        qsort(v.data(), v.size(), sizeof(int), comparators[static_cast<std::size_t>(i)].get());
        CHECK(v == (i % 2 ? std::vector<int>{1, 3, 5, 7, 9} : std::vector<int>{9, 7, 5, 3, 1}));
        CHECK(used[static_cast<std::size_t>(i)] > 0);
    }
    // Signatures whose record travels in other registers: one to five integer parameters,
    // doubles in between, and a double result.
    auto call_five =
        callbacks_fixture().get<int(int (*)(int, int, int, int, int), int, int, int, int, int)>(
            "call_five");
    auto integrate =
        callbacks_fixture().get<double(double, double, double (*)(double), long)>("integrate");
    std::vector<ctypes::callback<int(int, int, int, int, int)>> fives;
    std::vector<ctypes::callback<double(double)>> lines;
    for (int i = 0; i < 200; ++i) {
        fives.emplace_back(
            [i](int a, int b, int c, int d, int e) { return a + b + c + d + e + i; });
        lines.emplace_back([i](double x) { return x * i; });
    }
    for (int i = 0; i < 200; i += 13) {
        CHECK(call_five(fives[static_cast<std::size_t>(i)].get(), 1, 2, 3, 4, 5) == 2 * (15 + i));
        CHECK(integrate(0.0, 1.0, lines[static_cast<std::size_t>(i)].get(), 10) == Approx(0.5 * i));
    }
}

namespace {
// One pure-Python-expat-style parser: a closure per handler, each capturing its own parser's
// state, as `xml.parsers.expat`-like ctypes bindings make them.
struct parser {
    using start_handler = void(void *, const XML_Char *, const XML_Char **);
    using end_handler = void(void *, const XML_Char *);
    using text_handler = void(void *, const XML_Char *, int);

    int id;
    std::string trace;
    ctypes::callback<start_handler> on_start;
    ctypes::callback<end_handler> on_end;
    ctypes::callback<text_handler> on_text;

    explicit parser(int n)
        : id(n), on_start([this](void *, const XML_Char *name, const XML_Char **attributes) {
              trace += "<" + std::string(name);
              for (const XML_Char **a = attributes; *a; a += 2)
                  trace += " " + std::string(a[0]) + "=" + a[1];
              trace += ">";
              if (std::string(name) == "bad")
                  throw std::invalid_argument("parser " + std::to_string(id) + ": bad element");
          }),
          on_end([this](void *, const XML_Char *name) { trace += "</" + std::string(name) + ">"; }),
          on_text([this](void *, const XML_Char *s, int len) {
              trace.append(s, static_cast<std::size_t>(len));
          }) {}
};
} // namespace

TEST_CASE("libexpat: 150 live parsers, one closure per handler per parser", "[callback][pool]") {
    ctypes::CDLL expat{"libexpat.so.1"};
    auto create = expat.get<XML_Parser(const XML_Char *)>("XML_ParserCreate");
    auto free_parser = expat.get<void(XML_Parser)>("XML_ParserFree");
    auto set_element = expat.get<void(XML_Parser, parser::start_handler *, parser::end_handler *)>(
        "XML_SetElementHandler");
    auto set_text =
        expat.get<void(XML_Parser, parser::text_handler *)>("XML_SetCharacterDataHandler");
    auto parse = expat.get<int(XML_Parser, const char *, int, int)>("XML_Parse");

    constexpr int count = 150;
    std::vector<std::unique_ptr<parser>> parsers;
    std::vector<XML_Parser> handles;
    for (int i = 0; i < count; ++i) {
        parsers.push_back(std::make_unique<parser>(i));
        XML_Parser h = create(nullptr);
        REQUIRE(h != nullptr);
        set_element(h, parsers.back()->on_start.get(), parsers.back()->on_end.get());
        set_text(h, parsers.back()->on_text.get());
        handles.push_back(h);
    }
    // Every parser is live while all parse, interleaved: a first half, then the rest.
    for (int i = 0; i < count; ++i) {
        const std::string doc =
            "<doc n=\"" + std::to_string(i) + "\"><item>" + std::to_string(i * i) + "</item>";
        REQUIRE(parse(handles[static_cast<std::size_t>(i)], doc, static_cast<int>(doc.size()), 0) ==
                XML_STATUS_OK);
    }
    for (int i = count; i-- > 0;) {
        const std::string rest = "</doc>";
        REQUIRE(parse(handles[static_cast<std::size_t>(i)], rest, static_cast<int>(rest.size()),
                      1) == XML_STATUS_OK);
    }
    for (int i = 0; i < count; ++i)
        CHECK(parsers[static_cast<std::size_t>(i)]->trace ==
              "<doc n=" + std::to_string(i) + "><item>" + std::to_string(i * i) + "</item></doc>");
    // A handler's exception reaches the XML_Parse caller of that parser only.
    const std::string bad = "<doc><bad/></doc>";
    XML_Parser last = create(nullptr);
    parser p(count);
    set_element(last, p.on_start.get(), p.on_end.get());
    CHECK_THROWS_WITH(parse(last, bad, static_cast<int>(bad.size()), 1), "parser 150: bad element");
    free_parser(last);
    for (XML_Parser h : handles)
        free_parser(h);
}

#endif

#if defined(__linux__)
TEST_CASE("where the system refuses run-time code, a clear error and the static pool serves",
          "[callback][pool][posix]") {
    using sig = short(short, short, short); // a signature no other test uses
    int err[2];
    REQUIRE(pipe(err) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(err[0]);
        // A seccomp policy like a hardened service's: mprotect(..., PROT_EXEC) fails EACCES.
        sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
        std::string out;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
            out = "no seccomp";
        } else {
            // Thunks already made stay usable: take them all, until the pool and they run out.
            std::vector<ctypes::callback<sig>> live;
            int k = 1;
            try {
                for (int i = 0; i < 20000; ++i)
                    live.emplace_back([&k, i](short a, short, short) { return short(a + i * k); });
                out = "accepted";
            } catch (const ctypes::error &e) {
                out = e.code() == ctypes::errc::no_callback_slot ? e.what() : "wrong code";
            }
            bool all_work = live.size() >= CTYPES_CALLBACK_SLOTS;
            for (std::size_t i = 0; i < live.size(); ++i)
                all_work = all_work && live[i].get()(1, 0, 0) == short(1 + i);
            live.erase(live.begin() + 3); // a freed static slot serves again
            ctypes::callback<sig> again([&k](short, short, short) { return short(-k); });
            all_work = all_work && again.get()(0, 0, 0) == -1;
            out += all_work ? "|static pool works" : "|static pool broken";
        }
        (void)!write(err[1], out.data(), out.size());
        _exit(0);
    }
    close(err[1]);
    const std::string text = test_command::read_all(err[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    if (text == "no seccomp") {
        WARN("seccomp filters unavailable here: the refusal is not exercised");
        return;
    }
    CHECK_THAT(text, Catch::StartsWith("ctypes: cannot make a callback of type short"));
    CHECK_THAT(text, Catch::Contains("all " + std::to_string(CTYPES_CALLBACK_SLOTS) +
                                     " static thunks of this signature are in use"));
    CHECK_THAT(text, Catch::Contains("(mprotect: Permission denied)"));
    CHECK_THAT(text, Catch::Contains("CTYPES_CALLBACK_SLOTS"));
    CHECK_THAT(text, Catch::EndsWith("|static pool works"));
}
#endif

TEST_CASE("use_errno functions swap errno in a thunk: hundreds live, copies share it",
          "[callback][pool][errno]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES, ctypes::use_errno};
    auto plain = ctypes::CDLL{CTYPES_TEST_SHAPES}.get<int(int)>("fail_with_errno");
    std::vector<ctypes::function<int(int)>> live;
    for (int i = 0; i < 300; ++i) // beyond the static pool of the signature
        live.push_back(lib.get<int(int)>("fail_with_errno"));
    for (std::size_t i = 0; i < live.size(); ++i) {
        CHECK(live[i].address() == plain.address()); // the loader's address, not the thunk's
        ctypes::set_errno(0);
        errno = 0;
        REQUIRE(live[i](static_cast<int>(i % 100) + 1) == -1);
        REQUIRE(ctypes::get_errno() == static_cast<int>(i % 100) + 1);
        REQUIRE(errno == 0); // swapped back
    }
    auto copy = live.front();
    live.clear();
    ctypes::set_errno(0);
    CHECK(copy(EDOM) == -1); // the copy keeps the thunk alive
    CHECK(ctypes::get_errno() == EDOM);

    // A callback's exception through a use_errno function arrives after the swap-back.
    ctypes::CDLL callbacks{CTYPES_TEST_CALLBACKS, ctypes::use_errno};
    auto errno_around = callbacks.get<int(void (*)(), int)>("errno_around");
    ctypes::callback<void()> thrower([] {
        errno = EILSEQ;
        throw std::runtime_error("inside");
    });
    ctypes::set_errno(0);
    errno = EBADF;
    CHECK_THROWS_WITH(errno_around(thrower.get(), EDOM), "inside");
    CHECK(ctypes::get_errno() == EILSEQ); // what C left in errno
    CHECK(errno == EBADF);
}
