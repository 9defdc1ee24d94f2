// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// libFuzzer target: the C declaration reader (ctypes::cdef, inline declarations) and the libffi
// descriptions of what it declares, on arbitrary text. Nothing may crash, leak, hang or grow
// faster than the text: a bad declaration is a ctypes::error, never anything else.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <ctypes/dynamic.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    namespace d = ctypes::detail::dynamic;
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    try {
        ctypes::cdef decls{text};
        for (const std::string &name : decls.functions()) {
            // The cif of each function: the record layouts libffi is given.
            try {
                (void)d::prepare(decls.function_type(name), FFI_DEFAULT_ABI, name);
            } catch (const ctypes::error &) {
            }
        }
    } catch (const ctypes::error &) {
    }
    try {
        (void)d::inline_function(text, "f");
    } catch (const ctypes::error &) {
    }
    try {
        (void)ctypes::cdef().size_of(text);
    } catch (const ctypes::error &) {
    }
    return 0;
}
