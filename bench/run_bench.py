"""ctypes-cpp benchmarks: run every measurement and write the report.

Run by the `run_bench` and `bench_smoke` targets (bench/CMakeLists.txt), which pass every path;
`cmake --workflow --preset bench` is the documented way in. Steps:

1. each Google Benchmark executable (times; medians of repetitions, CPU time);
2. python_calls.py under the same Python: ctypes and cffi timings;
3. under `valgrind --tool=callgrind`: ctypes_bench_callgrind and python_calls.py, giving
   instructions per call as (I(n2) - I(n1)) / (n2 - n1) from the dumps their marks trigger;
4. compile times of `#include <ctypes/ctypes.hpp>`, `<dlfcn.h>` and `<boost/dll.hpp>` with
   -fsyntax-only, g++ and clang++: the least CPU time (user + sys) of several runs;
5. ctypes_bench_sizes: sizeof of the public handles and a library's heap bytes (its tables);
6. results.json, then report.py's tables into README.md between its result markers.

Exits non-zero when any step fails or a result that the report needs is missing.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    print("run_bench: " + message, file=sys.stderr)
    sys.exit(1)


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def boost_version(include):
    if not include:
        return None
    try:
        with open(os.path.join(include, "boost", "version.hpp")) as f:
            m = re.search(r'#define BOOST_LIB_VERSION "([^"]+)"', f.read())
            return m.group(1).replace("_", ".") if m else None
    except OSError:
        return None


def pkg_version(name):
    if not shutil.which("pkg-config"):
        return None
    out = subprocess.run(["pkg-config", "--modversion", name], capture_output=True, text=True)
    return out.stdout.strip() or None


def machine(args):
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "kernel": platform.system() + " " + platform.release(),
        "libc": " ".join(os.confstr("CS_GNU_LIBC_VERSION").split())
        if "CS_GNU_LIBC_VERSION" in os.confstr_names else None,
        "cxx": first_line([args.cxx, "--version"]),
        "gxx": first_line([args.gxx, "--version"]) if args.gxx else None,
        "clangxx": first_line([args.clangxx, "--version"]) if args.clangxx else None,
        "python": "%s %s" % (sys.executable, platform.python_version()),
        "valgrind": first_line([args.valgrind, "--version"]) if args.valgrind else None,
        "boost": boost_version(args.boost_include),
        "libffi": pkg_version("libffi"),
        "google_benchmark": pkg_version("benchmark"),
        "build_type": args.build_type,
        "built_against": args.built_against,
        "loadavg_start": loadavg(),
    }


# --- 1. Google Benchmark -----------------------------------------------------------------------

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def run_benchmarks(exe, settings, out_dir):
    out = os.path.join(out_dir, os.path.basename(exe) + ".json")
    cmd = [exe, "--benchmark_out=" + out, "--benchmark_out_format=json",
           "--benchmark_min_time=%g" % settings["min_time"]]
    if settings["repetitions"] > 1:
        cmd += ["--benchmark_repetitions=%d" % settings["repetitions"],
                "--benchmark_report_aggregates_only=true"]
    print("run_bench: " + " ".join(cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        fail(os.path.basename(exe) + " failed")
    with open(out) as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        entry = runs.setdefault(name, {"name": name, "source": os.path.basename(exe)})
        if b.get("error_occurred"):
            fail("%s: %s" % (name, b.get("error_message")))
        ns = b["cpu_time"] * TO_NS[b.get("time_unit", "ns")]
        if b.get("label") == "baseline":
            entry["baseline"] = True
        kind = b.get("aggregate_name") if b.get("run_type") == "aggregate" else "single"
        if kind == "median" or kind == "single":
            entry["ns"] = ns
        elif kind == "cv":
            entry["cv"] = b["cpu_time"]  # a ratio, whatever the unit says
    for entry in runs.values():
        group, _, case = entry["name"].partition("/")
        entry["group"], entry["case"] = group, case
        if "ns" not in entry:
            fail(entry["name"] + ": no median in the benchmark output")
    return list(runs.values()), data.get("context", {})


# --- 2. Python ---------------------------------------------------------------------------------

def run_python_times(args, settings):
    cmd = [sys.executable, os.path.join(HERE, "python_calls.py"), "time", "--fixture",
           args.fixture, "--min-time", str(settings["python_min_time"]),
           "--repetitions", str(settings["repetitions"])]
    print("run_bench: " + " ".join(cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        fail("python_calls.py failed:\n" + out.stderr)
    data = json.loads(out.stdout)
    skipped = [data.pop("skipped")] if "skipped" in data else []
    runs = []
    for group, cases in data.items():
        for case, r in cases.items():
            runs.append({"name": group + "/" + case, "group": group, "case": case,
                         "ns": r["ns"], "cv": r["cv"], "source": "python_calls.py"})
    return runs, skipped


# --- 3. callgrind ------------------------------------------------------------------------------

TRIGGER = "desc: Trigger: Client Request: "


def callgrind(args, cmd):
    """Runs cmd under callgrind; returns {case: instructions per iteration}, from the two runs
    of each case that cmd marked as `<case>@<iterations>`."""
    with tempfile.TemporaryDirectory(prefix="ctypes-bench-cg-") as d:
        full = [args.valgrind, "--tool=callgrind", "--callgrind-out-file=" + os.path.join(d, "cg"),
                "--dump-instr=no", "--compress-strings=no", "--compress-pos=no"] + cmd
        print("run_bench: " + " ".join(full), flush=True)
        out = subprocess.run(full, capture_output=True, text=True)
        if out.returncode != 0:
            fail("callgrind run failed:\n" + out.stderr[-4000:])
        counts = {}
        for name in os.listdir(d):
            label = total = None
            with open(os.path.join(d, name)) as f:
                for line in f:
                    if line.startswith(TRIGGER):
                        label = line[len(TRIGGER):].strip()
                    elif line.startswith("summary: "):
                        total = int(line.split()[1])
                        break
            if label and "@" in label and total is not None:
                counts[label] = total
    runs = {}
    for label, total in counts.items():
        case, _, n = label.rpartition("@")
        runs.setdefault(case, {})[int(n)] = total
    result = {}
    for case, by_n in runs.items():
        if len(by_n) != 2:
            fail("callgrind: %s has %d marked runs, not 2" % (case, len(by_n)))
        (a, ia), (b, ib) = sorted(by_n.items())
        result[case] = (ib - ia) / float(b - a)
    if not result:
        fail("callgrind: no marked dumps in the output of " + " ".join(cmd))
    return result


# --- 4. compile times --------------------------------------------------------------------------

# std_used: the standard and system headers ctypes-cpp's headers include, alone: what of the
# umbrella header's time is the library's own.
STD_USED = ("atomic", "cerrno", "cstddef", "cstdint", "cstdio", "cstdlib", "cstring", "memory",
            "optional", "stdexcept", "string", "string_view", "system_error", "type_traits",
            "utility", "vector", "dlfcn.h", "fcntl.h", "limits.h", "link.h", "pthread.h",
            "sys/auxv.h", "sys/mman.h", "sys/stat.h", "unistd.h")
HEADERS = [("dlfcn", "<dlfcn.h>"), ("std_used", " ".join("<%s>" % h for h in STD_USED)),
           ("ctypes", "<ctypes/ctypes.hpp>"), ("boost_dll", "<boost/dll.hpp>")]


def cpu_seconds(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        fail("compile failed: %s\n%s" % (" ".join(cmd), err))
    return usage.ru_utime + usage.ru_stime


def compile_times(args, settings):
    includes = ["-I" + i for i in args.include]
    if args.boost_include:
        includes.append("-I" + args.boost_include)
    headers = [h for h in HEADERS if h[0] != "boost_dll" or args.boost_include]
    result = {}
    with tempfile.TemporaryDirectory(prefix="ctypes-bench-cc-") as d:
        sources = {}
        for key, header in headers:
            sources[key] = os.path.join(d, key + ".cpp")
            with open(sources[key], "w") as f:
                f.write("".join("#include %s\n" % h for h in header.split()))
        for compiler in (c for c in (args.gxx, args.clangxx) if c):
            name = os.path.basename(compiler)
            best = {}
            for _ in range(settings["compile_repetitions"]):  # interleaved: noise hits all alike
                for key, _header in headers:
                    cmd = [compiler, "-std=c++17", "-fsyntax-only"] + includes + [sources[key]]
                    t = cpu_seconds(cmd)
                    best[key] = min(best.get(key, t), t)
            result[name] = {"seconds": best, "version": first_line([compiler, "--version"])}
            print("run_bench: compile %s: %s" % (
                name, ", ".join("%s %.3f s" % kv for kv in best.items())), flush=True)
    return result


# --- main --------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--benchmarks", nargs="+", required=True)
    p.add_argument("--fixture", required=True)
    p.add_argument("--include", nargs="+", required=True, help="ctypes-cpp include directories")
    p.add_argument("--cxx", required=True)
    p.add_argument("--gxx")
    p.add_argument("--clangxx")
    p.add_argument("--boost-include")
    p.add_argument("--driver")
    p.add_argument("--marks")
    p.add_argument("--valgrind")
    p.add_argument("--sizes", help="ctypes_bench_sizes, which prints the memory tables")
    p.add_argument("--built-against", default="")
    p.add_argument("--build-type", default="")
    p.add_argument("--readme", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--smoke", action="store_true", help="every step for a moment (CI)")
    args = p.parse_args()
    args.include = [i for i in args.include if i]
    args.gxx = args.gxx if args.gxx and not args.gxx.endswith("-NOTFOUND") else None
    args.clangxx = args.clangxx if args.clangxx and not args.clangxx.endswith("-NOTFOUND") else None

    if args.smoke:
        settings = {"min_time": 0.01, "repetitions": 1, "python_min_time": 0.01,
                    "callgrind_n": [1000, 2000], "python_callgrind_n": [100, 200],
                    "compile_repetitions": 1, "smoke": True}
    else:
        settings = {"min_time": 0.2, "repetitions": 5, "python_min_time": 0.2,
                    "callgrind_n": [100000, 200000], "python_callgrind_n": [2000, 4000],
                    "compile_repetitions": 7, "smoke": False}

    results = {"machine": machine(args), "settings": settings, "skipped": [],
               "benchmarks": [], "instructions": {}, "compile": {}, "sizes": None}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="ctypes-bench-") as out_dir:
        for exe in args.benchmarks:
            runs, context = run_benchmarks(exe, settings, out_dir)
            results["benchmarks"] += runs
            results["machine"].setdefault("benchmark_context", {
                k: context.get(k) for k in ("num_cpus", "mhz_per_cpu", "cpu_scaling_enabled",
                                            "library_build_type")})
    runs, skipped = run_python_times(args, settings)
    results["benchmarks"] += runs
    results["skipped"] += skipped

    if args.driver and args.valgrind and args.marks:
        n1, n2 = settings["callgrind_n"]
        results["instructions"].update(callgrind(args, [args.driver, str(n1), str(n2)]))
        n1, n2 = settings["python_callgrind_n"]
        results["instructions"].update(callgrind(
            args, [sys.executable, os.path.join(HERE, "python_calls.py"), "callgrind",
                   "--fixture", args.fixture, "--marks", args.marks,
                   "--n1", str(n1), "--n2", str(n2)]))
    else:
        results["skipped"].append("instruction counts: valgrind or valgrind/callgrind.h missing")
        if args.driver:  # still check that every case runs
            if subprocess.run([args.driver, "10", "20"]).returncode != 0:
                fail("ctypes_bench_callgrind failed")

    results["compile"] = compile_times(args, settings)
    if args.sizes:
        print("run_bench: " + args.sizes, flush=True)
        out = subprocess.run([args.sizes], capture_output=True, text=True)
        if out.returncode != 0:
            fail("ctypes_bench_sizes failed:\n" + out.stderr)
        results["sizes"] = out.stdout
    if not args.boost_include:
        results["skipped"].append("Boost.DLL: not found at configure time (libboost-dev, "
                                  "libboost-filesystem-dev)")
    results["machine"]["loadavg_end"] = loadavg()
    results["machine"]["duration_s"] = round(time.time() - started)

    problems = report.check(results)
    if problems:
        fail("incomplete results:\n  " + "\n  ".join(problems))
    with open(args.results, "w") as f:
        json.dump(results, f, indent=1)
    report.write(results, args.readme)
    print("run_bench: results in %s, report in %s" % (args.results, args.readme))


if __name__ == "__main__":
    main()
