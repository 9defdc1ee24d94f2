// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_BYTES_HPP
#define CTYPES_DETAIL_BYTES_HPP

#include <cstring>

namespace ctypes::detail {

// Reads a T at any alignment, in the host's byte order: the loader cache and PE images are
// written in it, and untrusted bytes may sit at any offset. The caller checks the bounds.
template <class T>
T load_unaligned(const unsigned char *p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace ctypes::detail

#endif
