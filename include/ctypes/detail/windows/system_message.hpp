// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_WINDOWS_SYSTEM_MESSAGE_HPP
#define CTYPES_DETAIL_WINDOWS_SYSTEM_MESSAGE_HPP

// The system's own text for a Win32 error code or an HRESULT, through FormatMessageW.
// See https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-formatmessagew

#include <string>

#include "../unicode.hpp"
#include "win32.hpp"

namespace ctypes::detail::win32 {

// FormatMessageW's text in UTF-8, without the trailing period and line break Windows appends
// (our messages end without one); empty when the system has no text for the code, as Wine has
// none for many HRESULTs. Keeps the caller's GetLastError() value.
inline std::string system_message(unsigned long code) {
    const unsigned long saved = GetLastError();
    wchar_t *buffer = nullptr;
    const unsigned long n = FormatMessageW(
        format_message_allocate_buffer | format_message_from_system | format_message_ignore_inserts,
        nullptr, code, 0, reinterpret_cast<wchar_t *>(&buffer), 0, nullptr);
    std::string text = n && buffer ? to_utf8(buffer, n) : std::string();
    if (buffer)
        LocalFree(buffer);
    while (!text.empty() &&
           (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
        text.pop_back();
    SetLastError(saved);
    return text;
}

} // namespace ctypes::detail::win32

#endif
