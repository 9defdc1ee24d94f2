// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_OUT_HPP
#define CTYPES_OUT_HPP

/// \file
/// ctypes::out<T>: an output parameter in a signature (ctypes `paramflags` with flag 2).

namespace ctypes {

/// Marks a parameter of a signature as an output: the C function receives a `T*` to a
/// value-initialised `T` that the call owns, and the call returns the `T` instead of taking it as
/// an argument. The call then returns, in parameter order:
/// - `std::tuple<R, T1, T2, ...>` when the result type R is not void;
/// - the `T` alone when R is void and there is one output; a `std::tuple<T1, T2, ...>` for more.
///
/// Unlike ctypes, which drops the result when there are outputs, the result stays: C functions
/// that fill outputs usually report success in it. Structured bindings read naturally.
///
/// \tparam T the pointed-to type of the C parameter (`out<long>` for `long*`): an FFI-safe object
/// type, not a reference, const, void, an array or another out; rejected at compile time with a
/// message otherwise. out<T> may appear only among the parameters before a variadic `...`.
/// \note The C function's pointer type is computed with T* in each out position, so address()
/// and the lookup see the real C signature. Ownership of what the outputs point to is the C
/// function's contract: a `char*` output that the library allocated must be freed by that
/// library (see basic_library::get_free and ctypes::owned_ptr).
/// \see ctypes paramflags: https://docs.python.org/3/library/ctypes.html#function-prototypes
/// \code
/// ctypes::CDLL libm{"libm.so.6"};
/// auto frexp = libm.get<double(double, ctypes::out<int>)>("frexp");
/// auto [mantissa, exponent] = frexp(8.0); // 0.5, 4
/// \endcode
template <class T>
struct out {};

} // namespace ctypes

#endif
