// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_VARIABLE_HPP
#define CTYPES_VARIABLE_HPP

/// \file
/// ctypes::variable: a handle on an exported data object (ctypes `in_dll`).

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/loader.hpp"
#include "detail/symbol_record.hpp"
#include "types.hpp"

namespace ctypes {

template <class Policy>
class basic_library;

namespace detail {
template <class T>
constexpr bool validate_object_type() {
    if constexpr (std::is_function_v<T>) {
        static_assert(dependent_false<T>, "ctypes: var<T>() is for exported data objects; for a "
                                          "function write get<Sig>() with its function type");
        return false;
    } else if constexpr (std::is_reference_v<T>) {
        static_assert(dependent_false<T>, "ctypes: var<T>() needs the object's type, not a "
                                          "reference to it: var<int>() already gives an int&");
        return false;
    } else if constexpr (std::is_void_v<T>) {
        static_assert(dependent_false<T>, "ctypes: var<T>() needs a complete object type whose "
                                          "size can be checked, not void; write the "
                                          "object's real type");
        return false;
    } else if constexpr (value_problem<std::remove_all_extents_t<T>>() != ffi_problem::none) {
        static_assert(dependent_false<T>,
                      "ctypes: var<T>() needs a type C can share: arithmetic, enum, pointer, or a "
                      "trivially copyable standard-layout struct (or an array of those)");
        return false;
    } else {
        return true;
    }
}
} // namespace detail

/// A handle on an exported data object that dereferences to `T&` (ctypes
/// `c_int.in_dll(lib, "name")`), made by basic_library::var().
///
/// \tparam T the object's type: arithmetic, enum, pointer, a trivially copyable
/// standard-layout struct, or an array of those; `const T` for read-only access. Not a function,
/// a reference or void.
///
/// Copyable and movable; every copy keeps the library mapped (Guarantee 3).
/// \see https://docs.python.org/3/library/ctypes.html#accessing-values-exported-from-dlls
/// \code
/// ctypes::CDLL libc{"libc.so.6"};
/// auto env = libc.var<char **>("environ");
/// const char *first = (*env)[0];
/// \endcode
template <class T>
class variable : detail::accepted_if_t<detail::validate_object_type<T>()> {
    // The pointer and reference types are spelled so that a rejected T (a reference, void)
    // reports only the static_assert, not errors of its own.
    using pointer_ = std::add_pointer_t<std::remove_reference_t<T>>;
    using reference_ = std::add_lvalue_reference_t<T>;

public:
    /// The type of the exported object.
    using element_type = T;

    /// An empty handle; `bool(v)` is false and dereferencing it is undefined. Throws nothing.
    variable() = default;
    /// Copies the handle; both keep the library loaded. Throws nothing.
    variable(const variable &) = default;
    /// Copies the handle; both keep the library loaded. Throws nothing.
    variable &operator=(const variable &) = default;
    /// Moves the handle; the moved-from handle is empty. Throws nothing.
    variable(variable &&other) noexcept
        : ptr_(std::exchange(other.ptr_, nullptr)), state_(std::move(other.state_)),
          record_(std::move(other.record_)) {}
    /// \copydoc variable(variable&&)
    variable &operator=(variable &&other) noexcept {
        ptr_ = std::exchange(other.ptr_, nullptr);
        state_ = std::move(other.state_);
        record_ = std::move(other.record_);
        return *this;
    }
    ~variable() = default;

    /// The object. Undefined on an empty handle. Throws nothing.
    reference_ operator*() const noexcept { return *ptr_; }
    /// The object's members. Undefined on an empty handle. Throws nothing.
    pointer_ operator->() const noexcept { return ptr_; }
    /// The object's address, valid while this handle lives. Throws nothing.
    pointer_ get() const noexcept { return ptr_; }
    /// The symbol name it was looked up by (empty for an empty handle). Throws nothing.
    const std::string &name() const noexcept { return record_ ? record_->name : detail::no_name(); }
    /// False for an empty handle. Throws nothing.
    explicit operator bool() const noexcept { return ptr_ != nullptr; }

private:
    template <class P>
    friend class basic_library;
    // One allocation: the name's record, shared by copies.
    variable(pointer_ p, detail::state_ptr s, std::string name)
        : ptr_(p), state_(std::move(s)),
          record_(std::make_unique<detail::symbol_record>(std::move(name), 0)) {}
    // With a record shared by the symbol's other lookups (detail/record_table.hpp).
    variable(pointer_ p, detail::state_ptr s, detail::record_ptr record) noexcept
        : ptr_(p), state_(std::move(s)), record_(std::move(record)) {}

    // Three pointers (bench/README.md, memory).
    pointer_ ptr_ = nullptr;
    detail::state_ptr state_;   // keeps the library mapped
    detail::record_ptr record_; // the name, for name()
};

} // namespace ctypes

#endif
