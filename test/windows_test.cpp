// The Windows loader, for real (under Wine in CI): UTF-16 paths, the DLL search rules, Win32
// error codes with the system's text, GetLastError capture, HRESULTs, unloading, ordinals.
// <windows.h> is included here for the tests' own, independent Win32 calls.
#include <catch2/catch.hpp>

#include <ctypes/ctypes.hpp>

#include <windows.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>

namespace fs = std::filesystem;

namespace {

// UTF-16 to UTF-8 by the system, independent of ctypes-cpp's own conversion.
std::string utf8(const std::wstring &wide) {
    if (wide.empty())
        return {};
    const int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                                      nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), &out[0], n, nullptr,
                        nullptr);
    return out;
}

// FormatMessageW's text for a code, trimmed of its period and line break, as ctypes-cpp's
// messages end; empty when the system has none.
std::string system_text(DWORD code) {
    wchar_t buffer[512] = {};
    const DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, buffer, 512, nullptr);
    std::wstring text(buffer, n);
    while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r' || text.back() == L' ' ||
                             text.back() == L'.'))
        text.pop_back();
    return utf8(text);
}

std::error_code win32_error(DWORD code) {
    return {static_cast<int>(code), std::system_category()};
}

bool starts_with(const std::string &s, const std::string &prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The fixtures' paths, made absolute while the working directory is still the build's (the
// definitions are absolute paths without a drive letter).
fs::path fixture(const char *path) {
    return fs::absolute(fs::path(path));
}

bool in_process(const fs::path &file) {
    return GetModuleHandleW(file.wstring().c_str()) != nullptr;
}

// A fresh directory of this process's own under the temporary directory, removed at the end.
class scratch_dir {
public:
    explicit scratch_dir(const std::wstring &leaf)
        : root_(fs::temp_directory_path() /
                (L"ctypes-test-" + std::to_wstring(GetCurrentProcessId()))),
          path_(root_ / leaf) {
        fs::remove_all(root_);
        fs::create_directories(path_);
    }
    ~scratch_dir() {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    scratch_dir(const scratch_dir &) = delete;
    scratch_dir &operator=(const scratch_dir &) = delete;
    const fs::path &path() const { return path_; }

private:
    fs::path root_, path_;
};

// Changes the working directory for the scope, then puts it back.
class working_directory {
public:
    explicit working_directory(const fs::path &dir) : old_(fs::current_path()) {
        fs::current_path(dir);
    }
    ~working_directory() {
        std::error_code ignored;
        fs::current_path(old_, ignored);
    }
    working_directory(const working_directory &) = delete;
    working_directory &operator=(const working_directory &) = delete;

private:
    fs::path old_;
};

} // namespace

TEST_CASE("a DLL loads by path and path() is the file GetModuleFileNameW names",
          "[library][windows]") {
    const fs::path shapes = fixture(CTYPES_TEST_SHAPES);
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    CHECK(lib.name() == CTYPES_TEST_SHAPES);
    CHECK(fs::equivalent(lib.path(), shapes));
    wchar_t file[MAX_PATH] = {};
    const DWORD n = GetModuleFileNameW(lib.native_handle(), file, MAX_PATH);
    REQUIRE(n > 0);
    CHECK(lib.path() == utf8(std::wstring(file, n)));
    CHECK(lib.native_handle() == GetModuleHandleW(shapes.wstring().c_str()));
    CHECK(lib.get<int(int, int)>("add_i32")(40, 2) == 42);
}

TEST_CASE("a non-ASCII path loads as UTF-8, as std::wstring and as std::filesystem::path",
          "[library][windows][unicode]") {
    scratch_dir dir(L"donn\u00e9es");
    const fs::path copy = dir.path() / L"\u00f1.dll";
    fs::copy_file(fixture(CTYPES_TEST_SHAPES), copy);
    const std::string as_utf8 = utf8(copy.wstring());
    REQUIRE(as_utf8.find("donn\xC3\xA9"
                         "es") != std::string::npos);
    {
        ctypes::CDLL by_utf8{as_utf8};
        ctypes::CDLL by_wide{copy.wstring()};
        ctypes::CDLL by_path{copy};
        CHECK(by_utf8.native_handle() == by_wide.native_handle());
        CHECK(by_wide.native_handle() == by_path.native_handle());
        CHECK(by_utf8.name() == as_utf8);
        CHECK(by_path.name() == as_utf8);
        // path() is UTF-8 too, and names the copy, not the original it was made from.
        const std::string path = by_utf8.path();
        CHECK(path.find("donn\xC3\xA9"
                        "es") != std::string::npos);
        CHECK(path.size() >= 6);
        CHECK(path.compare(path.size() - 6, 6, "\xC3\xB1.dll") == 0);
        CHECK(fs::equivalent(copy, fs::path(copy.wstring())));
        CHECK(by_path.get<int(int, int)>("add_i32")(2, 3) == 5);
        CHECK(in_process(copy));
        CHECK_FALSE(by_utf8.unload()); // two more references
        CHECK_FALSE(by_wide.unload());
        CHECK(by_path.unload());
    }
    CHECK_FALSE(in_process(copy));

    // Outside the Basic Multilingual Plane: a surrogate pair in UTF-16, four bytes in UTF-8.
    const fs::path astral = dir.path() / L"\U0001F600.dll";
    fs::copy_file(fixture(CTYPES_TEST_SHAPES), astral);
    ctypes::CDLL by_utf8{utf8(dir.path().wstring()) + "\\\xF0\x9F\x98\x80.dll"};
    CHECK(by_utf8.native_handle() == GetModuleHandleW(astral.wstring().c_str()));
    const std::string path = by_utf8.path();
    CHECK(path.compare(path.size() - 8, 8, "\xF0\x9F\x98\x80.dll") == 0);
    CHECK(by_utf8.unload());
}

TEST_CASE("a path with a directory loads the DLL's dependencies from that directory",
          "[library][windows][search]") {
    const fs::path dependent = fixture(CTYPES_TEST_DEPENDENT);
    const fs::path deps = dependent.parent_path();
    scratch_dir elsewhere(L"elsewhere");
    working_directory cwd(elsewhere.path());

    // The control: without LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR, Windows does not find the
    // dependency beside the DLL (it is in no directory Windows searches by default).
    SetLastError(0);
    HMODULE plain =
        LoadLibraryExW(dependent.wstring().c_str(), nullptr, LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
    const DWORD plain_error = GetLastError();
    if (plain)
        FreeLibrary(plain);
    REQUIRE(plain == nullptr);
    CHECK(plain_error == ERROR_MOD_NOT_FOUND);

    ctypes::CDLL lib{dependent.wstring()};
    CHECK(lib.get<int()>("dependent_value")() == 1235);
    CHECK(in_process(deps / "libctypes_fixture_dependency.dll"));

    // A relative path with a directory is made absolute against the working directory first.
    working_directory in_build(deps.parent_path());
    ctypes::CDLL relative{"deps\\libctypes_fixture_dependent.dll"};
    CHECK(relative.native_handle() == lib.native_handle());
    ctypes::CDLL forward{"deps/libctypes_fixture_dependent.dll"};
    CHECK(forward.native_handle() == lib.native_handle());
}

TEST_CASE("a bare name never searches the current directory", "[library][windows][search]") {
    scratch_dir dir(L"cwd");
    fs::copy_file(fixture(CTYPES_TEST_UNLOAD), dir.path() / "ctypes_cwd_probe.dll");
    working_directory cwd(dir.path());

    std::error_code ec;
    ctypes::CDLL bare{"ctypes_cwd_probe.dll", ec};
    CHECK(ec == win32_error(ERROR_MOD_NOT_FOUND));
    CHECK_FALSE(bare.is_loaded());

    // The control: the file is there, and the classic search order, which includes the current
    // directory, finds it.
    HMODULE classic = LoadLibraryW(L"ctypes_cwd_probe.dll");
    CHECK(classic != nullptr);
    if (classic)
        FreeLibrary(classic);

    // Asked for with a directory, the same file loads.
    ctypes::CDLL explicit_dir{".\\ctypes_cwd_probe.dll"};
    CHECK(explicit_dir.get<int()>("unload_fixture_value")() == 42);
    CHECK(explicit_dir.unload());
}

TEST_CASE("a bare system DLL name is found in System32", "[library][windows][search]") {
    ctypes::CDLL kernel32{"kernel32.dll"};
    CHECK(kernel32.native_handle() == GetModuleHandleW(L"kernel32.dll"));
    ctypes::CDLL no_extension{"kernel32"}; // LoadLibrary adds .dll
    CHECK(no_extension.native_handle() == kernel32.native_handle());
}

TEST_CASE("a missing DLL is a load_error with code 126 and the system's text",
          "[library][windows][errors]") {
    const std::string text = system_text(ERROR_MOD_NOT_FOUND);
    REQUIRE_FALSE(text.empty());
    try {
        ctypes::CDLL lib{"ctypes-no-such-library.dll"};
        FAIL("loading a missing DLL did not throw");
    } catch (const ctypes::load_error &e) {
        CHECK(e.code() == win32_error(ERROR_MOD_NOT_FOUND));
        CHECK(std::string(e.what()) == "ctypes: cannot load 'ctypes-no-such-library.dll': " + text);
    }
    std::error_code ec;
    ctypes::CDLL lib{"ctypes-no-such-library.dll", ec};
    CHECK(ec == win32_error(ERROR_MOD_NOT_FOUND));
    CHECK_FALSE(lib.is_loaded());
}

TEST_CASE("a file that is not a DLL is refused with the system's reason",
          "[library][windows][errors]") {
    try {
        ctypes::CDLL lib{fixture(__FILE__)};
        FAIL("loading a source file did not throw");
    } catch (const ctypes::load_error &e) {
        CHECK(e.code() == win32_error(ERROR_BAD_EXE_FORMAT));
        const std::string what = e.what();
        CHECK(starts_with(what, "ctypes: cannot load '"));
        CHECK(what.size() > system_text(ERROR_BAD_EXE_FORMAT).size());
    }
}

TEST_CASE("a missing symbol is a symbol_error with code 127 and the system's text",
          "[function][windows][errors]") {
    const ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    const std::string text = system_text(ERROR_PROC_NOT_FOUND);
    REQUIRE_FALSE(text.empty());
    try {
        lib.get<int(int)>("no_such_function");
        FAIL("a missing symbol did not throw");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == win32_error(ERROR_PROC_NOT_FOUND));
        CHECK(std::string(e.what()) ==
              "ctypes: cannot find symbol 'no_such_function' in '" CTYPES_TEST_SHAPES "': " + text);
    }
    std::error_code ec;
    CHECK_FALSE(lib.get<int(int)>("no_such_function", ec));
    CHECK(ec == win32_error(ERROR_PROC_NOT_FOUND));
    CHECK_FALSE(lib.var<int>("no_such_object", ec));
    CHECK(ec == win32_error(ERROR_PROC_NOT_FOUND));
    CHECK_FALSE(lib.try_get<int(int)>("no_such_function").has_value());
    CHECK_FALSE(lib.has("no_such_function"));
}

TEST_CASE("use_last_error captures what SetLastError left inside the DLL",
          "[errno][windows][last_error]") {
    ctypes::CDLL lib{CTYPES_TEST_WIN32, ctypes::use_last_error};
    auto fail = lib.get<BOOL(DWORD)>("set_last_error_and_fail");
    CHECK(fail.flags() == ctypes::use_last_error);
    ctypes::set_last_error(0);
    SetLastError(ERROR_INVALID_HANDLE);
    const BOOL result = fail(ERROR_ACCESS_DENIED);
    const DWORD real = GetLastError();
    CHECK(result == FALSE);
    CHECK(real == ERROR_INVALID_HANDLE); // the real value got its old value back right after
    CHECK(ctypes::get_last_error() == ERROR_ACCESS_DENIED);

    // C++ work between calls that changes the real value does not touch the private copy.
    SetLastError(ERROR_OUTOFMEMORY);
    CHECK(ctypes::get_last_error() == ERROR_ACCESS_DENIED);
}

TEST_CASE("set_last_error() is what the DLL sees in GetLastError() on entry",
          "[errno][windows][last_error]") {
    ctypes::CDLL lib{CTYPES_TEST_WIN32};
    auto on_entry = lib.get<DWORD()>("last_error_on_entry", ctypes::use_last_error);
    auto plain = lib.get<DWORD()>("last_error_on_entry");
    ctypes::set_last_error(ERROR_FILE_NOT_FOUND);
    CHECK(ctypes::set_last_error(ERROR_BUSY) == ERROR_FILE_NOT_FOUND);
    SetLastError(0);
    const DWORD seen = on_entry();
    CHECK(seen == ERROR_BUSY);
    CHECK(ctypes::get_last_error() == ERROR_BUSY); // the function left it as it found it

    // Without use_last_error, the function sees the real value and the copy is untouched.
    SetLastError(ERROR_NOT_READY);
    const DWORD seen_plain = plain();
    CHECK(seen_plain == ERROR_NOT_READY);
    CHECK(ctypes::get_last_error() == ERROR_BUSY);
}

TEST_CASE("the private last-error copy is per thread", "[errno][windows][last_error][threads]") {
    ctypes::CDLL lib{CTYPES_TEST_WIN32, ctypes::use_last_error};
    auto fail = lib.get<BOOL(DWORD)>("set_last_error_and_fail");
    fail(ERROR_SHARING_VIOLATION);
    DWORD at_start = 1, in_thread = 0;
    std::thread t([&] {
        at_start = ctypes::get_last_error();
        fail(ERROR_LOCK_VIOLATION);
        in_thread = ctypes::get_last_error();
    });
    t.join();
    CHECK(at_start == 0);
    CHECK(in_thread == ERROR_LOCK_VIOLATION);
    CHECK(ctypes::get_last_error() == ERROR_SHARING_VIOLATION);
}

TEST_CASE("OleDLL: ole32's CLSIDFromString returns S_OK or throws CO_E_CLASSSTRING",
          "[policy][windows][hresult]") {
    ctypes::OleDLL ole32{"ole32.dll"};
    auto clsid_from_string = ole32.get<HRESULT(LPCOLESTR, CLSID *)>("CLSIDFromString");
    CLSID id{};
    // IID_IUnknown, {00000000-0000-0000-C000-000000000046}.
    CHECK(clsid_from_string(L"{00000000-0000-0000-C000-000000000046}", &id) == S_OK);
    CHECK(id.Data1 == 0u);
    CHECK(id.Data4[0] == 0xC0);
    CHECK(id.Data4[7] == 0x46);
    try {
        clsid_from_string(L"not a class id", &id);
        FAIL("a failing HRESULT did not throw");
    } catch (const ctypes::hresult_error &e) {
        CHECK(e.hresult() == CO_E_CLASSSTRING);
        CHECK(e.code() ==
              std::error_code(static_cast<int>(CO_E_CLASSSTRING), ctypes::hresult_category()));
        CHECK(starts_with(e.what(),
                          "ctypes: call to 'CLSIDFromString' failed (returned 0x800401F3, "
                          "HRESULT): 0x800401F3 CO_E_CLASSSTRING"));
    }
}

TEST_CASE("hresult_category gives hex, name and the system's text where it has one",
          "[error][windows][hresult]") {
    const auto &category = ctypes::hresult_category();
    for (const HRESULT hr : {E_INVALIDARG, E_ACCESSDENIED, CO_E_CLASSSTRING}) {
        const std::string text = system_text(static_cast<DWORD>(hr));
        const std::string message = category.message(static_cast<int>(hr));
        CAPTURE(message, text);
        CHECK(starts_with(message, "0x"));
        CHECK(message.find(ctypes::detail::hresult_name(static_cast<std::uint32_t>(hr))) ==
              11); // "0x80070057 " then the name
        if (text.empty())
            CHECK(message.find(':') == std::string::npos);
        else
            CHECK(message.substr(message.size() - text.size() - 2) == ": " + text);
    }
    CHECK(category.message(static_cast<int>(E_INVALIDARG)).rfind("0x80070057 E_INVALIDARG", 0) ==
          0);
}

TEST_CASE("FreeLibrary really unloads: unload() is true and the module is gone",
          "[library][windows][lifetime]") {
    const fs::path file = fixture(CTYPES_TEST_UNLOAD);
    ctypes::CDLL lib{CTYPES_TEST_UNLOAD};
    REQUIRE(in_process(file));
    CHECK(lib.unload());
    CHECK_FALSE(lib.is_loaded());
    CHECK_FALSE(in_process(file));
    HMODULE probe = nullptr;
    CHECK_FALSE(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                   file.wstring().c_str(), &probe));
}

TEST_CASE("functions keep their DLL loaded after the library object is gone",
          "[library][windows][lifetime]") {
    const fs::path file = fixture(CTYPES_TEST_UNLOAD);
    ctypes::function<int()> f;
    {
        ctypes::CDLL lib{CTYPES_TEST_UNLOAD};
        f = lib.get<int()>("unload_fixture_value");
    }
    CHECK(in_process(file));
    CHECK(f() == 42);
    f = {};
    CHECK_FALSE(in_process(file));
}

TEST_CASE("loading a DLL twice and unloading one copy leaves the other working",
          "[library][windows][lifetime]") {
    const fs::path file = fixture(CTYPES_TEST_UNLOAD);
    ctypes::CDLL first{CTYPES_TEST_UNLOAD};
    ctypes::CDLL second{CTYPES_TEST_UNLOAD};
    CHECK(first.native_handle() == second.native_handle());
    CHECK_FALSE(first.unload());
    CHECK(in_process(file));
    CHECK(second.get<int()>("unload_fixture_value")() == 42);
    CHECK(second.unload());
    CHECK_FALSE(in_process(file));
}

TEST_CASE("rtld_nodelete pins the module, and rtld_noload only finds a loaded one",
          "[library][windows][flags]") {
    const fs::path pinned = fixture(CTYPES_TEST_NODELETE);
    ctypes::CDLL lib{CTYPES_TEST_NODELETE, ctypes::rtld_nodelete};
    CHECK_FALSE(lib.unload());
    CHECK(in_process(pinned));

    const fs::path file = fixture(CTYPES_TEST_UNLOAD);
    std::error_code ec;
    ctypes::CDLL absent{CTYPES_TEST_UNLOAD, ctypes::rtld_noload, ec};
    CHECK(ec == win32_error(ERROR_MOD_NOT_FOUND));
    CHECK_FALSE(in_process(file));
    ctypes::CDLL loaded{CTYPES_TEST_UNLOAD};
    ctypes::CDLL again{CTYPES_TEST_UNLOAD, ctypes::rtld_noload};
    CHECK(again.native_handle() == loaded.native_handle());
    CHECK_FALSE(loaded.unload()); // rtld_noload took a reference of its own
    CHECK(again.unload());
    CHECK_FALSE(in_process(file));
}

TEST_CASE("self() is the executable, which never unloads", "[library][windows]") {
    auto self = ctypes::CDLL::self();
    CHECK(self.native_handle() == GetModuleHandleW(nullptr));
    CHECK(self.name().empty());
    wchar_t exe[MAX_PATH] = {};
    const DWORD n = GetModuleFileNameW(nullptr, exe, MAX_PATH);
    CHECK(self.path() == utf8(std::wstring(exe, n)));
    CHECK_FALSE(self.unload());
    CHECK(GetModuleHandleW(nullptr) != nullptr);
}

TEST_CASE("adopt() takes over a handle from LoadLibraryW", "[library][windows]") {
    const fs::path file = fixture(CTYPES_TEST_UNLOAD);
    HMODULE raw = LoadLibraryW(file.wstring().c_str());
    REQUIRE(raw != nullptr);
    auto lib = ctypes::CDLL::adopt(raw);
    CHECK(fs::equivalent(lib.path(), file));
    CHECK(lib.get<int()>("unload_fixture_value")() == 42);
    CHECK(lib.unload());
    CHECK_FALSE(in_process(file));
}

TEST_CASE("exported data is found by GetProcAddress too", "[variable][windows]") {
    ctypes::CDLL lib{CTYPES_TEST_SHAPES};
    auto counter = lib.var<int>("counter");
    CHECK(static_cast<void *>(counter.get()) ==
          reinterpret_cast<void *>(GetProcAddress(lib.native_handle(), "counter")));
    // PE exports carry no size or kind: the ELF-only checks cannot fire here.
    CHECK(*lib.var<std::int64_t>("wide_counter") == (INT64_C(1) << 40));
}

TEST_CASE("functions and data by export ordinal", "[function][windows][ordinal]") {
    ctypes::CDLL lib{CTYPES_TEST_WIN32};
    auto seven = lib.get<int()>(7);
    CHECK(seven() == 7);
    CHECK(seven.name() == "#7");
    CHECK(seven.address() == lib.get<int()>("ordinal_seven").address());
    CHECK(reinterpret_cast<void *>(seven.address()) ==
          reinterpret_cast<void *>(GetProcAddress(lib.native_handle(), MAKEINTRESOURCEA(7))));

    // Exported by ordinal only (NONAME in the .def file): no name finds it.
    CHECK_FALSE(lib.has("ordinal_nine_unnamed"));
    CHECK(lib.has(9));
    CHECK(lib.get<int()>(std::uint16_t{9})() == 9);
    CHECK(lib.try_get<int()>(9u).has_value());
    CHECK(*lib.var<int>(11) == 11);
    CHECK(lib.var<int>(11).name() == "#11");
}

TEST_CASE("a missing or impossible ordinal is a symbol_error", "[function][windows][ordinal]") {
    const ctypes::CDLL lib{CTYPES_TEST_WIN32};
    try {
        lib.get<int()>(100);
        FAIL("a missing ordinal did not throw");
    } catch (const ctypes::symbol_error &e) {
        CHECK(e.code() == win32_error(ERROR_PROC_NOT_FOUND));
        CHECK(std::string(e.what()) == "ctypes: cannot find ordinal 100 in '" CTYPES_TEST_WIN32
                                       "': " +
                                           system_text(ERROR_PROC_NOT_FOUND));
    }
    CHECK_FALSE(lib.has(100));
    CHECK_FALSE(lib.try_get<int()>(100).has_value());
    for (const long long impossible : {0LL, -1LL, 65536LL}) {
        try {
            lib.get<int()>(impossible);
            FAIL("an impossible ordinal did not throw");
        } catch (const ctypes::symbol_error &e) {
            CHECK(e.code() == ctypes::errc::symbol_not_found);
            CHECK(std::string(e.what()) ==
                  "ctypes: cannot find ordinal " + std::to_string(impossible) + " in '" +
                      CTYPES_TEST_WIN32 + "': export ordinals are 1 to 65535");
        }
        CHECK_FALSE(lib.has(impossible));
    }
}

TEST_CASE("no error dialog can stop a load: the thread error mode while loading",
          "[library][windows]") {
    const UINT before = SEM_NOGPFAULTERRORBOX;
    REQUIRE(SetThreadErrorMode(before, nullptr));
    ctypes::CDLL lib{CTYPES_TEST_ERROR_MODE};
    const unsigned during = lib.get<unsigned()>("error_mode_at_load")();
    CHECK((during & SEM_FAILCRITICALERRORS) != 0);
    CHECK((during & SEM_NOOPENFILEERRORBOX) != 0);
    CHECK(GetThreadErrorMode() == before); // given back after the load
    std::error_code ec;
    ctypes::CDLL missing{"ctypes-no-such-library.dll", ec};
    CHECK(ec);
    CHECK(GetThreadErrorMode() == before); // and after a failed one
    SetThreadErrorMode(0, nullptr);
}
