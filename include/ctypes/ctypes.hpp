// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_CTYPES_HPP
#define CTYPES_CTYPES_HPP

/// \file
/// The umbrella header: everything ctypes-cpp offers.
/// \code
/// #include <ctypes/ctypes.hpp>
///
/// ctypes::CDLL libsum{"./libsum.so"};
/// auto our_function = libsum.get<int(int, int *)>("our_function");
/// int nums[] = {1, 2, 3};
/// int total = our_function(3, nums); // 6
/// \endcode

#include "buffer.hpp"
#include "callback.hpp"
#include "errno.hpp"
#include "error.hpp"
#include "find_library.hpp"
#include "flags.hpp"
#include "function.hpp"
#include "import_table.hpp"
#include "inspect.hpp"
#include "library.hpp"
#include "names.hpp"
#include "out.hpp"
#include "owned.hpp"
#include "policy.hpp"
#include "result_check.hpp"
#include "types.hpp"
#include "user_data.hpp"
#include "variable.hpp"
#include "version.hpp"

// Not included here, on purpose: library_loader.hpp (ctypes::cdll, windll, oledll), which needs
// <mutex> and <map>; include it where the cached loaders are used.

#endif
