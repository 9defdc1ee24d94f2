// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_UNICODE_HPP
#define CTYPES_DETAIL_UNICODE_HPP

// UTF-8 <-> wchar_t (UTF-16 on Windows, UTF-32 elsewhere) for paths and messages. Locale-free on
// purpose: a loader path must not change meaning with setlocale(). Invalid input becomes U+FFFD.

#include <cstddef>
#include <string>

namespace ctypes::detail {

inline void append_utf8(std::string &out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

inline std::string to_utf8(const wchar_t *s, std::size_t n) {
    std::string out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        char32_t c = static_cast<char32_t>(s[i]);
        if constexpr (sizeof(wchar_t) == 2) {
            c &= 0xFFFF;
            if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
                const char32_t low = static_cast<char32_t>(s[i + 1]) & 0xFFFF;
                if (low >= 0xDC00 && low < 0xE000) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                    ++i;
                }
            }
        }
        if ((c >= 0xD800 && c < 0xE000) || c > 0x10FFFF)
            c = 0xFFFD;
        append_utf8(out, c);
    }
    return out;
}

inline std::string to_utf8(const std::wstring &s) {
    return to_utf8(s.data(), s.size());
}

inline std::wstring to_wide(const char *s, std::size_t n) {
    std::wstring out;
    out.reserve(n);
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    for (std::size_t i = 0; i < n;) {
        const unsigned char b = byte(i);
        const std::size_t len = b < 0x80           ? 1
                                : (b >> 5) == 0x6  ? 2
                                : (b >> 4) == 0xE  ? 3
                                : (b >> 3) == 0x1E ? 4
                                                   : 0;
        char32_t c = 0xFFFD;
        if (len == 1) {
            c = b;
        } else if (len != 0 && i + len <= n) {
            c = b & (0xFF >> (len + 1));
            bool ok = true;
            for (std::size_t k = 1; k < len; ++k) {
                ok = ok && (byte(i + k) & 0xC0) == 0x80;
                c = (c << 6) | (byte(i + k) & 0x3F);
            }
            static constexpr char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
            if (!ok || c < shortest[len] || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000))
                c = 0xFFFD;
        }
        i += (len == 0 || i + len > n) ? 1 : len;
        if (sizeof(wchar_t) == 2 && c >= 0x10000) {
            c -= 0x10000;
            out += static_cast<wchar_t>(0xD800 + (c >> 10));
            out += static_cast<wchar_t>(0xDC00 + (c & 0x3FF));
        } else {
            out += static_cast<wchar_t>(c);
        }
    }
    return out;
}

inline std::wstring to_wide(const std::string &s) {
    return to_wide(s.data(), s.size());
}

} // namespace ctypes::detail

#endif
