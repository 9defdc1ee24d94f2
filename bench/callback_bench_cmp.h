/* ctypes-cpp benchmarks: plain C comparators (callback_bench_cmp.c). */
#ifndef CTYPES_BENCH_CALLBACK_CMP_H
#define CTYPES_BENCH_CALLBACK_CMP_H
#ifdef __cplusplus
extern "C" {
#endif
int bench_compare_ints(const void *a, const void *b);
int bench_compare_ints_r(const void *a, const void *b, void *data);
extern int bench_sign;
int bench_compare_ints_signed(const void *a, const void *b);
#ifdef __cplusplus
}
#endif
#endif
