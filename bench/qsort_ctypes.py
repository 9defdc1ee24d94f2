#!/usr/bin/python3
"""The reference point for bench/callback_bench.cpp: libc qsort of 100,000 ints driven from
Python ctypes with a CFUNCTYPE comparator, as in the ctypes documentation's callback example.

Run with Debian's interpreter: /usr/bin/python3 bench/qsort_ctypes.py
Prints the best of five sorts in milliseconds of CPU time (as Google Benchmark's "CPU" column,
so a loaded machine skews both alike) and the time per comparator call.
"""
import ctypes
import ctypes.util
import random
import time

COUNT = 100_000
libc = ctypes.CDLL(ctypes.util.find_library("c"))
CMPFUNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))

calls = 0


def py_cmp(a, b):
    global calls
    calls += 1
    x, y = a[0], b[0]
    return (x > y) - (x < y)


def main():
    rng = random.Random(20261121)
    data = [rng.randint(-1_000_000, 1_000_000) for _ in range(COUNT)]
    cmp = CMPFUNC(py_cmp)
    libc.qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, CMPFUNC]
    libc.qsort.restype = None
    best = None
    global calls
    for _ in range(5):
        array = (ctypes.c_int * COUNT)(*data)
        calls = 0
        start = time.process_time()
        libc.qsort(array, COUNT, ctypes.sizeof(ctypes.c_int), cmp)
        elapsed = time.process_time() - start
        assert list(array) == sorted(data)
        best = elapsed if best is None else min(best, elapsed)
    print(f"python ctypes CFUNCTYPE qsort of {COUNT} ints: {best * 1e3:.1f} ms CPU "
          f"({calls} comparator calls, {best / calls * 1e9:.0f} ns per call)")


if __name__ == "__main__":
    main()
