// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_BUFFER_HPP
#define CTYPES_BUFFER_HPP

/// \file
/// Character buffers a C function can write into (ctypes `create_string_buffer`,
/// `create_unicode_buffer`), and reading C strings and byte ranges back (`string_at`,
/// `wstring_at`).

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctypes {

/// A zero-initialised, heap-allocated array of `CharT` that C functions may write into: what
/// ctypes calls a `c_char` / `c_wchar` array made by `create_string_buffer` /
/// `create_unicode_buffer`.
///
/// \tparam CharT `char` (string_buffer) or `wchar_t` (unicode_buffer).
///
/// Passes directly as a `CharT*` or `const CharT*` argument of a ctypes::function (the façade
/// hands C data()); a `char` buffer also passes where C wants bytes: `unsigned char*`
/// (`std::uint8_t*`, zlib's `Bytef*`, `uuid_t`), `std::byte*`, `void*`, and their `const` forms;
/// a `wchar_t` buffer passes as `void*` / `const void*`. Sizes are in elements (`CharT`s),
/// never bytes, as ctypes' `len()`. C may keep data() only while the buffer lives and is not
/// resized: a stream that reads or writes it later (zlib's `next_in` / `next_out`) needs the
/// buffer to outlive that use.
/// Move-only; a moved-from buffer has size 0 and a null data(). Not thread-safe for writes.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.create_string_buffer
template <class CharT>
class basic_string_buffer {
public:
    /// The element type.
    using value_type = CharT;
    /// Sizes, in elements.
    using size_type = std::size_t;
    /// What raw() and value() return.
    using string_type = std::basic_string<CharT>;
    /// What initializers and assign() take.
    using view_type = std::basic_string_view<CharT>;

    /// `size` elements, all zero. \throws std::bad_alloc.
    explicit basic_string_buffer(size_type size)
        : data_(std::make_unique<CharT[]>(size)), size_(size), original_size_(size) {}

    /// `init` followed by a NUL: `init.size() + 1` elements, so a buffer made from "Hello" has
    /// size 6. Embedded NULs in a `std::basic_string` or view are copied.
    /// \throws std::bad_alloc.
    explicit basic_string_buffer(view_type init) : basic_string_buffer(init.size() + 1) {
        copy_in(init);
    }

    /// `size` elements holding `init`, then zeros. `init.size() == size` is allowed and leaves
    /// no NUL, as in ctypes.
    /// \throws std::length_error when `init` is longer than `size`, naming both lengths (ctypes
    /// raises ValueError: the initializer is never truncated). \throws std::bad_alloc.
    basic_string_buffer(view_type init, size_type size) : basic_string_buffer(size) {
        if (init.size() > size)
            throw std::length_error("ctypes: cannot create a buffer of " + std::to_string(size) +
                                    " elements from an initializer of " +
                                    std::to_string(init.size()) + " elements: it does not fit");
        copy_in(init);
    }

    /// Takes over `other`'s storage; `other` is left empty. Throws nothing.
    basic_string_buffer(basic_string_buffer &&other) noexcept
        : data_(std::move(other.data_)), size_(other.size_), original_size_(other.original_size_) {
        other.size_ = other.original_size_ = 0;
    }
    /// \copydoc basic_string_buffer(basic_string_buffer&&)
    basic_string_buffer &operator=(basic_string_buffer &&other) noexcept {
        data_ = std::move(other.data_);
        size_ = other.size_;
        original_size_ = other.original_size_;
        other.size_ = other.original_size_ = 0;
        return *this;
    }
    basic_string_buffer(const basic_string_buffer &) = delete;
    basic_string_buffer &operator=(const basic_string_buffer &) = delete;

    /// The first element, for C; valid until the buffer is resized, moved from or destroyed.
    /// Throws nothing.
    CharT *data() noexcept { return data_.get(); }
    /// \copydoc data()
    const CharT *data() const noexcept { return data_.get(); }
    /// The number of elements (ctypes `len(buf)`); sizeof in bytes is `size() * sizeof(CharT)`.
    /// Throws nothing.
    size_type size() const noexcept { return size_; }
    /// Every element, NULs included (ctypes `buf.raw`). \throws std::bad_alloc.
    string_type raw() const { return string_type(data_.get(), size_); }
    /// The elements up to the first NUL, or all of them when there is none (ctypes
    /// `buf.value`). \throws std::bad_alloc.
    string_type value() const {
        const CharT *begin = data_.get();
        const CharT *end = begin + size_;
        const CharT *p = begin;
        while (p != end && *p != CharT())
            ++p;
        return string_type(begin, p);
    }
    /// Stores `v` at the start and a NUL after it when there is room (ctypes `buf.value = v`).
    /// \throws std::length_error when `v` is longer than size(); the buffer is unchanged.
    void assign(view_type v) {
        if (v.size() > size_)
            throw std::length_error("ctypes: cannot store " + std::to_string(v.size()) +
                                    " elements in a buffer of " + std::to_string(size_) +
                                    " elements");
        copy_in(v);
    }

    /// Stores `bytes` at the start, every element as given, and nothing after it: no NUL is added
    /// and the rest of the buffer is unchanged (ctypes `buf.raw = b"..."`). Embedded NULs are
    /// copied. \param bytes at most size() elements.
    /// \throws std::length_error when `bytes` is longer than size(), naming both lengths; the
    /// buffer is unchanged.
    /// \code
    /// auto key = ctypes::create_string_buffer(16);
    /// key.assign_raw(std::string("\0\x01\x02", 3)); // three bytes, the rest stays zero
    /// \endcode
    void assign_raw(view_type bytes) {
        if (bytes.size() > size_)
            throw std::length_error("ctypes: cannot store " + std::to_string(bytes.size()) +
                                    " raw elements in a buffer of " + std::to_string(size_) +
                                    " elements");
        if (!bytes.empty())
            std::char_traits<CharT>::copy(data_.get(), bytes.data(), bytes.size());
    }

    /// The element at `i`; `i < size()` is the caller's to ensure. Throws nothing.
    CharT &operator[](size_type i) noexcept { return data_[i]; }
    /// \copydoc operator[]
    const CharT &operator[](size_type i) const noexcept { return data_[i]; }

    /// Changes the size to `size` elements, keeping the contents; new elements are zero. Like
    /// ctypes `resize()`, the buffer can never become smaller than the size it was created with;
    /// it may shrink back down to it. data() changes: pointers C kept into the old storage
    /// dangle.
    /// \throws std::length_error when `size` is below the original size (ctypes ValueError
    /// "minimum size is N"), naming both. \throws std::bad_alloc.
    /// \see https://docs.python.org/3/library/ctypes.html#ctypes.resize
    void resize(size_type size) {
        if (size < original_size_)
            throw std::length_error("ctypes: cannot resize a buffer of " + std::to_string(size_) +
                                    " elements to " + std::to_string(size) +
                                    ": the minimum is its original size " +
                                    std::to_string(original_size_));
        auto bigger = std::make_unique<CharT[]>(size);
        std::char_traits<CharT>::copy(bigger.get(), data_.get(), size < size_ ? size : size_);
        data_ = std::move(bigger);
        size_ = size;
    }

private:
    void copy_in(view_type init) noexcept {
        std::char_traits<CharT>::copy(data_.get(), init.data(), init.size());
        if (init.size() < size_)
            data_[init.size()] = CharT();
    }

    std::unique_ptr<CharT[]> data_;
    size_type size_ = 0;
    size_type original_size_ = 0;
};

/// A buffer of `char` (ctypes `c_char` array).
using string_buffer = basic_string_buffer<char>;
/// A buffer of `wchar_t` (ctypes `c_wchar` array): UTF-16 units on Windows, UTF-32 elsewhere.
using unicode_buffer = basic_string_buffer<wchar_t>;

/// A zeroed buffer of `size` chars, like `ctypes.create_string_buffer(size)`.
/// \throws std::bad_alloc.
/// \code
/// auto buf = ctypes::create_string_buffer(64);
/// snprintf(buf, buf.size(), "%d", 42); // a façade call taking char*
/// std::string text = buf.value();       // "42"
/// \endcode
inline string_buffer create_string_buffer(std::size_t size) {
    return string_buffer(size);
}
/// `init` and a NUL, like `ctypes.create_string_buffer(b"Hello")` (size 6). A `const char*`
/// initializer ends at its first NUL; pass a std::string or view to keep embedded NULs.
/// \throws std::bad_alloc.
inline string_buffer create_string_buffer(std::string_view init) {
    return string_buffer(init);
}
/// `size` chars starting with `init`, like `ctypes.create_string_buffer(init, size)`.
/// \throws std::length_error when `init.size() > size` (never truncates). \throws std::bad_alloc.
inline string_buffer create_string_buffer(std::string_view init, std::size_t size) {
    return string_buffer(init, size);
}

/// A zeroed buffer of `size` wchar_t, like `ctypes.create_unicode_buffer(size)`.
/// \throws std::bad_alloc.
inline unicode_buffer create_unicode_buffer(std::size_t size) {
    return unicode_buffer(size);
}
/// `init` and a NUL, like `ctypes.create_unicode_buffer("Hello")` (size 6). \throws std::bad_alloc.
inline unicode_buffer create_unicode_buffer(std::wstring_view init) {
    return unicode_buffer(init);
}
/// `size` wchar_t starting with `init`, like `ctypes.create_unicode_buffer(init, size)`.
/// \throws std::length_error when `init.size() > size`. \throws std::bad_alloc.
inline unicode_buffer create_unicode_buffer(std::wstring_view init, std::size_t size) {
    return unicode_buffer(init, size);
}

/// Copies the NUL-terminated C string at `ptr` (ctypes `string_at(ptr)`).
/// \param ptr the first char; read up to, not including, the first NUL.
/// \throws std::invalid_argument when `ptr` is null (ctypes would crash). \throws std::bad_alloc.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.string_at
inline std::string string_at(const void *ptr) {
    if (!ptr)
        throw std::invalid_argument("ctypes: string_at() cannot read a C string at a null pointer");
    return std::string(static_cast<const char *>(ptr));
}
/// Copies `size` bytes at `ptr`, NULs included (ctypes `string_at(ptr, size)`).
/// \param ptr the first byte; may be null only when `size` is 0.
/// \param size in bytes. A null `ptr` with `size` 0 gives an empty string.
/// \throws std::invalid_argument when `ptr` is null and `size` is not 0. \throws std::bad_alloc.
inline std::string string_at(const void *ptr, std::size_t size) {
    if (!ptr && size != 0)
        throw std::invalid_argument("ctypes: string_at() cannot read " + std::to_string(size) +
                                    " bytes at a null pointer");
    return size == 0 ? std::string() : std::string(static_cast<const char *>(ptr), size);
}
/// Copies the NUL-terminated wide string at `ptr` (ctypes `wstring_at(ptr)`).
/// \throws std::invalid_argument when `ptr` is null. \throws std::bad_alloc.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.wstring_at
inline std::wstring wstring_at(const void *ptr) {
    if (!ptr)
        throw std::invalid_argument(
            "ctypes: wstring_at() cannot read a wide C string at a null pointer");
    return std::wstring(static_cast<const wchar_t *>(ptr));
}
/// Copies `size` wchar_t at `ptr`, NULs included (ctypes `wstring_at(ptr, size)`).
/// \param ptr the first wchar_t; may be null only when `size` is 0.
/// \param size in wchar_t elements, not bytes. A null `ptr` with `size` 0 gives an empty string.
/// \throws std::invalid_argument when `ptr` is null and `size` is not 0. \throws std::bad_alloc.
inline std::wstring wstring_at(const void *ptr, std::size_t size) {
    if (!ptr && size != 0)
        throw std::invalid_argument("ctypes: wstring_at() cannot read " + std::to_string(size) +
                                    " wide characters at a null pointer");
    return size == 0 ? std::wstring() : std::wstring(static_cast<const wchar_t *>(ptr), size);
}

} // namespace ctypes

#endif
