// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_IMPORT_TABLE_HPP
#define CTYPES_IMPORT_TABLE_HPP

/// \file
/// Import tables: a library's functions declared once, from its own header, and resolved
/// together with one error listing every missing required symbol (what bindgen's
/// `--dynamic-loading`, volk and glad generate, written by hand in a few lines).

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "detail/resolve.hpp"
#include "error.hpp"
#include "function.hpp"
#include "library.hpp"

namespace ctypes {

template <class Library>
class import_table;

/// One entry of an import table: a ctypes::function resolved when the table is made, so every
/// call, conversion and check is the function's own. Declare entries with CTYPES_IMPORT and
/// CTYPES_OPTIONAL_IMPORT inside a struct deriving from import_table, not directly.
///
/// \tparam Sig the function's type, as for basic_library::get(); `decltype(::name)` of the
/// header's declaration, so the signature cannot drift from the header (a 32-bit Windows
/// `WINAPI` declaration is called as stdcall). \tparam Policy the table's library policy.
/// \tparam Required false for an optional entry: empty (`bool(entry)` false) when the library
/// lacks it, instead of an error.
/// Copyable; each copy keeps the library mapped, as a function does.
template <class Sig, class Policy, bool Required = true>
class import_entry : public function<Sig, Policy> {
public:
    /// Resolves `name` in the table's library; a failure is recorded in the table, reported by
    /// import_all(). Throws only std::bad_alloc.
    template <class Library>
    import_entry(import_table<Library> *table, const char *name) {
        static_cast<function<Sig, Policy> &>(*this) =
            table->template resolve<Sig, Policy>(name, Required);
    }
};

/// The base of an import table, for a library of type `Library` (CDLL, WinDLL, OleDLL or a
/// basic_library of a user policy). Derive a struct from it, inherit its constructor, and list
/// the entries; make it with import_all().
///
/// Lifetime: every entry keeps the library mapped, so the table may outlive the library object
/// it was made from. Copyable and movable. Resolving is as thread-safe as basic_library::get().
/// \see bindgen `--dynamic-loading`, https://github.com/zeux/volk, https://glad.dav1d.de
/// \code
/// #include <zlib.h>
/// struct zlib_api : ctypes::import_table<ctypes::CDLL> {
///     using import_table::import_table;
///     CTYPES_IMPORT(zlibVersion);
///     CTYPES_IMPORT(crc32);
///     CTYPES_OPTIONAL_IMPORT(crc32_z); // zlib 1.2.9 and later
/// };
/// ctypes::CDLL libz{"libz.so.1"};
/// const auto z = ctypes::import_all<zlib_api>(libz); // one symbol_error listing every missing
/// unsigned long crc = z.crc32(0, data, size);
/// if (z.crc32_z)
///     crc = z.crc32_z(0, data, size);
/// \endcode
template <class Library>
class import_table {
public:
    /// The library's type.
    using library_type = Library;
    /// The policy the entries are looked up with.
    using imports_policy = typename Library::policy_type;

    /// The required entries the library lacks, in declaration order. Throws nothing.
    const std::vector<std::string> &missing() const noexcept { return missing_; }
    /// Whether every required entry was resolved and no entry failed otherwise. Throws nothing.
    bool complete() const noexcept { return missing_.empty() && failures_.empty(); }

protected:
    /// Records `library` for the entries' constructors, which run next and use it only while the
    /// table is being made. Throws nothing.
    explicit import_table(const Library &library) noexcept : library_(&library) {}

private:
    template <class Sig, class Policy, bool Required>
    friend class import_entry;
    template <class T, class L>
    friend T import_all(const L &);
    template <class T, class L>
    friend T import_all(const L &, error_report &);

    template <class Sig, class Policy>
    function<Sig, Policy> resolve(const char *name, bool required) {
        error_report report;
        auto f = library_->template get<Sig, Policy>(name, report);
        if (!report)
            return f;
        if (!detail::is_missing_symbol(report.code())) {
            failures_.push_back(report.message()); // present but unfit: wrong kind, size, @N
            code_ = report.code();
        } else if (required) {
            missing_.emplace_back(name);
            const auto handle = library_->native_handle();
            missing_text_.push_back("'" + missing_.back() + "'" +
                                    (handle ? detail::symbol_hint(handle, name) : std::string()));
            detail::os_error err; // the loader's own text for this name
            if (handle)
                detail::native_loader::symbol(handle, name, err);
            last_missing_text_ = err.text;
            code_ = report.code();
        }
        return f;
    }

    // Fills `report` with every failure: the missing required names and any unfit entry.
    void report_into(error_report &report) const {
        report.clear();
        if (complete())
            return;
        const Library &lib = *library_;
        const std::string where =
            lib.name().empty() ? std::string("the running program") : "'" + lib.name() + "'";
        std::string text = "ctypes: cannot import from " + where + ": ";
        if (!missing_.empty()) {
            text += std::to_string(missing_.size()) + " required symbol" +
                    (missing_.size() == 1 ? "" : "s") + " missing: ";
            for (std::size_t i = 0; i < missing_text_.size(); ++i)
                text += (i ? ", " : "") + missing_text_[i];
        }
        for (std::size_t i = 0; i < failures_.size(); ++i)
            text += (i || !missing_.empty() ? "; " : "") + failures_[i];
        if (failures_.empty() && !last_missing_text_.empty())
            text += ": " + last_missing_text_;
        report.assign(detail::error_kind::symbol, code_, std::move(text));
    }

    const Library *library_ = nullptr; // only while the entries are being constructed
    std::vector<std::string> missing_;
    std::vector<std::string> missing_text_; // quoted, with "did you mean"
    std::vector<std::string> failures_;
    std::string last_missing_text_;
    std::error_code code_;
};

/// Makes the import table `T` from `library`: resolves every entry, then throws once for all
/// that failed.
/// \tparam T a struct deriving from `import_table<L>` with `using import_table::import_table;`
/// and CTYPES_IMPORT / CTYPES_OPTIONAL_IMPORT entries.
/// \throws symbol_error when required entries are missing, naming the library and every one of
/// them, and ending with the loader's text for the last:
/// `ctypes: cannot import from 'libz.so.1': 2 required symbols missing: 'crc32_zz', ...`; an
/// entry that exists but is unfit (a data object, a 32-bit Windows export decorated for another
/// argument size) is listed with get()'s own text. An optional entry the library lacks is left
/// empty, no error.
/// \throws std::bad_alloc.
template <class T, class L>
T import_all(const L &library) {
    T table(library);
    error_report report;
    import_table<L> &base = table;
    base.report_into(report);
    base.library_ = nullptr;
    report.raise();
    return table;
}

/// As import_all(), but reports failure in `report` (code and the whole text the exception
/// would carry) and returns the table with the failed entries empty. Throws only
/// std::bad_alloc.
template <class T, class L>
T import_all(const L &library, error_report &report) {
    T table(library);
    import_table<L> &base = table;
    base.report_into(report);
    base.library_ = nullptr;
    return table;
}

} // namespace ctypes

/// Declares a required entry of an import table, inside a struct deriving from
/// ctypes::import_table: a member `name` of type ctypes::import_entry<decltype(::name), ...>,
/// looked up by the symbol `name`. `name` must be a function declared by the included header (not a
/// macro): its declared type is the signature.
#define CTYPES_IMPORT(name)                                                                        \
    ::ctypes::import_entry<decltype(::name), imports_policy, true> name {                          \
        this, #name                                                                                \
    }
/// Declares an optional entry: as CTYPES_IMPORT, but empty when the library lacks the symbol.
#define CTYPES_OPTIONAL_IMPORT(name)                                                               \
    ::ctypes::import_entry<decltype(::name), imports_policy, false> name {                         \
        this, #name                                                                                \
    }

#endif
