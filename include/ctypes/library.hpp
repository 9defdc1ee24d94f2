// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_LIBRARY_HPP
#define CTYPES_LIBRARY_HPP

/// \file
/// ctypes::basic_library and its three ctypes-named instances CDLL, WinDLL and OleDLL.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/resolve.hpp"
#include "error.hpp"
#include "flags.hpp"
#include "function.hpp"
#include "owned.hpp"
#include "inspect.hpp"
#include "names.hpp"
#include "policy.hpp"
#include "variable.hpp"

namespace ctypes {
namespace detail {

// What get_dynamic() needs from <ctypes/dynamic.hpp>, which specialises this for the declaration
// types it takes; library.hpp itself stays free of libffi.
template <class Decl, class = void>
struct dynamic_lookup {
    static_assert(dependent_false<Decl>,
                  "ctypes: get_dynamic(name, declaration) needs #include <ctypes/dynamic.hpp> "
                  "(and the ctypes::dynamic target), and a declaration given as a ctypes::cdef "
                  "or a C declaration string");
};

} // namespace detail

/// A loaded shared library (ctypes `CDLL`, `WinDLL`, `OleDLL`): the one template behind all
/// three, over a policy that picks the calling convention and the result check.
///
/// \tparam Policy a type with member types `convention` and `result_check`: cdll_policy,
/// windll_policy, oledll_policy, or ctypes::policy<Conv, Check>.
///
/// Ownership: each object holds one loader reference (one `dlopen`/`LoadLibraryExW`), given
/// back when the object and every function, variable and owned pointer obtained from it are
/// gone. Move-only: a moved-from object is empty. Lookups (`get`, `try_get`, `has`, `var`) are
/// const and safe from many threads at once; `unload()` and assignment are not.
/// \see https://docs.python.org/3/library/ctypes.html#loading-shared-libraries
template <class Policy>
class basic_library {
public:
    /// The policy: calling convention and result check of the functions `get` returns.
    using policy_type = Policy;
    /// `void*` from dlopen (POSIX), `HMODULE` (Windows).
    using native_handle_type = detail::native_loader::handle_type;

    /// An empty object that holds no library. Throws nothing.
    basic_library() noexcept = default;

    /// Loads a library, like `ctypes.CDLL(name, mode)`.
    /// \param path a file name the loader searches for (`"libz.so.1"`, `"kernel32.dll"`) or a
    /// path with a directory; `const char*` and `std::string` are UTF-8, `wchar_t` strings and
    /// path-like objects (`std::filesystem::path`) are taken as they are. An empty name or a null
    /// pointer is refused (a departure from ctypes, where `CDLL(None)` and `CDLL("")` load the
    /// running program: `CDLL{find_library("nosuchlib")}` must not quietly succeed); ask for the
    /// program with self().
    /// \param flags `rtld_*` flags (`rtld_now | rtld_local` unless `rtld_lazy` or `rtld_global`
    /// is given), and `use_errno` / `use_last_error` for every function looked up.
    /// \throws load_error when the loader refuses, with its own text: `ctypes: cannot load
    /// 'libfoo.so': libfoo.so: cannot open shared object file: No such file or directory`; and
    /// (errc::load_failed) before the loader is asked when the name has an embedded NUL or (POSIX)
    /// the path names a FIFO, socket or device, or an ELF file shorter than its loadable
    /// segments, which the loader would block on or crash on.
    /// code() is errc::load_failed on POSIX and the `GetLastError()` value on Windows.
    /// \throws load_error (std::errc::invalid_argument) for an empty name or a null pointer,
    /// without asking the loader.
    /// \note POSIX: `dlopen`. Windows: `LoadLibraryExW`; a path with a directory also loads its
    /// dependencies from that directory; a bare name never searches the current directory.
    /// \code
    /// ctypes::CDLL libz{"libz.so.1"};
    /// \endcode
    explicit basic_library(path_arg path, load_flags flags = load_flags::none) {
        std::error_code ec;
        std::string message;
        open(path, flags, ec, &message);
        if (ec)
            throw load_error(ec, message);
    }

    /// As above, but reports failure in `ec` (and leaves the object empty) instead of throwing.
    /// Throws only std::bad_alloc.
    basic_library(path_arg path, load_flags flags, std::error_code &ec) {
        open(path, flags, ec, nullptr);
    }
    /// \copydoc basic_library(path_arg, load_flags, std::error_code&)
    basic_library(path_arg path, std::error_code &ec) { open(path, load_flags::none, ec, nullptr); }
    /// As above, but reports failure in `report` with the code and the whole text the
    /// load_error would carry (see ctypes::error_report). Throws only std::bad_alloc.
    basic_library(path_arg path, load_flags flags, error_report &report) {
        std::error_code ec;
        std::string message;
        open(path, flags, ec, &message);
        basic_library::report(report, ec, std::move(message), true);
    }
    /// \copydoc basic_library(path_arg, load_flags, error_report&)
    basic_library(path_arg path, error_report &report)
        : basic_library(std::move(path), load_flags::none, report) {}

    /// Takes over the loader reference; the moved-from object is left empty. Throws nothing.
    basic_library(basic_library &&) noexcept = default;
    /// Gives back this object's loader reference, then takes over the other's. Throws nothing.
    basic_library &operator=(basic_library &&) noexcept = default;
    basic_library(const basic_library &) = delete;
    basic_library &operator=(const basic_library &) = delete;

    /// The running program and, on POSIX, every library loaded with global scope, like
    /// `ctypes.CDLL(None)`. \throws load_error if the loader refuses (it does not in practice).
    /// \note POSIX `dlopen(NULL)`; Windows `GetModuleHandleW(NULL)`, which sees the executable's
    /// own exports only.
    static basic_library self(load_flags flags = load_flags::none) {
        return basic_library(path_arg::running_program(), flags);
    }

    /// Takes ownership of a handle that is already open (ctypes `handle=`): the object will
    /// give it back (`dlclose`, `FreeLibrary`) like one it loaded itself. name() and path()
    /// are the loaded file.
    /// \param handle from `dlopen` or `LoadLibrary*`. \param flags `use_errno`/`use_last_error`.
    /// \throws load_error (errc::not_loaded) when `handle` is null.
    static basic_library adopt(native_handle_type handle, load_flags flags = load_flags::none) {
        if (!handle)
            throw load_error(errc::not_loaded, "ctypes: adopt() needs an open library handle, "
                                               "not a null one");
        basic_library lib;
        lib.state_ = detail::adopt_library(handle, flags);
        return lib;
    }

    /// The loader's handle, or null when empty. Still owned by this object. Throws nothing.
    native_handle_type native_handle() const noexcept {
        return state_ ? state_->handle : native_handle_type{};
    }
    /// The name or path as given to the constructor, UTF-8; empty for self(). Throws nothing.
    const std::string &name() const noexcept { return state_ ? state_->name : empty_string(); }
    /// The file the loader actually mapped, as the loader records it (glibc's link map,
    /// `GetModuleFileNameW`), UTF-8; the name as given where the loader cannot tell (macOS,
    /// musl). A library loaded by a relative path has the absolute path of the file opened
    /// (Linux), so a later chdir does not change what it names. Throws nothing.
    const std::string &path() const noexcept { return state_ ? state_->path : empty_string(); }
    /// The flags it was loaded with. Throws nothing.
    load_flags flags() const noexcept { return state_ ? state_->flags : load_flags::none; }
    /// Whether the object holds a library. Throws nothing.
    bool is_loaded() const noexcept { return state_ != nullptr; }
    /// \copydoc is_loaded
    explicit operator bool() const noexcept { return is_loaded(); }
    /// How many functions, variables and owned pointers obtained from this object are alive
    /// and keep the library mapped. Throws nothing.
    long use_count() const noexcept { return state_ ? state_.use_count() - 1 : 0; }

    /// Looks up an exported function.
    /// \tparam Sig the function's type, `R(Args...)` or `R(Args..., ...)` (see ctypes::function).
    /// \tparam FnPolicy this library's policy unless given: a CDLL can fetch one stdcall
    /// function with `get<Sig, windll_policy>`.
    /// \param name the exported name; on Windows also an export ordinal, any integer
    /// (`lib.get<int()>(7)`, ctypes `lib[7]`), valid from 1 to 65535, whose function's name()
    /// is `#7`. Elsewhere an ordinal does not compile: ELF and Mach-O export names only.
    /// \param call_flags `use_errno`, `use_last_error`, `rethrow_callbacks` for this function,
    /// added to the library's own.
    /// \throws symbol_error when there is no such export (errc::symbol_not_found, with the
    /// loader's text; also for a std::string name with an embedded NUL, never truncated; on
    /// Windows the `GetLastError()` value, 127 `ERROR_PROC_NOT_FOUND`, in
    /// std::system_category()), it resolves to NULL (errc::null_symbol), the symbol table says
    /// it is a data object (errc::not_a_function, ELF only), or (32-bit Windows, a decorating
    /// convention) only a decorated export with another `@N` exists
    /// (errc::argument_size_mismatch: "declared N bytes of arguments, the library exports M").
    /// \throws load_error when the object is empty. An `rtld_*` flag in `call_flags` does not
    /// compile (they are load flags: give them to the constructor).
    /// \note POSIX `dlsym`, which also searches the library's dependencies; Windows
    /// `GetProcAddress`, by name or by ordinal (`MAKEINTRESOURCEA`). On 32-bit Windows a stdcall
    /// lookup that misses the plain name tries `_name@N` (MSVC) and `name@N` (MinGW), N being
    /// the signature's bytes of arguments; a user convention with a `decorate` rule (see
    /// ctypes::policy) tries the name that rule gives instead.
    /// \see https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/nf-libloaderapi-getprocaddress
    /// \code
    /// using crc32_type = unsigned long(unsigned long, const unsigned char *, unsigned);
    /// auto crc32 = libz.get<crc32_type>("crc32");
    /// \endcode
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get(symbol_name name, ctypes::call_flags call_flags = {}) const {
        std::error_code ec;
        std::string message;
        auto f = get<Sig, FnPolicy>(name, call_flags, ec, &message);
        if (ec)
            raise(ec, message);
        return f;
    }
    /// As get(), but reports failure in `ec` and returns an empty function. Throws only
    /// std::bad_alloc.
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get(symbol_name name, std::error_code &ec) const {
        return get<Sig, FnPolicy>(name, ctypes::call_flags{}, ec, nullptr);
    }
    /// \copydoc get(symbol_name, std::error_code&) const
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get(symbol_name name, ctypes::call_flags call_flags,
                                std::error_code &ec) const {
        return get<Sig, FnPolicy>(name, call_flags, ec, nullptr);
    }
    /// As get(), but reports failure in `report` with the code and the whole text the exception
    /// would carry (see ctypes::error_report) and returns an empty function. Throws only
    /// std::bad_alloc.
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get(symbol_name name, ctypes::call_flags call_flags,
                                error_report &report) const {
        std::error_code ec;
        std::string message;
        auto f = get<Sig, FnPolicy>(name, call_flags, ec, &message);
        basic_library::report(report, ec, std::move(message));
        return f;
    }
    /// \copydoc get(symbol_name, ctypes::call_flags, error_report&) const
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get(symbol_name name, error_report &report) const {
        return get<Sig, FnPolicy>(name, ctypes::call_flags{}, report);
    }

    /// Looks up a function whose signature is known only at run time (ctypes `argtypes` /
    /// `restype`, cffi `ffi.cdef` + `ffi.dlopen`). Usable once <ctypes/dynamic.hpp> is included.
    /// \param name the exported name (or a Windows ordinal, as get()).
    /// \param declaration a ctypes::cdef that declares `name`, or one C declaration as a string:
    /// `"double(double)"` or `"double cos(double)"`.
    /// \param call_flags `use_errno`, `use_last_error`, `rethrow_callbacks`, as for get().
    /// \return a ctypes::dynamic_function that keeps this library loaded.
    /// \throws declaration_error when the declaration does not parse; error
    /// (std::errc::invalid_argument) when it declares no such function or a type libffi cannot
    /// pass; symbol_error and load_error as get().
    /// \code
    /// auto cos = libm.get_dynamic("cos", "double(double)");
    /// double one = cos(0.0).as<double>();
    /// \endcode
    template <class Decl, class Dynamic = detail::dynamic_lookup<Decl>>
    typename Dynamic::function_type get_dynamic(symbol_name name, const Decl &declaration,
                                                load_flags call_flags = load_flags::none) const {
        return Dynamic::template make<Policy>(
            name, declaration, call_flags, flags(), state_, [&](detail::decoration decoration) {
                std::error_code ec;
                std::string message;
                void *p = detail::resolve(state_.get(), name, detail::wanted::function, 0, ec,
                                          &message, decoration);
                if (!p)
                    raise(ec, message);
                return p;
            });
    }

    /// Looks up a library's free function as the deleter of ctypes::owned_ptr, for memory that
    /// library allocated (ctypes has no equivalent: there the caller must remember to call it).
    /// \param name the export that frees, called as `void(void*)`: `"free"`, `"sqlite3_free"`.
    /// It must be exported by this library (or a dependency); the deleter then calls the
    /// definition the library's own calls reach. On ELF that is the first one in the global scope
    /// (an interposed `free`: AddressSanitizer's, jemalloc's via LD_PRELOAD) when the library
    /// imports the name or its own code refers to its definition through a relocation, as libc
    /// does for `free`; it is the library's own definition when the library defines the name and
    /// never refers to it so (a plugin's allocator pair, `-Bsymbolic-functions`), whatever
    /// another library loaded rtld_global exports, and with rtld_deepbind. Either way it keeps
    /// this library loaded.
    /// \throws like get().
    /// \code
    /// auto msg = sqlite.get_free("sqlite3_free").own(errmsg); // owned_ptr<char>
    /// \endcode
    template <class FnPolicy = Policy>
    foreign_deleter<FnPolicy> get_free(symbol_name name) const {
        return foreign_deleter<FnPolicy>(as_bound(get<void(void *), FnPolicy>(name), name));
    }
    /// As get_free(), but reports failure in `ec` and returns an empty deleter.
    template <class FnPolicy = Policy>
    foreign_deleter<FnPolicy> get_free(symbol_name name, std::error_code &ec) const {
        return foreign_deleter<FnPolicy>(as_bound(get<void(void *), FnPolicy>(name, ec), name));
    }

    /// Looks up an allocating function together with the free that releases its results: every
    /// call returns a ctypes::owned_ptr that frees through this library and keeps it loaded.
    /// \tparam Sig `T*(Args...)` or `T*(Args..., ...)`; the result must be an object pointer.
    /// \param allocate the allocating export. \param deallocate its free, called as
    /// `void(void*)` and resolved as by get_free().
    /// \param call_flags as for get(), for the allocating function.
    /// \throws like get() when either symbol is missing.
    /// \code
    /// auto strdup = libc.get_owning<char *(const char *)>("strdup", "free");
    /// ctypes::owned_ptr<char> copy = strdup("text"); // freed by libc's free
    /// \endcode
    template <class Sig, class FnPolicy = Policy>
    owning_function<Sig, FnPolicy> get_owning(symbol_name allocate, symbol_name deallocate,
                                              ctypes::call_flags call_flags = {}) const {
        if constexpr (detail::is_rejected_v<owning_function<Sig, FnPolicy>>) {
            return {}; // a static_assert already said what is wrong with Sig
        } else {
            return owning_function<Sig, FnPolicy>(get<Sig, FnPolicy>(allocate, call_flags),
                                                  get_free<FnPolicy>(deallocate));
        }
    }
    /// As get_owning(), but reports failure in `ec` and returns an empty owning_function.
    template <class Sig, class FnPolicy = Policy>
    owning_function<Sig, FnPolicy> get_owning(symbol_name allocate, symbol_name deallocate,
                                              std::error_code &ec) const {
        if constexpr (detail::is_rejected_v<owning_function<Sig, FnPolicy>>) {
            return {}; // a static_assert already said what is wrong with Sig
        } else {
            auto f = get<Sig, FnPolicy>(allocate, ec);
            if (ec)
                return {};
            auto d = get_free<FnPolicy>(deallocate, ec);
            if (ec)
                return {};
            return owning_function<Sig, FnPolicy>(std::move(f), std::move(d));
        }
    }

    /// Looks up an optional function: std::nullopt when the library has no such export (or it
    /// resolves to NULL), the function otherwise.
    /// \throws like get() for every other failure (empty object, data symbol).
    template <class Sig, class FnPolicy = Policy>
    std::optional<function<Sig, FnPolicy>> try_get(symbol_name name,
                                                   ctypes::call_flags call_flags = {}) const {
        std::error_code ec;
        auto f = get<Sig, FnPolicy>(name, call_flags, ec, nullptr);
        if (detail::is_missing_symbol(ec))
            return std::nullopt;
        if (ec) {
            std::string message; // built only when raising: it may list the library's exports
            get<Sig, FnPolicy>(name, call_flags, ec, &message);
            raise(ec, message);
        }
        return f;
    }

    /// Looks up a function that has had several names (libraries rename across versions: OpenSSL
    /// 3's `EVP_MD_get_size` was 1.1's `EVP_MD_size`): the first of `names` the library exports,
    /// tried in order. The function's name() is the one found.
    /// \tparam Sig as for get(). \tparam FnPolicy as for get(). \param names one or more names
    /// (or ordinals), each used only during the call. \param call_flags as for get().
    /// \throws symbol_error (errc::symbol_not_found) when the library has none of them, listing
    /// every name tried, with "did you mean" for the first and the loader's text for the last:
    /// `ctypes: cannot find any of 'EVP_MD_get_size', 'EVP_MD_size' in 'libcrypto.so.1.0.0' ...`.
    /// A name that exists but is unfit (a data object, a decorated export of another size, bad
    /// flags) is reported as get() reports it, without trying the names after it.
    /// \code
    /// auto md_size = crypto.get_first<int(const EVP_MD *)>({"EVP_MD_get_size", "EVP_MD_size"});
    /// \endcode
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get_first(std::initializer_list<symbol_name> names,
                                      ctypes::call_flags call_flags = {}) const {
        std::error_code ec;
        std::string message;
        auto f = get_first<Sig, FnPolicy>(names, call_flags, ec, &message);
        if (ec)
            raise(ec, message);
        return f;
    }
    /// As get_first(), but reports failure in `ec` and returns an empty function. Throws only
    /// std::bad_alloc.
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get_first(std::initializer_list<symbol_name> names,
                                      std::error_code &ec) const {
        return get_first<Sig, FnPolicy>(names, ctypes::call_flags{}, ec, nullptr);
    }
    /// As get_first(), but reports failure in `report` with the exception's code and text (see
    /// ctypes::error_report) and returns an empty function. Throws only std::bad_alloc.
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get_first(std::initializer_list<symbol_name> names,
                                      ctypes::call_flags call_flags, error_report &report) const {
        std::error_code ec;
        std::string message;
        auto f = get_first<Sig, FnPolicy>(names, call_flags, ec, &message);
        basic_library::report(report, ec, std::move(message));
        return f;
    }
    /// As get_first(), but reports failure in `report` (see ctypes::error_report) and returns an
    /// empty function. Throws only std::bad_alloc.
    template <class Sig, class FnPolicy = Policy>
    function<Sig, FnPolicy> get_first(std::initializer_list<symbol_name> names,
                                      error_report &report) const {
        return get_first<Sig, FnPolicy>(names, ctypes::call_flags{}, report);
    }
    /// As get_first(), but std::nullopt when the library has none of the names.
    /// \throws like get_first() for every other failure.
    template <class Sig, class FnPolicy = Policy>
    std::optional<function<Sig, FnPolicy>> try_get_first(std::initializer_list<symbol_name> names,
                                                         ctypes::call_flags call_flags = {}) const {
        std::error_code ec;
        auto f = get_first<Sig, FnPolicy>(names, call_flags, ec, nullptr);
        if (detail::is_missing_symbol(ec))
            return std::nullopt;
        if (ec) {
            std::string message;
            get_first<Sig, FnPolicy>(names, call_flags, ec, &message);
            raise(ec, message);
        }
        return f;
    }

    /// Whether the library (or, on POSIX, one of its dependencies) exports `name` (on Windows, or
    /// that ordinal) with a non-null address. Throws nothing; false for an empty object or a null
    /// name.
    bool has(symbol_name name) const noexcept {
        if (!state_ || name.is_null() || name.has_nul())
            return false;
        try {
            detail::os_error err;
            return detail::lookup(*state_, name, err) != nullptr;
        } catch (...) {
            return false;
        }
    }

    /// Looks up an exported data object (ctypes `in_dll`).
    /// \tparam T the object's type (see ctypes::variable).
    /// \param name the exported name, or on Windows an export ordinal (as for get()).
    /// \throws symbol_error when there is no such export, it resolves to NULL, or (ELF) the
    /// symbol table says it is a function (errc::not_an_object) or an object whose size is not
    /// `sizeof(T)` (errc::size_mismatch). \throws load_error when the object is empty.
    /// \note When the running program holds a copy of the object (an executable's copy
    /// relocation: `environ`, `stdout`) and defines it with the same size,
    /// that copy is returned: the library's own code uses it, not its original (ELF; Python's
    /// ctypes returns the stale original).
    /// \note A thread-local export (ELF `STT_TLS`, `__thread`/`thread_local`) gives the calling
    /// thread's instance, size-checked like any object: valid on that thread only, and only
    /// while that thread lives (glibc's `dlsym` resolves TLS that way).
    /// \code
    /// auto version = libfoo.var<const int>("foo_version");
    /// \endcode
    template <class T>
    variable<T> var(symbol_name name) const {
        std::error_code ec;
        std::string message;
        auto v = var<T>(name, ec, &message);
        if (ec)
            raise(ec, message);
        return v;
    }
    /// As var(), but reports failure in `ec` and returns an empty handle. Throws only
    /// std::bad_alloc.
    template <class T>
    variable<T> var(symbol_name name, std::error_code &ec) const {
        return var<T>(name, ec, nullptr);
    }
    /// As var(), but reports failure in `report` with the code and the whole text the exception
    /// would carry (see ctypes::error_report). Throws only std::bad_alloc.
    template <class T>
    variable<T> var(symbol_name name, error_report &report) const {
        std::error_code ec;
        std::string message;
        auto v = var<T>(name, ec, &message);
        basic_library::report(report, ec, std::move(message));
        return v;
    }

    /// The library's exported dynamic symbols, read from the loaded image's own tables, in
    /// table order: name, kind (function, object, TLS, other) and size. With symbol versioning a
    /// name can appear once per version. Only this library's exports, not its dependencies'.
    /// \return a snapshot; addresses in it are valid while the library stays loaded.
    /// \throws load_error (errc::not_loaded) when the object is empty; std::bad_alloc.
    /// \note ELF (glibc, FreeBSD): `.dynsym` through the dynamic section, the symbol count from
    /// `DT_HASH` or the `DT_GNU_HASH` chains; the defined, non-local entries are listed, which
    /// are what `nm -D --defined-only` prints. Windows: the PE export directory; kind is
    /// function or object by the section the export lies in, other for forwarders, size 0
    /// (checked under Wine). macOS and musl: an empty list.
    /// \see https://refspecs.linuxfoundation.org/elf/gabi4+/ch5.dynamic.html
    /// \code
    /// for (const ctypes::symbol_info &s : libz.symbols())
    ///     std::printf("%s %zu\n", s.name.c_str(), s.size);
    /// \endcode
    std::vector<symbol_info> symbols() const {
        if (!state_)
            throw load_error(errc::not_loaded, detail::list_symbols_empty_text());
        return detail::image_symbols(state_->handle);
    }

    /// Gives this object's reference back to the loader (`dlclose`, `FreeLibrary`), leaving the
    /// object empty.
    /// \return true when the image really left the process (checked with `RTLD_NOLOAD` /
    /// `GetModuleHandleExW`); false when something else still holds it: another library object,
    /// another part of the program, `rtld_nodelete`, or a loader that never unloads.
    /// \throws error (errc::in_use) when functions, variables or owned pointers obtained from
    /// this object are alive; the message says how many and nothing is unloaded. \throws
    /// load_error (errc::not_loaded) when the object is empty.
    bool unload() {
        std::error_code ec;
        std::string message;
        const bool gone = unload(ec, &message);
        if (ec)
            raise(ec, message);
        return gone;
    }
    /// As unload(), but reports failure in `ec`. Throws nothing.
    bool unload(std::error_code &ec) noexcept { return unload(ec, nullptr); }

private:
    static const std::string &empty_string() noexcept {
        static const std::string empty;
        return empty;
    }

    // The exception a lookup or unload failure is (a load failure is always a load_error).
    static detail::error_kind kind_of(const std::error_code &ec) noexcept {
        if (ec == errc::not_loaded)
            return detail::error_kind::load;
        if (ec == errc::in_use || ec == errc::bad_flags || ec == errc::load_failed)
            return detail::error_kind::general;
        return detail::error_kind::symbol;
    }
    [[noreturn]] static void raise(const std::error_code &ec, const std::string &message) {
        detail::throw_error(kind_of(ec), ec, message);
    }
    // Fills an error_report with what the throwing form would have thrown.
    static void report(error_report &r, const std::error_code &ec, std::string message,
                       bool is_load = false) {
        r.assign(is_load ? detail::error_kind::load : kind_of(ec), ec, std::move(message));
    }

    void open(const path_arg &path, load_flags flags, std::error_code &ec, std::string *message) {
        state_ = detail::open_library(path, flags, ec, message);
    }

    template <class Sig, class FnPolicy>
    function<Sig, FnPolicy> get(symbol_name name, ctypes::call_flags call_flags,
                                std::error_code &ec, std::string *message) const {
        using fn = function<Sig, FnPolicy>;
        if constexpr (detail::is_rejected_v<fn>) {
            return fn(); // a static_assert already said what is wrong with Sig
        } else {
            std::uint32_t index = detail::no_symbol_index;
            void *p = detail::resolve(
                state_.get(), name, detail::wanted::function, 0, ec, message,
                detail::decoration_of<detail::plain_signature_t<Sig>,
                                      typename detail::policy_for_t<Sig, FnPolicy>::convention>(),
                &index);
            if (!p)
                return fn();
            const auto address = reinterpret_cast<typename fn::pointer>(p);
            const load_flags flags = state_->flags | call_flags;
            if (index != detail::no_symbol_index && detail::capture_of(flags) == 0)
                return fn(address, state_,
                          state_->records.find_or_add(index, [&] { return name.label(); }));
            return fn(address, flags, state_, name.label());
        }
    }

    template <class Sig, class FnPolicy>
    function<Sig, FnPolicy> get_first(std::initializer_list<symbol_name> names,
                                      ctypes::call_flags call_flags, std::error_code &ec,
                                      std::string *message) const {
        ec.clear();
        if (names.size() == 0) {
            ec = errc::symbol_not_found;
            if (message)
                *message = detail::no_names_text();
            return {};
        }
        for (const symbol_name &name : names) {
            auto f = get<Sig, FnPolicy>(name, call_flags, ec, nullptr);
            if (!ec)
                return f;
            if (!detail::is_missing_symbol(ec)) {
                if (message)
                    get<Sig, FnPolicy>(name, call_flags, ec, message);
                return f;
            }
        }
        if (message)
            *message = detail::none_found_message(*state_, names);
        return {};
    }

    // A library's memory must go to the free its own allocations pair with, which is the
    // definition its own calls bind to (see native_loader::global_symbol). The function keeps
    // this library's state either way.
    template <class FnPolicy>
    function<void(void *), FnPolicy> as_bound(function<void(void *), FnPolicy> f,
                                              symbol_name name) const {
        if (!f || has_flags(state_->flags, rtld_deepbind))
            return f;
        void *global = detail::native_loader::global_symbol(state_->handle, name.value);
        if (!global || global == reinterpret_cast<void *>(f.address()))
            return f;
        using fn = function<void(void *), FnPolicy>;
        return fn(reinterpret_cast<typename fn::pointer>(global), state_->flags, state_,
                  name.value);
    }

    template <class T>
    variable<T> var(symbol_name name, std::error_code &ec, std::string *message) const {
        if constexpr (detail::is_rejected_v<variable<T>>) {
            return variable<T>(); // a static_assert already said what is wrong with T
        } else {
            std::uint32_t index = detail::no_symbol_index;
            void *p = detail::resolve(state_.get(), name, detail::wanted::object, sizeof(T), ec,
                                      message, {}, &index);
            if (!p)
                return variable<T>();
            // The program's copy of the object, when it made one, is the live one (except for
            // a library loaded rtld_deepbind, whose code binds to its own definitions first).
            if (!name.by_ordinal && !has_flags(state_->flags, rtld_deepbind))
                if (void *copy =
                        detail::native_loader::program_copy(state_->handle, name.value, sizeof(T)))
                    p = copy;
            if (index != detail::no_symbol_index)
                return variable<T>(
                    static_cast<T *>(p), state_,
                    state_->records.find_or_add(index, [&] { return name.label(); }));
            return variable<T>(static_cast<T *>(p), state_, name.label());
        }
    }

    bool unload(std::error_code &ec, std::string *message) noexcept {
        return detail::release(state_, ec, message);
    }

    template <class Sig, class P>
    friend class function; // ties a function made from an address to its library
    detail::state_ptr state_;
};

/// A library of cdecl functions whose results are returned as they are (ctypes `CDLL`).
/// \code
/// ctypes::CDLL libsum{"./libsum.so"};
/// auto our_function = libsum.get<int(int, int *)>("our_function");
/// \endcode
using CDLL = basic_library<cdll_policy>;
/// A library of stdcall functions whose results are returned as they are (ctypes `WinDLL`).
/// Identical to CDLL except on 32-bit x86.
using WinDLL = basic_library<windll_policy>;
/// A library of stdcall functions returning `HRESULT`; a failing code throws hresult_error
/// (ctypes `OleDLL`).
using OleDLL = basic_library<oledll_policy>;

} // namespace ctypes

#endif
