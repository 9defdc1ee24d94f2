// Every result-check form that must compile (no expectation: this file must build).
#include <ctypes/ctypes.hpp>
#include <cstdio>
#include <system_error>
struct any_form {
    template <class R, class... A>
    void operator()(const R &, const ctypes::call_context &, const A &...) const {}
};
void result_only(const long &) {}
enum class status { ok, bad };
const std::error_category &my_category() {
    return std::generic_category();
}
int main() {
    ctypes::CDLL lib;
    using namespace ctypes;
    auto a = lib.get<long(const char *, char **, int), checked_with<errcheck<any_form>>>("a");
    auto b = lib.get<long(int), checked_with<errcheck_function<&result_only>>>("b");
    auto c = lib.get<std::FILE *(const char *), checked_with<null_errno_check>>("c");
    auto d = lib.get<long(int), checked_with<minus_one_errno_check, stdcall_convention>>("d");
    auto e = lib.get<status(int), checked_with<status_check<&my_category>>>("e");
    auto g = lib.get<int(int), checked_with<status_check<my_category, 100, 101>>>("g");
    auto h = checked(lib.get<int(const char *, ...)>("printf"),
                     [](int, const call_context &, const char *, int) {});
    if (lib) {
        a("1", nullptr, 10);
        b(1);
        c("x");
        d(1);
        e(1);
        g(1);
        h("%d", 1);
    }
}
