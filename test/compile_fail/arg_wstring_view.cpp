// A std::wstring_view passed where the C function takes a const wchar_t*.
// expect: ctypes: a std::string_view cannot be passed where the C function takes a C string
#include <ctypes/ctypes.hpp>
#include <string_view>
int main() {
    ctypes::CDLL lib;
    auto f = lib.get<unsigned long(const wchar_t *)>("wcslen");
    f(std::wstring_view(L"wide"));
}
