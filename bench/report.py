"""ctypes-cpp benchmarks: turn results.json into the tables of bench/README.md.

    python3 report.py results.json README.md

rewrites only what lies between the README's `<!-- results:begin -->` and `<!-- results:end -->`
markers (a file without them gets a new results section). run_bench.py calls it after measuring;
run it alone to re-render saved results.
"""
import json
import sys

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
CALL_GROUPS = ("call_add", "call_sum8", "call_scale", "call_noop")
# The runtime-typed groups beside them (bench/call_cases.hpp): eight mixed arguments, a struct
# by value, a variadic call.
RUNTIME_GROUPS = ("call_mix8", "call_point", "call_sum_var")
ALL_CALL_GROUPS = CALL_GROUPS + RUNTIME_GROUPS
# Signatures passed entirely in registers on x86-64 System V: the dynamic fast path's cases.
REGISTER_ONLY = ("call_add", "call_sum8", "call_scale", "call_noop", "call_mix8")
CALL_ORDER = ("direct", "raw_pointer", "std_function", "cdll", "cdll_use_errno", "libffi",
              "dynamic_call", "dynamic", "dynamic_call_libffi", "dynamic_libffi", "boost_dll",
              "python_ctypes", "python_cffi")
CASE_TEXT = {
    "direct": "direct call (linked, through the PLT)",
    "raw_pointer": "raw `dlsym` pointer",
    "std_function": "`std::function` holding the pointer",
    "cdll": "ctypes-cpp `CDLL` function",
    "cdll_use_errno": "ctypes-cpp `CDLL` function, `use_errno`",
    "libffi": "libffi `ffi_call`, prepared cif",
    "dynamic_call": "ctypes-cpp `dynamic_function::call<R>` (fast path where it applies)",
    "dynamic": "ctypes-cpp `dynamic_function`, `f(args...).as<R>()`",
    "dynamic_call_libffi": "ctypes-cpp `dynamic_function::call<R>`, through libffi",
    "dynamic_libffi": "ctypes-cpp `dynamic_function`, `f(args...)`, through libffi",
    "boost_dll": "Boost.DLL `import`",
    "python_ctypes": "Python ctypes",
    "python_cffi": "Python cffi (ABI mode)",
}
FUNCTION_TEXT = {
    "call_add": "`int add(int, int)`", "call_sum8": "`int sum8(const int *)`",
    "call_scale": "`double scale(double, double)`", "call_noop": "`void noop(void)`",
    "call_mix8": "`mix8` (8 mixed arguments)", "call_point": "`point_dot` (struct by value)",
    "call_sum_var": "`sum_var` (variadic, 4 extra ints)",
}
TARGET_CALL_INSTR = 1
TARGET_CALL_TIME = 1.05
TARGET_ERRNO_INSTR = 10
TARGET_LOOKUP = 1.0       # a hit, against dlsym (issue 14)
TARGET_LOOKUP_MISS = 1.2  # a miss, error_code& form, against dlsym
TARGET_QSORT = 1.10       # a capturing lambda as qsort's comparator, against a C comparator
TARGET_FIND_LIBRARY = 100  # times faster than Python's ctypes.util.find_library
TARGET_HANDLE_BYTES = 24  # function, variable, owned_ptr on a 64-bit platform
TARGET_FAST_PATH = 0.10   # dynamic fast path against bare ffi_call, register-only signatures
TARGET_LIBFFI_PATH = 1.10  # dynamic calls through libffi against bare ffi_call
TARGET_COMPILE = 0.4


def by_name(results):
    return {b["name"]: b for b in results["benchmarks"]}


def baselines(results):
    return {b["group"]: b for b in results["benchmarks"] if b.get("baseline")}


def check(results):
    """What the report needs and the results lack."""
    problems = []
    names = by_name(results)
    base = baselines(results)
    for group in CALL_GROUPS:
        if group not in base:
            problems.append("no baseline (raw_pointer) for " + group)
        for case in ("direct", "raw_pointer", "std_function", "cdll", "cdll_use_errno"):
            if group + "/" + case not in names:
                problems.append("no time for %s/%s" % (group, case))
            if results["instructions"] and group + "/" + case not in results["instructions"]:
                problems.append("no instruction count for %s/%s" % (group, case))
    for name in ("lookup_hit/dlsym", "lookup_hit/get", "lookup_miss/dlsym",
                 "lookup_miss/get_error_code", "load_fresh/dlopen_dlclose",
                 "load_loaded/dlopen_dlclose"):
        if name not in names:
            problems.append("no time for " + name)
    for compiler, c in results["compile"].items():
        if "ctypes" not in c["seconds"] or "dlfcn" not in c["seconds"]:
            problems.append("no compile time for " + compiler)
    if not results["compile"]:
        problems.append("no compiler measured")
    return problems


def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f µs" % (ns / 1e3)
    if ns >= 100:
        return "%.0f ns" % ns
    return "%.2f ns" % ns


def fmt_ratio(r):
    return "–" if r is None else "%.2f×" % r


def fmt_cv(cv):
    return "–" if cv is None else "%.1f%%" % (100 * cv)


def fmt_instr(i):
    if i is None:
        return "–"
    return "%.0f" % i if i >= 100 else "%.1f" % i


def fmt_delta(d):
    if d is None:
        return "–"
    return "%+.0f" % d if abs(d) >= 100 else "%+.1f" % d


def ordered_cases(results, group):
    cases = [b for b in results["benchmarks"] if b["group"] == group]
    rank = {c: i for i, c in enumerate(CALL_ORDER)}
    return sorted(cases, key=lambda b: rank.get(b["case"], len(rank)))


def machine_lines(results):
    m = results["machine"]
    s = results["settings"]
    ctx = m.get("benchmark_context") or {}
    lines = [
        "- **Date:** %s; the whole run took %s s." % (m["date"], m.get("duration_s", "?")),
        "- **CPU:** %s, %s logical cores%s; load average %s at the start, %s at the end "
        "(the machine is shared: see *Noise* below)." % (
            m["cpu"], m["cores"],
            ", %s MHz" % ctx["mhz_per_cpu"] if ctx.get("mhz_per_cpu") else "",
            m.get("loadavg_start"), m.get("loadavg_end")),
        "- **System:** %s, %s." % (m["kernel"], m.get("libc") or "libc unknown"),
        "- **Compilers:** benchmarks built with `%s` (%s build, against %s); compile times with "
        "`%s` and `%s`." % (m["cxx"], m.get("build_type") or "?", m.get("built_against") or "?",
                            m.get("gxx"), m.get("clangxx")),
        "- **Peers:** Boost %s, libffi %s, Google Benchmark %s (%s library build), Python %s, "
        "%s." % (m.get("boost") or "absent", m.get("libffi") or "?",
                 m.get("google_benchmark") or "?", ctx.get("library_build_type") or "?",
                 m.get("python"), m.get("valgrind") or "no valgrind"),
        "- **Settings:** times are medians of %d repetitions of at least %g s each (CPU time "
        "per call), cv is their coefficient of variation; instructions are callgrind's counts, "
        "(I(%d) − I(%d)) / %d calls for C++ and (I(%d) − I(%d)) / %d for Python; compile times "
        "are the least CPU time of %d runs." % (
            s["repetitions"], s["min_time"], s["callgrind_n"][1], s["callgrind_n"][0],
            s["callgrind_n"][1] - s["callgrind_n"][0], s["python_callgrind_n"][1],
            s["python_callgrind_n"][0],
            s["python_callgrind_n"][1] - s["python_callgrind_n"][0], s["compile_repetitions"]),
    ]
    if s.get("smoke"):
        lines.insert(0, "- **SMOKE RUN:** every step for a moment only; these numbers are not "
                        "measurements.")
    for skipped in results.get("skipped", []):
        lines.append("- **Skipped:** " + skipped)
    return lines


def call_table(results):
    base = baselines(results)
    instr = results["instructions"]
    out = ["| function | case | time/call | × raw | cv | instructions/call | Δ vs raw |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for group in (g for g in ALL_CALL_GROUPS if g in base):
        b = base.get(group)
        b_instr = instr.get(group + "/raw_pointer")
        for c in ordered_cases(results, group):
            i = instr.get(c["name"])
            out.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (
                group[len("call_"):], CASE_TEXT.get(c["case"], c["case"]), fmt_ns(c["ns"]),
                fmt_ratio(c["ns"] / b["ns"] if b else None), fmt_cv(c.get("cv")), fmt_instr(i),
                fmt_delta(i - b_instr if i is not None and b_instr is not None else None)))
    return out


def other_table(results):
    base = baselines(results)
    instr = results["instructions"]
    out = ["| group | case | time | × baseline | cv | instructions | × baseline |",
           "|---|---|---:|---:|---:|---:|---:|"]
    first = {}  # each group's rows together, groups in the order they were measured
    for i, c in enumerate(results["benchmarks"]):
        first.setdefault(c["group"], i)
    for c in sorted(results["benchmarks"], key=lambda c: first[c["group"]]):
        if c["group"] in ALL_CALL_GROUPS:
            continue
        b = base.get(c["group"])
        i = instr.get(c["name"])
        bi = instr.get(b["name"]) if b else None
        out.append("| `%s` | `%s`%s | %s | %s | %s | %s | %s |" % (
            c["group"], c["case"], " (baseline)" if c.get("baseline") else "", fmt_ns(c["ns"]),
            fmt_ratio(c["ns"] / b["ns"] if b else None), fmt_cv(c.get("cv")), fmt_instr(i),
            fmt_ratio(i / bi if i is not None and bi else None)))
    return out


def compile_table(results):
    out = ["| `#include` | " + " | ".join("%s CPU s | × Boost.DLL" % c for c in results["compile"])
           + " |", "|---|" + "---:|---:|" * len(results["compile"])]
    labels = {"dlfcn": "`<dlfcn.h>` alone",
              "std_used": "the standard and system headers ctypes-cpp includes, alone",
              "ctypes": "`<ctypes/ctypes.hpp>`", "boost_dll": "`<boost/dll.hpp>`"}
    for key in ("dlfcn", "std_used", "ctypes", "boost_dll"):
        cells = []
        for c in results["compile"].values():
            t = c["seconds"].get(key)
            boost = c["seconds"].get("boost_dll")
            cells += ["–" if t is None else "%.3f" % t,
                      fmt_ratio(t / boost if t is not None and boost else None)]
        out.append("| %s | %s |" % (labels[key], " | ".join(cells)))
    return out


def handle_sizes(results):
    """{handle: sizeof} for the rows of ctypes_bench_sizes' table that carry a target."""
    out = {}
    for line in (results.get("sizes") or "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("target %d" % TARGET_HANDLE_BYTES):
            out[cells[0]] = int(cells[1])
    return out


def runtime_table(results):
    """Instructions per call of every call group, one column per way of calling."""
    instr = results["instructions"]
    cases = [c for c in ("raw_pointer", "cdll", "libffi", "dynamic_call", "dynamic",
                         "dynamic_call_libffi", "dynamic_libffi", "python_ctypes", "python_cffi")
             if any(g + "/" + c in instr for g in ALL_CALL_GROUPS)]
    heads = {"raw_pointer": "raw pointer", "cdll": "`CDLL`", "libffi": "`ffi_call`",
             "dynamic_call": "`call<R>`", "dynamic": "`f(args...)`",
             "dynamic_call_libffi": "`call<R>`, libffi", "dynamic_libffi": "`f(args...)`, libffi",
             "python_ctypes": "Python ctypes", "python_cffi": "cffi"}
    out = ["| function | " + " | ".join(heads[c] for c in cases) + " |",
           "|---|" + "---:|" * len(cases)]
    for group in ALL_CALL_GROUPS:
        if not any(group + "/" + c in instr for c in cases):
            continue
        out.append("| %s | %s |" % (FUNCTION_TEXT[group], " | ".join(
            fmt_instr(instr.get(group + "/" + c)) for c in cases)))
    return out


def over(ratio, target):
    percent = 100 * (ratio / target - 1)
    return "by %.*f%%: %.3f× against %.2f×" % (0 if percent >= 10 else 1, percent, ratio, target)


def verdict(met, miss_text):
    return "met" if met else "**missed** " + miss_text


def targets(results):
    names = by_name(results)
    base = baselines(results)
    instr = results["instructions"]
    rows = []

    deltas = {g: instr[g + "/cdll"] - instr[g + "/raw_pointer"] for g in CALL_GROUPS
              if g + "/cdll" in instr and g + "/raw_pointer" in instr}
    if deltas:
        worst = max(deltas.values())
        rows.append(("`CDLL` call within %d instruction of the raw pointer" % TARGET_CALL_INSTR,
                     ", ".join("%s %+.1f" % (g[5:], d) for g, d in deltas.items()),
                     verdict(worst <= TARGET_CALL_INSTR + 0.05,
                             "by %.1f instructions" % (worst - TARGET_CALL_INSTR))))
    else:
        rows.append(("`CDLL` call within 1 instruction of the raw pointer", "not measured",
                     "not measured (no callgrind)"))

    ratios = {g: names[g + "/cdll"]["ns"] / base[g]["ns"] for g in CALL_GROUPS
              if g + "/cdll" in names and g in base}
    worst = max(ratios.values())
    rows.append(("`CDLL` call within 5% of the raw pointer's time",
                 ", ".join("%s %.2f×" % (g[5:], r) for g, r in ratios.items()),
                 verdict(worst <= TARGET_CALL_TIME,
                         "in %d of %d: worst %.2f× against %.2f× (see *Noise*)" % (
                             sum(r > TARGET_CALL_TIME for r in ratios.values()), len(ratios),
                             worst, TARGET_CALL_TIME))))

    errno_deltas = {g: instr[g + "/cdll_use_errno"] - instr[g + "/cdll"] for g in CALL_GROUPS
                    if g + "/cdll_use_errno" in instr and g + "/cdll" in instr}
    if errno_deltas:
        worst = max(errno_deltas.values())
        vs_raw = {g: instr[g + "/cdll_use_errno"] - instr[g + "/raw_pointer"] for g in errno_deltas}
        rows.append(("`use_errno` within +%d instructions of the `CDLL` call" % TARGET_ERRNO_INSTR,
                     ", ".join("%s %+.1f" % (g[5:], d) for g, d in errno_deltas.items()) +
                     " (vs the raw pointer: " +
                     ", ".join("%s %+.1f" % (g[5:], d) for g, d in vs_raw.items()) + ")",
                     verdict(worst <= TARGET_ERRNO_INSTR + 0.05,
                             "by %.1f instructions" % (worst - TARGET_ERRNO_INSTR))))
    pic = {k: instr.get("pic_call_add/" + k) for k in ("raw_pointer", "cdll", "cdll_use_errno")}
    if None not in pic.values():
        d = pic["cdll_use_errno"] - pic["cdll"]
        rows.append(("`use_errno` within +%d instructions of the `CDLL` call, inside a `-fPIC` "
                     "shared object" % TARGET_ERRNO_INSTR,
                     "add %+.1f (%s against %s; the raw pointer %s)" % (
                         d, fmt_instr(pic["cdll_use_errno"]), fmt_instr(pic["cdll"]),
                         fmt_instr(pic["raw_pointer"])),
                     verdict(d <= TARGET_ERRNO_INSTR + 0.05,
                             "by %.1f instructions" % (d - TARGET_ERRNO_INSTR))))

    whats = {"lookup_hit": "hit", "lookup_hit_libc": "hit in libc",
             "lookup_miss": "miss, `error_code&` form"}
    for group, case in (("lookup_hit", "get"), ("lookup_hit_libc", "get"),
                        ("lookup_miss", "get_error_code")):
        c, b = names.get(group + "/" + case), base.get(group)
        what = whats[group]
        target = TARGET_LOOKUP_MISS if group == "lookup_miss" else TARGET_LOOKUP
        if c and b:
            r = c["ns"] / b["ns"]
            rows.append(("`get<Sig>` within %.1f× `dlsym` (%s), time" % (target, what),
                         "%.2f× (%s vs %s)" % (r, fmt_ns(c["ns"]), fmt_ns(b["ns"])),
                         verdict(r <= target, over(r, target))))
        ci, bi = instr.get(group + "/" + case), instr.get(group + "/dlsym")
        if ci is not None and bi:
            r = ci / bi
            rows.append(("`get<Sig>` within %.1f× `dlsym` (%s), instructions" % (
                target, what), "%.2f× (%s vs %s)" % (r, fmt_instr(ci), fmt_instr(bi)),
                verdict(r <= target, over(r, target))))

    sorts = {k: instr.get("qsort/" + k) for k in (
        "plain_c", "plain_c_with_state", "stateless_lambda", "capturing_thunk_only",
        "capturing_lambda")}
    if sorts["plain_c"] and sorts["capturing_lambda"] is not None:
        r = sorts["capturing_lambda"] / sorts["plain_c"]
        others = ", ".join("%s %.2f×" % (text, sorts[k] / sorts["plain_c"]) for k, text in (
            ("plain_c_with_state", "a C comparator reading its state from a global"),
            ("stateless_lambda", "a stateless lambda"),
            ("capturing_thunk_only", "the capturing thunk alone")) if sorts[k] is not None)
        rows.append(("capturing lambda as a `qsort` comparator within %.2f× a C comparator, "
                     "instructions per sort" % TARGET_QSORT,
                     "%.2f× (%s vs %s); %s" % (r, fmt_instr(sorts["capturing_lambda"]),
                                              fmt_instr(sorts["plain_c"]), others),
                     verdict(r <= TARGET_QSORT, over(r, TARGET_QSORT))))

    ours, python = names.get("find_library/z"), names.get("find_library/python_ctypes_util")
    if ours and python:
        r = python["ns"] / ours["ns"]
        rows.append(("`find_library(\"z\")` at least %d× faster than Python's "
                     "`ctypes.util.find_library(\"z\")`, time" % TARGET_FIND_LIBRARY,
                     "%.0f× (%s vs %s)" % (r, fmt_ns(ours["ns"]), fmt_ns(python["ns"])),
                     verdict(r >= TARGET_FIND_LIBRARY, "by %.0f×: %.0f× against %d×" % (
                         TARGET_FIND_LIBRARY - r, r, TARGET_FIND_LIBRARY))))

    handles = handle_sizes(results)
    if handles:
        worst = max(handles.values())
        rows.append(("`function`, `variable` and `owned_ptr` at most %d bytes each (64-bit)" %
                     TARGET_HANDLE_BYTES,
                     ", ".join("%s %d" % kv for kv in handles.items()),
                     verdict(worst <= TARGET_HANDLE_BYTES, "by %d bytes" % (
                         worst - TARGET_HANDLE_BYTES))))

    # Each group's instructions for `case` against bare ffi_call, as one target row.
    def against_ffi_call(case, groups, target, text):
        ratios = {g: instr[g + "/" + case] / instr[g + "/libffi"] for g in groups
                  if instr.get(g + "/" + case) is not None and instr.get(g + "/libffi")}
        if ratios:
            worst = max(ratios.values())
            rows.append((text % target, ", ".join("%s %.3f×" % (g[5:], r)
                                                  for g, r in ratios.items()),
                         verdict(worst <= target, over(worst, target))))

    against_ffi_call("dynamic_call", REGISTER_ONLY, TARGET_FAST_PATH,
                     "`dynamic_function::call<R>` on the fast path within %.2f× `ffi_call` "
                     "(register-only signatures), instructions")
    for case, what in (("dynamic_call_libffi", "`call<R>`"), ("dynamic_libffi", "`f(args...)`")):
        against_ffi_call(case, ALL_CALL_GROUPS, TARGET_LIBFFI_PATH,
                         "`dynamic_function` " + what + " through libffi within %.2f× "
                         "`ffi_call`, instructions")

    for compiler, c in results["compile"].items():
        t, boost = c["seconds"].get("ctypes"), c["seconds"].get("boost_dll")
        if t is not None and boost:
            r = t / boost
            rows.append(("`<ctypes/ctypes.hpp>` under %.1f× `<boost/dll.hpp>` (%s)" % (
                TARGET_COMPILE, compiler), "%.2f× (%.3f s vs %.3f s)" % (r, t, boost),
                verdict(r < TARGET_COMPILE, over(r, TARGET_COMPILE))))
    out = ["| target | measured | verdict |", "|---|---|---|"]
    out += ["| %s | %s | %s |" % row for row in rows]
    return out


def render(results):
    lines = [BEGIN, "<!-- Written by bench/report.py from a real run; do not edit by hand. -->",
             "", "### Machine", ""] + machine_lines(results)
    lines += ["", "### Targets", ""] + targets(results)
    lines += ["", "### Calls", "",
              "Ratios and Δ are against the raw `dlsym` pointer of the same function. Each "
              "iteration is one call plus the loop and a compiler barrier, the same for every "
              "case.", ""] + call_table(results)
    if results["instructions"]:
        lines += ["", "### Runtime-typed calls, instructions per call", "",
                  "`dynamic_function`s from `lib.get_dynamic(name, declaration)`, called through "
                  "the typed entry `call<R>(args...)` and as `f(args...)` (a `ctypes::value`), on "
                  "the default engine (the fast path where the signature is register-only) and "
                  "on the `via_libffi()` copy; libffi's `ffi_call` with a cif prepared once.",
                  ""] + runtime_table(results)
    lines += ["", "### Lookups and loads", ""] + other_table(results)
    lines += ["", "### Compile time (`-std=c++17 -fsyntax-only`)", ""] + compile_table(results)
    if results.get("sizes"):
        lines += ["", "### Memory (`ctypes_bench_sizes`)", ""] + results["sizes"].strip().splitlines()
    lines += ["", END]
    return "\n".join(lines) + "\n"


def write(results, path):
    section = render(results)
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# ctypes-cpp benchmark results\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + section.rstrip("\n") + tail)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        results = json.load(f)
    problems = check(results)
    if problems:
        sys.exit("report: incomplete results:\n  " + "\n  ".join(problems))
    write(results, sys.argv[2])


if __name__ == "__main__":
    main()
