#!/usr/bin/env python3
"""Runs bench_rnn_cpu (Google Benchmark JSON), pairs each "ours/..." result
with its "libtorch/..." twin and writes bench/results/cpu_rnn_<date>.json and
a PNG plot of the speedups (LibTorch time / our time; > 1 means we are faster).

    ./ci/python bench/compare_rnn_cpu.py \
        --binary build/h-cpu/bench/bench_rnn_cpu --threads 1 2

Times are real (wall-clock) time per call of a whole sequence (T = 100); the
machine's load average before and after each run is recorded, since a shared
machine makes timings noisy.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def run_binary(binary, threads, min_time, repetitions):
    cmd = [binary, "--threads", str(threads), "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
    if repetitions > 1:
        cmd += [f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true"]
    load_before = os.getloadavg()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    load_after = os.getloadavg()
    return json.loads(out.stdout), cmd, load_before, load_after


NAME = re.compile(r"^(ours|libtorch)/(\w+)/B(\d+)/H(\d+)/T(\d+)/threads(\d+)/real_time(?:_(\w+))?$")
ANCHOR = re.compile(r"^anchor/w_hh_read/(\w+)/H(\d+)/real_time(?:_(\w+))?$")


def anchors(doc, repetitions):
    """{(variant, H): us per read of a W_hh-sized buffer} (median when repeated)."""
    out = {}
    for b in doc["benchmarks"]:
        m = ANCHOR.match(b["name"])
        if not m:
            continue
        variant, H, agg = m.groups()
        if repetitions > 1 and agg != "median":
            continue
        out[(variant, int(H))] = b["real_time"]
    return out


def pair_results(doc, repetitions):
    """{(variant, B, H, T, threads): {"ours": us, "libtorch": us, ...}} (median when repeated).

    At B = 1 every step reads all of W_hh: T x (one read of a W_hh-sized
    buffer, the anchor measured in the same run) is a floor for any
    implementation's recurrent part, so LibTorch time / floor bounds the
    speedup anyone can reach there ("speedup_bound_at_b1")."""
    floors = anchors(doc, repetitions)
    rows = {}
    for b in doc["benchmarks"]:
        m = NAME.match(b["name"])
        if not m:
            continue
        side, variant, B, H, T, thr, agg = m.groups()
        if repetitions > 1 and agg != "median":
            continue
        key = (variant, int(B), int(H), int(T), int(thr))
        assert b["time_unit"] == "us", b["time_unit"]
        row = rows.setdefault(key, {})
        row[side + "_us"] = b["real_time"]
        row[side + "_cpu_us"] = b["cpu_time"]
        if side == "ours" and "max_abs_diff" in b:
            row["max_abs_diff_vs_libtorch"] = b["max_abs_diff"]
    out = []
    for (variant, B, H, T, thr), row in sorted(rows.items()):
        entry = {"variant": variant, "B": B, "H": H, "I": H, "T": T, "threads": thr, **row}
        if "ours_us" in row and "libtorch_us" in row:
            entry["ours_over_libtorch"] = row["ours_us"] / row["libtorch_us"]
            entry["speedup_vs_libtorch"] = row["libtorch_us"] / row["ours_us"]
        if B == 1 and (variant, H) in floors:
            entry["w_hh_read_us_per_step"] = floors[(variant, H)]
            entry["w_hh_read_floor_us"] = floors[(variant, H)] * T
            if "libtorch_us" in row:
                entry["speedup_bound_at_b1"] = row["libtorch_us"] / entry["w_hh_read_floor_us"]
        out.append(entry)
    return out


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    threads = sorted({r["threads"] for r in results})
    fig, axes = plt.subplots(1, len(threads), figsize=(7 * len(threads), 4.5), squeeze=False)
    for ax, thr in zip(axes[0], threads):
        rows = [r for r in results if r["threads"] == thr and "speedup_vs_libtorch" in r]
        labels = [f"{r['variant']}\nB{r['B']} H{r['H']}" for r in rows]
        speed = [r["speedup_vs_libtorch"] for r in rows]
        colors = ["tab:green" if s >= 1 else "tab:red" for s in speed]
        ax.bar(range(len(rows)), speed, color=colors)
        bound = [(i, r["speedup_bound_at_b1"]) for i, r in enumerate(rows) if "speedup_bound_at_b1" in r]
        if bound:
            ax.scatter([i for i, _ in bound], [b for _, b in bound], marker="_", s=400, color="black",
                       label="B=1 bound: LibTorch time / (T x W_hh read)", zorder=3)
            ax.legend(fontsize=7, loc="upper right")
        ax.axhline(1.0, color="black", lw=1)
        ax.axhline(2.0, color="gray", lw=1, ls="--")
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_yscale("log")  # outliers (a stalled thread pool) must not flatten the rest
        ax.set_yticks([0.5, 1, 2, 4])
        ax.set_yticklabels(["0.5", "1", "2", "4"])
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_ylabel("LibTorch time / our time (log)")
        ax.set_title(f"float32 fused CPU kernels vs LibTorch, T=100, {thr} thread(s)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "build/h-cpu/bench/bench_rnn_cpu"))
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per benchmark (Google Benchmark min_time)")
    ap.add_argument("--repetitions", type=int, default=1, help="> 1: report the median of the repetitions")
    ap.add_argument("--out-dir", default=str(ROOT / "bench/results"))
    ap.add_argument("--tag", default="", help="appended to the output file names (cpu_rnn_<date>_<tag>)")
    args = ap.parse_args()

    now = datetime.datetime.now(datetime.timezone.utc)
    results, runs, context = [], [], None
    for thr in args.threads:
        doc, cmd, before, after = run_binary(args.binary, thr, args.min_time, args.repetitions)
        context = doc.get("context", {})
        runs.append({"threads": thr, "command": " ".join(cmd), "loadavg_before": before, "loadavg_after": after})
        results += pair_results(doc, args.repetitions)

    out_dir = pathlib.Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"cpu_rnn_{now.strftime('%Y-%m-%d')}" + (f"_{args.tag}" if args.tag else "")
    report = {
        "what": "float32 single-layer unidirectional LSTM/GRU, I = H, T = 100: rnnconf fused CPU kernels "
                "(reference_cpu run_sequence) vs LibTorch at::lstm/at::gru (InferenceMode), same binary, same threads",
        "date": now.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "device": {"cpu": cpu_model(), "logical_cores": os.cpu_count(), "machine": platform.machine()},
        "benchmark_context": {k: context.get(k) for k in ("libtorch", "threads", "openblas_config", "library_build_type",
                                                           "mhz_per_cpu", "num_cpus")},
        "runs": runs,
        "threading_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS",
                                                          "GOMP_SPINCOUNT") if k in os.environ},
        "results": results,
    }
    if report["commit"] is None:
        del report["commit"]
    json_path = out_dir / f"{stem}.json"
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    plot(results, out_dir / f"{stem}.png")
    print(f"wrote {json_path} and {stem}.png")
    print(f"{'variant':8} {'B':>3} {'H':>4} {'thr':>3} {'ours us':>10} {'libtorch us':>12} {'speedup':>8} "
          f"{'B1 floor us':>11} {'bound':>6}")
    nan = float("nan")
    for r in results:
        print(f"{r['variant']:8} {r['B']:>3} {r['H']:>4} {r['threads']:>3} {r.get('ours_us', nan):>10.0f} "
              f"{r.get('libtorch_us', nan):>12.0f} {r.get('speedup_vs_libtorch', nan):>8.2f} "
              f"{r.get('w_hh_read_floor_us', nan):>11.0f} {r.get('speedup_bound_at_b1', nan):>6.2f}")
    for run in runs:
        print(f"threads {run['threads']}: load average before {run['loadavg_before']}, after {run['loadavg_after']}")


if __name__ == "__main__":
    main()
