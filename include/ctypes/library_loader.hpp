// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_LIBRARY_LOADER_HPP
#define CTYPES_LIBRARY_LOADER_HPP

/// \file
/// ctypes' LibraryLoader: `ctypes::cdll`, `ctypes::windll`, `ctypes::oledll`, each with `load()`
/// (a new library every time) and `[name]` (one shared, cached library per name).
///
/// Not part of the umbrella header `<ctypes/ctypes.hpp>`, on purpose: the cache needs `<mutex>`
/// and `<map>`, which every includer of the umbrella would otherwise pay for. Include
/// `<ctypes/library_loader.hpp>` where the loaders are used.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "library.hpp"

namespace ctypes {

namespace detail {
// Marks the three global loaders, whose cache is never destroyed (see library_loader).
struct immortal_tag {
    explicit constexpr immortal_tag() = default;
};
} // namespace detail

/// Loads libraries of one kind (ctypes `LibraryLoader`): `load(name)` opens a new library object
/// each time, `[name]` returns one cached library per name, loading it on first use.
///
/// \tparam Library CDLL, WinDLL, OleDLL or any basic_library<Policy>.
///
/// Lifetime: a cached library lives as long as its loader. A loader you construct yourself
/// unloads its cached libraries when it is destroyed, so references from `[name]` must not
/// outlive it (functions and variables obtained from them keep their library mapped
/// regardless). The global `ctypes::cdll`, `windll` and `oledll` never destroy their cache:
/// references they return stay valid until the process ends, even in static destructors, and
/// their libraries are never unloaded, as in ctypes (whose loaders keep their libraries as
/// attributes forever). Cached libraries are handed out `const`, so they cannot be unloaded.
///
/// Thread safety: `load()`, `operator[]` and `get()` may be called from many threads at once;
/// every thread gets the same cached object for the same name. A library's constructor (ELF
/// `.init_array`, `DllMain`) must not use the same loader's `[name]`: the cache is locked while
/// it loads.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.LibraryLoader
template <class Library>
class library_loader {
public:
    /// The library type `load()` and `[name]` give: CDLL, WinDLL, OleDLL or your own.
    using library_type = Library;

    /// An empty cache. Throws nothing; constant-initialized, so usable from any static
    /// initializer.
    constexpr library_loader() noexcept = default;
    /// For the global loaders: an empty cache that is never destroyed. Throws nothing.
    explicit constexpr library_loader(detail::immortal_tag) noexcept : immortal_(true) {}

    library_loader(const library_loader &) = delete;
    library_loader &operator=(const library_loader &) = delete;

    /// Unloads the cached libraries (each one's reference given back), unless this is one of the
    /// global loaders, whose cache is never destroyed. Throws nothing.
    ~library_loader() {
        if (!immortal_)
            delete cache_.load(std::memory_order_acquire);
    }

    /// Opens `name` as a new library object every time, like `cdll.LoadLibrary(name)`.
    /// \param name a file name the loader searches for, or a path; see basic_library.
    /// \param flags as for basic_library's constructor.
    /// \throws load_error as basic_library's constructor does.
    /// \code
    /// ctypes::CDLL libz = ctypes::cdll.load("libz.so.1");
    /// \endcode
    Library load(path_arg name, load_flags flags = load_flags::none) const {
        return Library(std::move(name), flags);
    }

    /// The cached library for `name`, loaded with default flags on first use, like
    /// `cdll.libz` or `cdll["libz.so.1"]`: every call with the same name (compared as given, as
    /// ctypes compares attribute names) returns the same object.
    /// \return a reference valid while the loader lives (for the global loaders: until the
    /// process ends).
    /// \throws load_error when the library cannot be loaded (nothing is cached then, so a later
    /// call tries again); std::bad_alloc.
    /// \code
    /// auto crc32 = ctypes::cdll["libz.so.1"].get<unsigned long(unsigned long,
    ///                                            const unsigned char *, unsigned)>("crc32");
    /// \endcode
    const Library &operator[](const std::string &name) const { return get(name); }

    /// \copydoc operator[]
    const Library &get(const std::string &name) const {
        cache &c = cache_of();
        std::lock_guard<std::mutex> lock(c.mutex);
        auto it = c.libraries.find(name);
        if (it == c.libraries.end()) {
            auto lib = std::make_unique<const Library>(name);
            it = c.libraries.emplace(name, std::move(lib)).first;
        }
        return *it->second;
    }

    /// How many libraries the cache holds. Throws nothing but std::system_error from the lock.
    std::size_t size() const {
        cache *c = cache_.load(std::memory_order_acquire);
        if (!c)
            return 0;
        std::lock_guard<std::mutex> lock(c->mutex);
        return c->libraries.size();
    }

private:
    struct cache {
        std::mutex mutex;
        std::map<std::string, std::unique_ptr<const Library>, std::less<>> libraries;
    };

    // Created on first use, so that the loader itself stays constant-initialized.
    cache &cache_of() const {
        cache *c = cache_.load(std::memory_order_acquire);
        if (c)
            return *c;
        auto fresh = std::make_unique<cache>();
        if (cache_.compare_exchange_strong(c, fresh.get(), std::memory_order_acq_rel))
            return *fresh.release();
        return *c; // another thread won
    }

    mutable std::atomic<cache *> cache_{nullptr};
    bool immortal_ = false;
};

/// Loads cdecl libraries (ctypes `cdll`): `ctypes::cdll["libz.so.1"]`, `ctypes::cdll.load(...)`.
/// Its cache is never destroyed (see library_loader).
inline library_loader<CDLL> cdll{detail::immortal_tag{}};
/// Loads stdcall libraries (ctypes `windll`). Identical to cdll except on 32-bit x86.
inline library_loader<WinDLL> windll{detail::immortal_tag{}};
/// Loads libraries whose functions return HRESULT (ctypes `oledll`).
inline library_loader<OleDLL> oledll{detail::immortal_tag{}};

} // namespace ctypes

#endif
