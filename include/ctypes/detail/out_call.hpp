// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_OUT_CALL_HPP
#define CTYPES_DETAIL_OUT_CALL_HPP

// The call operator of a signature with ctypes::out<T> parameters: it takes only the inputs,
// owns one value-initialised T per output, calls the plain function (the Inner base, whose
// signature has T* in each output position) and returns the result with the outputs.

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "arguments.hpp"
#include "signature.hpp"

namespace ctypes::detail {

template <class List>
struct out_values;
template <class... P>
struct out_values<type_list<P...>> {
    // type_list<In...> of the parameters that are not outputs; std::tuple<T...> of the outputs.
    template <class Acc, class... Rest>
    struct ins_of {
        using type = Acc;
    };
    template <class... Acc, class First, class... Rest>
    struct ins_of<type_list<Acc...>, First, Rest...>
        : ins_of<std::conditional_t<is_out_v<First>, type_list<Acc...>, type_list<Acc..., First>>,
                 Rest...> {};
    template <class Acc, class... Rest>
    struct outs_of {
        using type = Acc;
    };
    template <class... Acc, class First, class... Rest>
    struct outs_of<std::tuple<Acc...>, First, Rest...>
        : outs_of<std::conditional_t<is_out_v<First>,
                                     std::tuple<Acc..., typename out_target<First>::type>,
                                     std::tuple<Acc...>>,
                  Rest...> {};

    using ins = typename ins_of<type_list<>, P...>::type;
    using outs = typename outs_of<std::tuple<>, P...>::type;

    static constexpr bool is_output[sizeof...(P) + 1] = {is_out_v<P>..., false};

    // Position among the parameters of the same kind (input or output) before position I.
    static constexpr std::size_t index_of(std::size_t position) noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < position; ++i)
            n += is_output[i] == is_output[position] ? 1 : 0;
        return n;
    }
};

template <class R, class Outs>
struct out_result;
template <class R, class... T>
struct out_result<R, std::tuple<T...>> {
    using type = std::tuple<R, T...>;
};
template <class T>
struct out_result<void, std::tuple<T>> {
    using type = T;
};
template <class T1, class T2, class... T>
struct out_result<void, std::tuple<T1, T2, T...>> {
    using type = std::tuple<T1, T2, T...>;
};

template <class Inner, class R, class Params, class Ins, bool Variadic>
class out_function_base;

template <class Inner, class R, class... P, class... In, bool Variadic>
class out_function_base<Inner, R, type_list<P...>, type_list<In...>, Variadic> : public Inner {
    using values = out_values<type_list<P...>>;
    using outs = typename values::outs;

public:
    /// What a call returns: the result and the outputs (see ctypes::out).
    using result_type = typename out_result<R, outs>::type;

    /// Calls the foreign function with the inputs, in order, and a pointer to a fresh,
    /// value-initialised T for each out<T>.
    /// \return `std::tuple<R, T...>`; for a void result the one `T`, or `std::tuple<T...>`.
    /// \throws whatever the plain call throws (the policy's result check).
    template <class... X, extra_arguments_t<Variadic, X...> = 0>
    result_type operator()(arg_t<In>... args, const X &...extra) const {
        outs values_out{};
        auto ins = std::forward_as_tuple(args...);
        if constexpr (std::is_void_v<R>) {
            call(std::index_sequence_for<P...>{}, ins, values_out, extra...);
            if constexpr (std::tuple_size_v<outs> == 1)
                return std::get<0>(std::move(values_out));
            else
                return values_out;
        } else {
            R result = call(std::index_sequence_for<P...>{}, ins, values_out, extra...);
            return std::apply(
                [&](auto &...o) { return result_type(std::move(result), std::move(o)...); },
                values_out);
        }
    }

protected:
    using Inner::Inner;

private:
    template <std::size_t I, class InTuple>
    static decltype(auto) pick(InTuple &ins, outs &values_out) noexcept {
        if constexpr (values::is_output[I])
            return &std::get<values::index_of(I)>(values_out);
        else
            return std::get<values::index_of(I)>(ins);
    }

    template <std::size_t... I, class InTuple, class... X>
    R call(std::index_sequence<I...>, InTuple &ins, outs &values_out, const X &...extra) const {
        return Inner::operator()(pick<I>(ins, values_out)..., extra...);
    }
};

// The base of function<Sig>: the plain one, or the one with outputs when Sig has any. Only the
// second form computes the output layout, so plain signatures cost the compiler nothing more.
template <class Policy, class R, class Params, bool Variadic,
          template <class, class, class, bool> class Plain, bool HasOutputs>
struct base_with_outputs_impl {
    using type = Plain<Policy, R, Params, Variadic>;
};
template <class Policy, class R, class... P, bool Variadic,
          template <class, class, class, bool> class Plain>
struct base_with_outputs_impl<Policy, R, type_list<P...>, Variadic, Plain, true> {
    using type =
        out_function_base<Plain<Policy, R, type_list<c_param_t<P>...>, Variadic>, R,
                          type_list<P...>, typename out_values<type_list<P...>>::ins, Variadic>;
};

template <class Policy, class R, class Params, bool Variadic,
          template <class, class, class, bool> class Plain>
struct base_with_outputs;
template <class Policy, class R, class... P, bool Variadic,
          template <class, class, class, bool> class Plain>
struct base_with_outputs<Policy, R, type_list<P...>, Variadic, Plain>
    : base_with_outputs_impl<Policy, R, type_list<P...>, Variadic, Plain,
                             (false || ... || is_out_v<P>)> {};

} // namespace ctypes::detail

#endif
