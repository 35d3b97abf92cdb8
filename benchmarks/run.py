"""transpile against numpy, numexpr, PyTensor, JAX and PyTorch on the workloads of issues 4, 5, 11 and 12.

    python benchmarks/run.py [--quick] [--only NAME[,NAME...]] [--runs N] [--no-plot]

NAME is a workload (fused softmax mlp sgemm overhead cold cholesky solve inv_batched rnn lstm) or an
engine (transpile transpile-fc numpy numexpr pytensor jax torch torch.compile); --only may be
repeated. Each (workload, engine) pair runs in a fresh process (`run.py --worker WORKLOAD ENGINE`),
on the same seeded inputs (benchmarks/workloads.py); its first result is checked with allclose
against numpy, then, after a warm-up, the median of several timed runs is reported. The table is
printed and written to benchmarks/results/latest.json (with --only, merged into the previous file),
and the ratios are plotted to benchmarks/results/latest.png when matplotlib is installed. Engines
that are not installed are skipped with a message (`pip install -e '.[bench]'` installs them all).

Ratios are transpile's time divided by the engine's: below 1, transpile is faster.
"""
import argparse
import datetime
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import engines  # noqa: E402
from workloads import WORKLOADS, check, data, flops, reference  # noqa: E402

RESULTS = HERE / "results"
MARK = "BENCH-RESULT "
BASE = "transpile"

# (workload, peer, comparison, bound, what the issue asks); peer None with "time": the fastest
# other engine (transpile-fc aside)
TARGETS = [
    ("fused", "torch.compile", "time", 0.35, "fused elementwise <= 0.35x torch.compile (issue 5)"),
    ("softmax", "torch", "time", 1.0, "row softmax <= 1.0x torch eager (issue 5)"),
    ("mlp", "jax", "time", 0.9, "MLP SGD step <= 0.9x JAX (issue 5)"),
    ("sgemm", "numpy", "gflops", 0.95, "sgemm >= 0.95x numpy GFLOP/s (issue 5)"),
    ("overhead", None, "abs", 1.5e-6, "call overhead <= 1.5 us (issue 4)"),
    ("cold", None, "cold", 3.0, "cold function()+first call of the MLP step <= 3 s (issue 4)"),
    ("cold", None, "warm", 0.2, "warm (new process) function()+first call <= 0.2 s (issue 4)"),
    ("cholesky", None, "time", 1.0, "Cholesky 1024 float64 <= 1.0x the best engine (issue 12)"),
    ("solve", None, "time", 1.0, "solve 1024 float64 <= 1.0x the best engine (issue 12)"),
    ("inv_batched", None, "time", 1.0, "batched inverse 64x64x64 float64 <= 1.0x the best engine (issue 12)"),
    ("rnn", None, "time", 0.8, "tanh RNN forward+backward <= 0.8x the best engine (issue 11)"),
    ("lstm", None, "time", 0.8, "LSTM forward+backward <= 0.8x the best engine (issue 11)"),
]


# -- worker: one (workload, engine) pair in this process ----------------------------------------------
def worker(workload, engine, runs, cachedir):
    module = engines.module_of(engine)
    module.configure(engine, cachedir)
    w = WORKLOADS[workload]
    d = data(workload)
    want = reference(workload, d)
    t0 = time.perf_counter()
    importlib.import_module(module.LIBRARY)
    t1 = time.perf_counter()
    try:
        run, fetch = module.make(engine, workload, d)
    except engines.NotApplicable as err:
        return {"status": "n/a", "reason": str(err) or f"{engine} has no {workload}"}
    t2 = time.perf_counter()
    first = run()
    t3 = time.perf_counter()
    problem = check(workload, fetch(first), want)
    result = {"status": "ok" if problem is None else "mismatch", "check": problem or "allclose",
              "import_s": t1 - t0, "make_s": t2 - t1, "first_call_s": t3 - t2, "make_and_first_call_s": t3 - t1}
    if workload == "cold":
        result["median_s"] = t3 - t1
        return result
    for _ in range(w.warmup):
        run()
    samples = []
    for _ in range(runs):
        s = time.perf_counter()
        for _ in range(w.number):
            run()
        samples.append((time.perf_counter() - s) / w.number)
    result.update(median_s=statistics.median(samples), min_s=min(samples), runs=runs, number=w.number,
                  samples_s=samples)
    if flops(workload):
        result["gflops"] = flops(workload) / result["median_s"] / 1e9
    return result


def worker_main(args):
    try:
        out = worker(args.worker[0], args.worker[1], args.runs, args.cachedir)
    except Exception as err:  # noqa: BLE001  reported in the table, never a crash of the whole run
        import traceback
        traceback.print_exc()
        out = {"status": "error", "reason": f"{type(err).__name__}: {err}".splitlines()[0][:300]}
    print(MARK + json.dumps(out), flush=True)


# -- driver ---------------------------------------------------------------------------------------
def spawn(workload, engine, runs, cachedir=None, timeout=1200):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", workload, engine, "--runs", str(runs)]
    if cachedir:
        cmd += ["--cachedir", cachedir]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {timeout} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"status": "error", "reason": f"worker exited {proc.returncode}: {tail[:300]}"}
    out = json.loads(lines[-1][len(MARK):])
    out.update(load_before=load, load_after=os.getloadavg()[0], process_s=time.perf_counter() - t0)
    if out["status"] == "error":
        sys.stderr.write(proc.stderr[-3000:])
    return out


def measure(workload, engine, runs):
    if workload != "cold":
        return spawn(workload, engine, runs)
    with tempfile.TemporaryDirectory(prefix=f"bench-cold-{engine}-") as cachedir:
        cold = spawn(workload, engine, 1, cachedir)
        if cold["status"] != "ok":
            return cold
        warm = spawn(workload, engine, 1, cachedir)
    cold["cold_s"] = cold["median_s"]
    cold["warm_s"] = warm.get("median_s")
    cold["warm_import_s"] = warm.get("import_s")
    return cold


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def cell(r, key="median_s"):
    if r is None:
        return "-"
    if r["status"] == "n/a":
        return "n/a"
    if r["status"] != "ok":
        return r["status"]
    return fmt_time(r.get(key))


def ratio(results, workload, engine, key="median_s"):
    base, other = results.get(workload, {}).get(BASE), results.get(workload, {}).get(engine)
    if not base or not other or base.get("status") != "ok" or other.get("status") != "ok":
        return None
    if base.get(key) is None or not other.get(key):
        return None
    return base[key] / other[key]


def table(results, names):
    """Markdown tables: median times, then transpile's time / each engine's."""
    workloads = [w for w in WORKLOADS if w in results]
    cols = [e for e in names if any(e in results[w] for w in workloads)]
    head = "| workload | " + " | ".join(cols) + " |"
    sep = "|---|" + "---:|" * len(cols)
    rows = []
    for w in workloads:
        if w == "cold":
            rows.append("| cold (fresh cache) | " + " | ".join(cell(results[w].get(e), "cold_s") for e in cols) + " |")
            rows.append("| warm (new process) | " + " | ".join(cell(results[w].get(e), "warm_s") for e in cols) + " |")
        else:
            rows.append(f"| {w} | " + " | ".join(cell(results[w].get(e)) for e in cols) + " |")
        if w == "sgemm":
            rows.append("| sgemm GFLOP/s | " + " | ".join(
                f"{results[w][e]['gflops']:.0f}" if results[w].get(e, {}).get("gflops") else "-" for e in cols) + " |")
    rrows = []
    for w in workloads:
        keys = [("cold", "cold_s"), ("warm", "warm_s")] if w == "cold" else [(w, "median_s")]
        for label, key in keys:
            vals = [ratio(results, w, e, key) for e in cols]
            rrows.append(f"| {label} | " + " | ".join("-" if v is None else f"{v:.3g}" for v in vals) + " |")
    return "\n".join([head, sep, *rows, "", "transpile's time / engine's time (below 1: transpile is faster):", "",
                      head, sep, *rrows])


def best_peer(results, workload):
    """The engine (not transpile, not transpile-fc) with the lowest median time on `workload`."""
    ok = [(r["median_s"], e) for e, r in results.get(workload, {}).items()
          if e not in (BASE, "transpile-fc") and r.get("status") == "ok" and r.get("median_s")]
    return min(ok)[1] if ok else None


def targets(results):
    out = []
    for workload, peer, kind, bound, text in TARGETS:
        base = results.get(workload, {}).get(BASE)
        value, verdict = None, "not measured"
        if kind == "time" and peer is None:
            peer = best_peer(results, workload)
            text += f" ({peer})" if peer else ""
        if base and base.get("status") == "ok":
            if kind == "time":
                value = ratio(results, workload, peer)
                if value is not None:
                    verdict = "met" if value <= bound else "missed"
            elif kind == "gflops":
                value = ratio(results, workload, peer)
                if value is not None:
                    value = 1 / value
                    verdict = "met" if value >= bound else "missed"
            else:
                value = base.get({"abs": "median_s", "cold": "cold_s", "warm": "warm_s"}[kind])
                if value is not None:
                    verdict = "met" if value <= bound else "missed"
        out.append({"target": text, "workload": workload, "value": value, "bound": bound, "verdict": verdict})
    # issue 4: FAST_RUN never slower than FAST_COMPILE (run time; compile time is not the point of FAST_COMPILE)
    slower = []
    measured = False
    for workload in results:
        if workload == "cold":
            continue
        r = ratio(results, workload, "transpile-fc")
        if r is not None:
            measured = True
            if r > 1:
                slower.append(f"{workload} ({r:.2f}x)")
    out.append({"target": "FAST_RUN never slower than FAST_COMPILE (issue 4)", "workload": "all",
                "value": ", ".join(slower) or None, "bound": None,
                "verdict": ("missed" if slower else "met") if measured else "not measured"})
    return out


def target_lines(rows):
    lines = []
    for t in rows:
        v = t["value"]
        if isinstance(v, float):
            v = fmt_time(v) if t["workload"] in ("overhead", "cold") else f"{v:.2f}"
        lines.append(f"- {t['verdict'].upper():12s} {t['target']}: {v if v is not None else '-'}")
    return "\n".join(lines)


def plot(results, names, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return None
    rows = []
    for w in WORKLOADS:
        if w not in results:
            continue
        for label, key in ([("cold", "cold_s"), ("warm", "warm_s")] if w == "cold" else [(w, "median_s")]):
            rows.append((label, key, w))
    peers = [e for e in names if e != BASE and any(e in results[w] for _, _, w in rows)]
    fig, ax = plt.subplots(figsize=(9, 0.5 + 0.32 * len(rows) * max(len(peers), 1) / 2.5))
    height = 0.8 / max(len(peers), 1)
    for k, engine in enumerate(peers):
        ys, xs = [], []
        for i, (label, key, w) in enumerate(rows):
            v = ratio(results, w, engine, key)
            if v is not None:
                ys.append(i + k * height)
                xs.append(v)
        ax.barh(ys, xs, height=height, label=engine)
    ax.axvline(1.0, color="black", linewidth=0.8)
    for workload, peer, kind, bound, _ in TARGETS:
        if kind == "time" and peer is None:
            peer = best_peer(results, workload)
        if kind in ("time", "gflops"):
            i = [w for _, _, w in rows].index(workload) if workload in [w for _, _, w in rows] else None
            if i is not None and peer in peers:
                x = bound if kind == "time" else 1 / bound
                y = i + peers.index(peer) * height
                ax.plot([x, x], [y - height / 2, y + height / 2], color="red", linewidth=2)
    ax.set_xscale("log")
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(rows))])
    ax.set_yticklabels([label for label, _, _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("transpile time / engine time (log; < 1: transpile faster; red: issue target)")
    ax.legend(fontsize=8, loc="best")
    ax.set_title("transpile (NATIVE) against other engines")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for lib in ("numpy", "numexpr", "pytensor", "jax", "torch", "matplotlib"):
        try:
            from importlib.metadata import version
            versions[lib] = version(lib)
        except Exception:  # noqa: BLE001
            versions[lib] = None
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "python": sys.version.split()[0],
            "versions": versions}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer timed runs")
    p.add_argument("--only", action="append", default=[], help="workloads and/or engines, comma-separated")
    p.add_argument("--runs", type=int, default=None, help="timed samples per pair (default: per workload)")
    p.add_argument("--no-plot", action="store_true")
    p.add_argument("--out", default=str(RESULTS / "latest.json"))
    p.add_argument("--worker", nargs=2, metavar=("WORKLOAD", "ENGINE"), help=argparse.SUPPRESS)
    p.add_argument("--cachedir", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker_main(args)

    names = engines.engine_names()
    only = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in only if n not in WORKLOADS and n not in names]
    if unknown:
        p.error(f"unknown workload or engine {', '.join(unknown)}; workloads: {' '.join(WORKLOADS)}; engines: {' '.join(names)}")
    workloads = [w for w in WORKLOADS if w in only] or list(WORKLOADS)
    chosen = [e for e in names if e in only] or names
    out_path = Path(args.out)
    previous = json.loads(out_path.read_text()) if only and out_path.exists() else {}
    results = previous.get("results", {})
    started = datetime.datetime.now().isoformat(timespec="seconds")
    uptime_before = os.getloadavg()
    print(f"load average at start: {uptime_before[0]:.2f} {uptime_before[1]:.2f} {uptime_before[2]:.2f} "
          f"({os.cpu_count()} cores)", flush=True)
    for workload in workloads:
        w = WORKLOADS[workload]
        runs = args.runs or (w.quick_runs if args.quick else w.runs)
        for engine in chosen:
            why = engines.module_of(engine).available(engine)
            if why:
                print(f"  skip {engine}: {why}", flush=True)
                results.setdefault(workload, {})[engine] = {"status": "skipped", "reason": why}
                continue
            r = measure(workload, engine, runs)
            results.setdefault(workload, {})[engine] = r
            shown = cell(r, "cold_s" if workload == "cold" else "median_s")
            if workload == "cold" and r.get("status") == "ok":
                shown += f" cold, {fmt_time(r.get('warm_s'))} warm"
            extra = "" if r["status"] == "ok" else f"  ({r.get('reason') or r.get('check')})"
            print(f"{workload:9s} {engine:14s} {shown:>24s}  load {r.get('load_before', 0):.1f}{extra}", flush=True)
    uptime_after = os.getloadavg()
    report = {"machine": machine(), "started": started, "finished": datetime.datetime.now().isoformat(timespec="seconds"),
              "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]), "quick": args.quick,
              "load_average": {"start": previous.get("load_average", {}).get("start", uptime_before) if only else uptime_before,
                               "end": uptime_after},
              "results": results}
    report["targets"] = targets(results)
    text = table(results, names)
    print()
    print(text)
    print()
    print(target_lines(report["targets"]))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    print(f"\nwritten {out_path}")
    if not args.no_plot:
        png = plot(results, names, out_path.with_suffix(".png"))
        if png:
            print(f"written {png}")


if __name__ == "__main__":
    main()
