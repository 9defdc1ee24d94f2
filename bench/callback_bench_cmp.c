/* ctypes-cpp benchmarks: the plain C comparator every callback variant is measured against.
 * Compiled as C in its own file, as a C library's comparator would be. */
#include "callback_bench_cmp.h"

int bench_compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int bench_compare_ints_r(const void *a, const void *b, void *data) {
    (void)data;
    return bench_compare_ints(a, b);
}

/* The C way to give a comparator state: a global it reads on every call. The same work as the
 * capturing lambdas of callback_bench.cpp, for an apples-to-apples ratio. */
int bench_sign = 1;

int bench_compare_ints_signed(const void *a, const void *b) {
    return bench_sign * bench_compare_ints(a, b);
}
