// ctypes-cpp benchmarks: the time of one call into the fixture, for every way of calling it.
// Names are `call_<function>/<case>`; `raw_pointer` (dlsym's result, cast) is each group's
// baseline, labelled `baseline` so the report computes every ratio against it.
#include "call_cases.hpp"

#include <string>

namespace {

template <class Op, class Impl>
void call(benchmark::State &state, bool baseline) {
    const auto &c = Impl::get();
    int i = 0;
    for (auto _ : state)
        Op::once(c, i++);
    if (baseline)
        state.SetLabel("baseline");
}

[[maybe_unused]] const bool registered = [] {
    bench::for_each_call_case([](auto op, auto impl, const char *impl_name) {
        using Op = decltype(op);
        using Impl = decltype(impl);
        const std::string case_name(impl_name);
        benchmark::RegisterBenchmark((std::string("call_") + Op::name + "/" + case_name).c_str(),
                                     &call<Op, Impl>, case_name == "raw_pointer");
    });
    return true;
}();

} // namespace
