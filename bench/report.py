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
CALL_ORDER = ("direct", "raw_pointer", "std_function", "cdll", "cdll_use_errno", "libffi",
              "dynamic", "dynamic_libffi", "boost_dll", "python_ctypes", "python_cffi")
CASE_TEXT = {
    "direct": "direct call (linked, through the PLT)",
    "raw_pointer": "raw `dlsym` pointer",
    "std_function": "`std::function` holding the pointer",
    "cdll": "ctypes-cpp `CDLL` function",
    "cdll_use_errno": "ctypes-cpp `CDLL` function, `use_errno`",
    "libffi": "libffi `ffi_call`, prepared cif",
    "dynamic": "ctypes-cpp `dynamic_function` (fast path where it applies)",
    "dynamic_libffi": "ctypes-cpp `dynamic_function`, through libffi",
    "boost_dll": "Boost.DLL `import`",
    "python_ctypes": "Python ctypes",
    "python_cffi": "Python cffi (ABI mode)",
}
TARGET_CALL_INSTR = 1
TARGET_CALL_TIME = 1.05
TARGET_ERRNO_INSTR = 10
TARGET_LOOKUP = 1.2
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
    for group in CALL_GROUPS:
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
    for c in results["benchmarks"]:
        if c["group"] in CALL_GROUPS:
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


def over(ratio, target):
    return "by %.0f%%: %.2f× against %.2f×" % (100 * (ratio / target - 1), ratio, target)


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

    whats = {"lookup_hit": "hit", "lookup_hit_libc": "hit in libc",
             "lookup_miss": "miss, `error_code&` form"}
    for group, case in (("lookup_hit", "get"), ("lookup_hit_libc", "get"),
                        ("lookup_miss", "get_error_code")):
        c, b = names.get(group + "/" + case), base.get(group)
        what = whats[group]
        if c and b:
            r = c["ns"] / b["ns"]
            rows.append(("`get<Sig>` within %.1f× `dlsym` (%s), time" % (TARGET_LOOKUP, what),
                         "%.2f× (%s vs %s)" % (r, fmt_ns(c["ns"]), fmt_ns(b["ns"])),
                         verdict(r <= TARGET_LOOKUP, over(r, TARGET_LOOKUP))))
        ci, bi = instr.get(group + "/" + case), instr.get(group + "/dlsym")
        if ci is not None and bi:
            r = ci / bi
            rows.append(("`get<Sig>` within %.1f× `dlsym` (%s), instructions" % (
                TARGET_LOOKUP, what), "%.2f× (%s vs %s)" % (r, fmt_instr(ci), fmt_instr(bi)),
                verdict(r <= TARGET_LOOKUP, over(r, TARGET_LOOKUP))))

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
    lines += ["", "### Lookups and loads", ""] + other_table(results)
    lines += ["", "### Compile time (`-std=c++17 -fsyntax-only`)", ""] + compile_table(results)
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
