"""ctypes-cpp benchmarks: the same calls into the same fixture library (the four call cases and
the runtime-typed ones: mix8, point_dot, sum_var), from Python, through
ctypes and through cffi (ABI mode, `ffi.dlopen`: no compiler involved, as with ctypes).

    python3 python_calls.py time --fixture LIB [--min-time S] [--repetitions N]
        prints JSON: {"call_add": {"python_ctypes": {"ns": ..., "cv": ...}, ...}, ...}, and
        "find_library": {"python_ctypes_util": ...}, the time of ctypes.util.find_library("z"),
        measured against ctypes::find_library("z") (bench/lookup_bench.cpp)
    valgrind --tool=callgrind python3 python_calls.py callgrind --fixture LIB --marks MARKS
        [--n1 N1 --n2 N2]
        runs each case n1 then n2 times, marking each run with bench_mark("<case>@<n>") as
        callgrind_driver.cpp does; run_bench.py turns the dumps into instructions per call.

Each measured iteration is one Python `for` iteration making one call, so the times and counts
include the interpreter's loop (a few ns, about a hundred instructions), as any Python caller
pays. Run by Debian's /usr/bin/python3, which has python3-cffi.
"""
import argparse
import ctypes
import ctypes.util
import json
import statistics
import sys
import time

try:
    import cffi
except ImportError:  # reported, not fatal: the ctypes cases still run
    cffi = None

FUNCTIONS = ("add", "sum8", "scale", "noop", "mix8", "point", "sum_var")


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


def load_ctypes(path):
    lib = ctypes.CDLL(path)
    lib.add.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.add.restype = ctypes.c_int
    lib.sum8.argtypes = [ctypes.POINTER(ctypes.c_int)]
    lib.sum8.restype = ctypes.c_int
    lib.scale.argtypes = [ctypes.c_double, ctypes.c_double]
    lib.scale.restype = ctypes.c_double
    lib.noop.argtypes = []
    lib.noop.restype = None
    c_int, c_double = ctypes.c_int, ctypes.c_double
    lib.mix8.argtypes = [c_int, c_double, c_int, c_double, ctypes.c_long, ctypes.c_float, c_int,
                         c_double]
    lib.mix8.restype = c_double
    lib.point_dot.argtypes = [Point, c_double]
    lib.point_dot.restype = c_double
    lib.sum_var.argtypes = [c_int]  # the fixed part; ctypes converts the rest as C does
    lib.sum_var.restype = c_int
    values = (ctypes.c_int * 8)(1, 2, 3, 4, 5, 6, 7, 8)
    return lib, values, Point(1.5, 2.5), None


def load_cffi(path):
    ffi = cffi.FFI()
    ffi.cdef("int add(int, int); int sum8(const int *); double scale(double, double);"
             "void noop(void);"
             "double mix8(int, double, int, double, long, float, int, double);"
             "struct bench_point { double x, y; };"
             "double point_dot(struct bench_point, double);"
             "int sum_var(int, ...);")
    lib = ffi.dlopen(path)
    values = ffi.new("int[8]", [1, 2, 3, 4, 5, 6, 7, 8])
    point = ffi.new("struct bench_point *", [1.5, 2.5])[0]
    return (ffi, lib), values, point, ffi


# One loop per (function, binding): the call is written out, as a Python user would write it.
# cffi needs the arguments after `...` as cdata of their C type (`ffi.cast`); ctypes converts
# Python ints itself.
def loops(lib, values, point, ffi):
    add, sum8, scale, noop = lib.add, lib.sum8, lib.scale, lib.noop
    mix8, point_dot, sum_var = lib.mix8, lib.point_dot, lib.sum_var

    def run_mix8(n):
        for i in range(n):
            mix8(i, 1.0, 2, 3.0, 4, 5.0, 6, 7.0)

    def run_point(n):
        for i in range(n):
            point_dot(point, i)

    if ffi is None:
        def run_sum_var(n):
            for i in range(n):
                sum_var(4, i, 1, 2, 3)
    else:
        cast, one, two, three = ffi.cast, ffi.cast("int", 1), ffi.cast("int", 2), ffi.cast("int", 3)

        def run_sum_var(n):
            for i in range(n):
                sum_var(4, cast("int", i), one, two, three)

    def run_add(n):
        for i in range(n):
            add(i, 1)

    def run_sum8(n):
        for _ in range(n):
            sum8(values)

    def run_scale(n):
        for i in range(n):
            scale(i, 0.5)

    def run_noop(n):
        for _ in range(n):
            noop()

    return {"add": run_add, "sum8": run_sum8, "scale": run_scale, "noop": run_noop,
            "mix8": run_mix8, "point": run_point, "sum_var": run_sum_var}


def verify(name, lib, values, point, ffi):
    four = 4 if ffi is None else ffi.cast("int", 4)
    args = (1, 2, 3) if ffi is None else tuple(ffi.cast("int", v) for v in (1, 2, 3))
    if (lib.add(2, 3) != 5 or lib.sum8(values) != 36 or lib.scale(3.0, 0.5) != 1.5
            or lib.mix8(1, 1.0, 2, 3.0, 4, 5.0, 6, 7.0) != 29.0
            or lib.point_dot(point, 2.0) != 8.0 or lib.sum_var(4, four, *args) != 10):
        raise SystemExit(f"python_calls: case '{name}' computes wrong results")
    lib.noop()


def bindings(path):
    lib, values, point, _ = load_ctypes(path)
    verify("python_ctypes", lib, values, point, None)
    out = {"python_ctypes": loops(lib, values, point, None)}
    if cffi is not None:
        (ffi, clib), cvalues, cpoint, _ = load_cffi(path)
        verify("python_cffi", clib, cvalues, cpoint, ffi)
        out["python_cffi"] = loops(clib, cvalues, cpoint, ffi)
    return out


def time_one(run, min_time, n=1000):
    # Grow n until one run lasts min_time, then report that run's time per call.
    while True:
        start = time.perf_counter_ns()
        run(n)
        elapsed = time.perf_counter_ns() - start
        if elapsed >= min_time * 1e9 or n >= 1 << 30:
            return elapsed / n
        n = max(n * 2, int(n * min_time * 1.2e9 / max(elapsed, 1)))


def repeated(run, args, n=1000):
    """The median time per call of args.repetitions runs, and their coefficient of variation."""
    run(n)  # warm
    samples = [time_one(run, args.min_time, n) for _ in range(args.repetitions)]
    mean = statistics.fmean(samples)
    cv = statistics.pstdev(samples) / mean if len(samples) > 1 and mean else 0.0
    return {"ns": statistics.median(samples), "cv": cv, "repetitions": len(samples)}


def run_find_library(n):
    for _ in range(n):
        if not ctypes.util.find_library("z"):
            raise SystemExit("python_calls: ctypes.util.find_library('z') found nothing")


def cmd_time(args):
    result = {}
    for binding, runs in bindings(args.fixture).items():
        for function in FUNCTIONS:
            result.setdefault("call_" + function, {})[binding] = repeated(runs[function], args)
    # About a millisecond a call (it runs ldconfig -p): start from a few calls, not a thousand.
    result["find_library"] = {"python_ctypes_util": repeated(run_find_library, args, 4)}
    if cffi is None:
        result["skipped"] = "cffi is not importable by " + sys.executable
    json.dump(result, sys.stdout, indent=1)
    print()


def cmd_callgrind(args):
    marks = ctypes.CDLL(args.marks)
    marks.bench_mark.argtypes = [ctypes.c_char_p]
    marks.bench_mark.restype = None
    for binding, runs in bindings(args.fixture).items():
        for function in FUNCTIONS:
            run = runs[function]
            name = f"call_{function}/{binding}"
            run(16)
            marks.bench_mark(b"warm-up")
            run(args.n1)
            marks.bench_mark(f"{name}@{args.n1}".encode())
            run(args.n2)
            marks.bench_mark(f"{name}@{args.n2}".encode())
    print("python_calls: cffi " + ("skipped" if cffi is None else "measured"), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("time")
    t.add_argument("--fixture", required=True)
    t.add_argument("--min-time", type=float, default=0.2)
    t.add_argument("--repetitions", type=int, default=5)
    c = sub.add_parser("callgrind")
    c.add_argument("--fixture", required=True)
    c.add_argument("--marks", required=True)
    c.add_argument("--n1", type=int, default=2000)
    c.add_argument("--n2", type=int, default=4000)
    args = parser.parse_args()
    if args.mode == "time":
        cmd_time(args)
    else:
        cmd_callgrind(args)


if __name__ == "__main__":
    main()
