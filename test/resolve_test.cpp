// detail/resolve.hpp on its own: opening, resolving (kinds and sizes) and releasing a real
// library, and the words of every failure, without basic_library in between.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <cstdint>
#include <string>
#include <system_error>

namespace d = ctypes::detail;

namespace {

d::state_ptr open_shapes() {
    std::error_code ec;
    std::string message;
    d::state_ptr state = d::open_library(ctypes::path_arg(CTYPES_TEST_SHAPES),
                                         ctypes::load_flags::none, ec, &message);
    REQUIRE(state);
    REQUIRE_FALSE(ec);
    CHECK(message.empty());
    return state;
}

} // namespace

TEST_CASE("open_library loads a file into a state and refuses bad names with their words",
          "[resolve]") {
    const d::state_ptr state = open_shapes();
    CHECK(state->name == CTYPES_TEST_SHAPES);
    CHECK_FALSE(state->is_self);
    CHECK(d::display_name(state.get()) == CTYPES_TEST_SHAPES);
    CHECK(d::display_name(nullptr) == "(no library)");

    std::error_code ec;
    std::string message;
    CHECK_FALSE(d::open_library(ctypes::path_arg(""), ctypes::load_flags::none, ec, &message));
    CHECK(ec == std::errc::invalid_argument);
    CHECK(message == "ctypes: cannot load a library from an empty name: use self() for the "
                     "running program");
    CHECK_FALSE(d::open_library(ctypes::path_arg(static_cast<const char *>(nullptr)),
                                ctypes::load_flags::none, ec, &message));
    CHECK(message == "ctypes: cannot load a library from a null name: use self() for the "
                     "running program");
    CHECK_FALSE(d::open_library(ctypes::path_arg(std::string("libz\0x", 6)),
                                ctypes::load_flags::none, ec, &message));
    CHECK(ec == ctypes::errc::load_failed);
    CHECK(message == "ctypes: cannot load 'libz': the name has an embedded NUL at byte 4, where a "
                     "C string ends; pass the name without it");
    CHECK_FALSE(d::open_library(ctypes::path_arg("ctypes_no_such_library.so"),
                                ctypes::load_flags::none, ec, nullptr));
    CHECK(ec);

    const d::state_ptr self =
        d::open_library(ctypes::path_arg::running_program(), ctypes::load_flags::none, ec, nullptr);
    REQUIRE(self);
    CHECK(self->is_self);
    CHECK(d::display_name(self.get()) == "the running program");
}

TEST_CASE("resolve finds functions and objects, and says what a missing one is", "[resolve]") {
    const d::state_ptr state = open_shapes();
    std::error_code ec;
    std::string message;
    const auto find = [&](ctypes::symbol_name name, d::wanted kind, std::size_t size = 0) {
        message.clear();
        return d::resolve(state.get(), name, kind, size, ec, &message);
    };
    CHECK(find("add_i32", d::wanted::function) != nullptr);
    CHECK_FALSE(ec);
    CHECK(message.empty());
    void *counter = find("counter", d::wanted::object, sizeof(int));
    REQUIRE(counter);
    CHECK(*static_cast<int *>(counter) == 7);

    CHECK(find("add_i33", d::wanted::function) == nullptr);
    CHECK(d::is_missing_symbol(ec));
    CHECK_THAT(message,
               Catch::StartsWith("ctypes: cannot find symbol 'add_i33' in '" CTYPES_TEST_SHAPES
                                 "' (did you mean 'add_i32'"));

    // Without a message: the code alone.
    CHECK(d::resolve(state.get(), ctypes::symbol_name("add_i33"), d::wanted::function, 0, ec,
                     nullptr) == nullptr);
    CHECK(d::is_missing_symbol(ec));

    CHECK(find(static_cast<const char *>(nullptr), d::wanted::function) == nullptr);
    CHECK(ec == ctypes::errc::symbol_not_found);
    CHECK(message == "ctypes: cannot look up a null symbol name in '" CTYPES_TEST_SHAPES "'");

    const std::string with_nul("add\0i32", 7);
    CHECK(find(with_nul, d::wanted::function) == nullptr);
    CHECK(ec == ctypes::errc::symbol_not_found);
    CHECK(message == "ctypes: cannot look up symbol 'add' in '" CTYPES_TEST_SHAPES
                     "': the name has an embedded NUL at byte 3, where a C string ends; pass the "
                     "name without it");

    CHECK(d::resolve(nullptr, ctypes::symbol_name("add_i32"), d::wanted::function, 0, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::not_loaded);
    CHECK(message ==
          "ctypes: cannot look up 'add_i32': no library is loaded (moved from or unloaded)");
}

#if !defined(_WIN32) // PE exports record no size or kind
TEST_CASE("resolve checks the symbol table's kind and size", "[resolve][posix]") {
    const d::state_ptr state = open_shapes();
    std::error_code ec;
    std::string message;
    CHECK(d::resolve(state.get(), ctypes::symbol_name("wide_counter"), d::wanted::function, 0, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::not_a_function);
    CHECK(message == "ctypes: symbol 'wide_counter' in '" CTYPES_TEST_SHAPES
                     "' is a data object of 8 bytes, not a function; use var<T>()");

    CHECK(d::resolve(state.get(), ctypes::symbol_name("wide_counter"), d::wanted::object, 4, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::size_mismatch);
    CHECK(message == "ctypes: symbol 'wide_counter' in '" CTYPES_TEST_SHAPES
                     "' is an object of 8 bytes, but var<T>() declares 4 (sizeof(T))");
    CHECK(d::resolve(state.get(), ctypes::symbol_name("wide_counter"), d::wanted::object,
                     sizeof(std::int64_t), ec, &message) != nullptr);

    CHECK(d::resolve(state.get(), ctypes::symbol_name("add_i32"), d::wanted::object, 4, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::not_an_object);
    CHECK(message == "ctypes: symbol 'add_i32' in '" CTYPES_TEST_SHAPES
                     "' is a function, not a data object; use get<Sig>()");
}

TEST_CASE("resolve tells a thread-local export from a data object", "[resolve][posix]") {
    std::error_code ec;
    std::string message;
    const d::state_ptr state =
        d::open_library(ctypes::path_arg(CTYPES_TEST_TLS), ctypes::load_flags::none, ec, nullptr);
    REQUIRE(state);
    CHECK(d::resolve(state.get(), ctypes::symbol_name("tls_counter"), d::wanted::function, 0, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::not_a_function);
    CHECK(message == "ctypes: symbol 'tls_counter' in '" CTYPES_TEST_TLS
                     "' is a thread-local variable of 4 bytes, not a function; use var<T>()");
    CHECK(d::resolve(state.get(), ctypes::symbol_name("tls_block"), d::wanted::object, 8, ec,
                     &message) == nullptr);
    CHECK(ec == ctypes::errc::size_mismatch);
    CHECK(message == "ctypes: symbol 'tls_block' in '" CTYPES_TEST_TLS
                     "' is a thread-local variable of 4096 bytes, but var<T>() declares 8 "
                     "(sizeof(T))");
}
#endif

TEST_CASE("a decorating lookup of a missing name on a non-decorating loader is plain missing",
          "[resolve]") {
    const d::state_ptr state = open_shapes();
    std::error_code ec;
    std::string message;
    // Only 32-bit Windows exports decorated names; elsewhere the fallback finds nothing more.
    const d::decoration stdcall8{8, nullptr};
#if !(defined(_WIN32) && CTYPES_DETAIL_X86_32)
    CHECK(d::native_loader::decorated_symbol(state->handle, "add_i33", stdcall8).what ==
          d::decorated_match::kind::missing);
#endif
    CHECK(d::resolve(state.get(), ctypes::symbol_name("add_i32"), d::wanted::function, 0, ec,
                     &message, stdcall8) != nullptr);
    CHECK(d::resolve(state.get(), ctypes::symbol_name("add_i33"), d::wanted::function, 0, ec,
                     &message, stdcall8) == nullptr);
    CHECK(d::is_missing_symbol(ec));
}

TEST_CASE("none_found_message lists every name, hints for the first, the loader for the last",
          "[resolve]") {
    const d::state_ptr state = open_shapes();
    const std::string text =
        d::none_found_message<ctypes::symbol_name>(*state, {"add_i33", "nope"});
    CHECK_THAT(text, Catch::StartsWith(
                         "ctypes: cannot find any of 'add_i33', 'nope' in '" CTYPES_TEST_SHAPES
                         "' (did you mean 'add_i32'"));
    CHECK_THAT(text, Catch::Contains("nope"));
}

TEST_CASE("release gives the state back only when nothing else holds it", "[resolve]") {
    d::state_ptr state = open_shapes();
    std::error_code ec;
    std::string message;
    {
        const d::state_ptr user = state;
        CHECK_FALSE(d::release(state, ec, &message));
        CHECK(ec == ctypes::errc::in_use);
        CHECK(message == "ctypes: cannot unload '" CTYPES_TEST_SHAPES
                         "': 1 function, variable or owned pointer still uses it");
        CHECK(state);
    }
    d::release(state, ec, &message);
    CHECK_FALSE(ec);
    CHECK_FALSE(state);
    CHECK_FALSE(d::release(state, ec, &message));
    CHECK(ec == ctypes::errc::not_loaded);
    CHECK(message ==
          "ctypes: cannot unload: no library is loaded (moved from or already unloaded)");
}
